# Terraform variables for the demo GKE cluster used by `npm run demo`.
# Apply with: terraform apply -var-file=projects/demo-cluster.tfvars
prefix                 = "demo"
project_id             = "demo-cluster-2027"
zone                   = "us-central1-b"
region                 = "us-central1"
core_node_machine_type = "n2-highmem-2"
enable_network_policy  = true

k8s_versions = {
  min_master_version : "1.31.5-gke.1023000",
  core_nodes_version : "1.31.5-gke.1023000",
  notebook_nodes_version : "1.31.5-gke.1023000",
}

# Setup a filestore for in-cluster NFS
enable_filestore      = true
filestore_capacity_gb = 1024

# Notebook node pools; the key is what the app's config calls infraKey.
notebook_nodes = {
  "n2-highmem-4" : {
    min : 0,
    max : 20,
    machine_type : "n2-highmem-4",
  },
  "n2-highmem-16" : {
    min : 0,
    max : 10,
    machine_type : "n2-highmem-16",
    labels : {
      "2i2c/hub-name" : "workshops",
    },
  },
  "gpu-t4" : {
    # T4s need the NVIDIA_T4_GPUS quota in the region.
    min : 0,
    max : 4,
    machine_type : "n1-standard-8",
    gpu : {
      enabled : true,
      type : "nvidia-tesla-t4",
      count : 1,
    },
    zones : ["us-central1-b"],
  },
}

dask_nodes = {}
