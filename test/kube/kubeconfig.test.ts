import { fileURLToPath } from 'node:url';
import { kubeConfigFor } from '../../src/kube/cluster.js';

const file = fileURLToPath(new URL('../fixtures/kube/kubeconfig.yaml', import.meta.url));

describe('kubeConfigFor (what the operator granted, never the default kubeconfig)', () => {
  test('a granted kubeconfig file, its current context by default or the one granted', () => {
    expect(kubeConfigFor({ kubeconfigPath: file, context: null }).getCurrentCluster()?.server).toBe('https://34.121.0.10');
    const staging = kubeConfigFor({ kubeconfigPath: file, context: 'staging' });
    expect(staging.getCurrentContext()).toBe('staging');
    expect(staging.getCurrentCluster()?.server).toBe('https://k8s.test');
  });

  test('an unknown context or a missing file is a one-line error that names the fix', () => {
    expect(() => kubeConfigFor({ kubeconfigPath: file, context: 'prod' })).toThrow('kubeconfig kubeconfig.yaml has no context "prod"; it has: pilot-hubs, staging');
    expect(() => kubeConfigFor({ kubeconfigPath: '/nonexistent/kubeconfig', context: null })).toThrow('could not read kubeconfig kubeconfig (ENOENT)');
  });

  test('$KUBECONFIG and ~/.kube/config are never read, whatever they hold', () => {
    const saved = process.env.KUBECONFIG;
    try {
      process.env.KUBECONFIG = file;
      // No file granted and not in a pod: nothing to connect with, even though $KUBECONFIG is valid.
      delete process.env.KUBERNETES_SERVICE_HOST;
      expect(() => kubeConfigFor({ kubeconfigPath: null, context: 'pilot-hubs' })).toThrow(/not running in a Kubernetes pod/);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  test('in-cluster access uses the service account environment, and says so when it is missing', () => {
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    try {
      delete process.env.KUBERNETES_SERVICE_HOST;
      expect(() => kubeConfigFor({ kubeconfigPath: null, context: null })).toThrow('in-cluster access is granted but the app is not running in a Kubernetes pod');
      process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
      process.env.KUBERNETES_SERVICE_PORT = '443';
      expect(kubeConfigFor({ kubeconfigPath: null, context: null }).getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
    } finally {
      for (const [key, value] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
