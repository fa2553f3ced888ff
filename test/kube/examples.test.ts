import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { resolveAccess } from '../../src/kube/access.js';
import { DEFAULT_KUBECONFIG_DIR, loadClusterAccess } from '../../src/kube/operator.js';

const text = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');

describe('the bundled cluster access example', () => {
  test('is valid, and the commented kubernetes block of the example config is granted by it', () => {
    const { access, problems } = loadClusterAccess('cluster-access.yml', DEFAULT_KUBECONFIG_DIR, () => text('cluster-access.yml'));
    expect(problems).toEqual([]);
    expect(access.grants).toHaveLength(1);
    // The block is commented out in the example config: uncomment it the way a reader would.
    const block = /# kubernetes:.*\n((?:\s+#\s{3}.*\n)+)/.exec(text('workshop-readiness.yml'))?.[1] ?? '';
    const kubernetes = parse(block.replace(/^(\s*)#\s{3}/gm, '$1').replace(/^\s*#.*$/gm, '')) as Record<string, string>;
    expect(kubernetes.kubeconfig).toBe('demo-cluster.kubeconfig');
    expect(resolveAccess(access, { repository: 'example-org/workshops', clusterName: 'demo-cluster', kubernetes: { inCluster: false, ...kubernetes }, kubeconfigDir: DEFAULT_KUBECONFIG_DIR })).toEqual({
      ok: true,
      access: {
        kubeconfigPath: `${DEFAULT_KUBECONFIG_DIR}/demo-cluster.kubeconfig`,
        context: 'gke_demo_us-central1_demo-cluster',
        namespace: 'workshop-readiness',
        priorityClassName: 'workshop-readiness-placeholder',
        tolerations: [{ key: 'hub.jupyter.org_dedicated', operator: 'Equal', value: 'user', effect: 'NoSchedule' }],
        hubNamespaces: ['workshops'],
      },
    });
  });
});
