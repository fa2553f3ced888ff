/*
    eksctl cluster configuration for the demo AWS cluster used by `npm run demo`.

        jsonnet demo-aws.jsonnet > demo-aws.eksctl.yaml
*/
local ng = import "./libsonnet/nodegroup.jsonnet";

local clusterRegion = "us-east-1";
local masterAzs = ["us-east-1a", "us-east-1b", "us-east-1c"];
local nodeAz = "us-east-1a";

// Node definitions for notebook nodes. Config here is merged over the
// notebook node group below, so a minSize here overrides its default.
local notebookNodes = [
    { instanceType: "r5.xlarge" },
    {
        instanceType: "r5.4xlarge",
        namePrefix: "nb-prod",
        labels+: { "2i2c/hub-name": "research" },
        tags+: { "2i2c:hub-name": "research" },
    },
    {
        instanceType: "g4dn.xlarge",
        tags+: {
            "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "1"
        },
        taints+: {
            "nvidia.com/gpu": "present:NoSchedule"
        },
        // GPUs can be short in one AZ, so allow all of them.
        availabilityZones: masterAzs,
    },
];

{
    apiVersion: 'eksctl.io/v1alpha5',
    kind: 'ClusterConfig',
    metadata+: {
        name: "demo-aws",
        region: clusterRegion,
        version: "1.31",
    },
    availabilityZones: masterAzs,
    iam: { withOIDC: true },
    nodeGroups: [
        ng + {
            namePrefix: 'core',
            availabilityZones: [nodeAz],
            instanceType: "r5.xlarge",
            minSize: 1,
            maxSize: 6,
            labels+: { "hub.jupyter.org/node-purpose": "core" },
        },
    ] + [
        ng + {
            namePrefix: 'nb',
            availabilityZones: [nodeAz],
            minSize: 0,
            maxSize: 500,
            instanceType: n.instanceType,
            labels+: { "hub.jupyter.org/node-purpose": "user" },
            taints+: { "hub.jupyter.org/dedicated": "user:NoSchedule" },
        } + n for n in notebookNodes
    ],
}
