import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { kubeConfigFor } from '../../src/kube/cluster.js';

const file = fileURLToPath(new URL('../fixtures/kube/kubeconfig.yaml', import.meta.url));
const base = { inCluster: false, namespace: 'workshop-readiness' };

describe('kubeConfigFor', () => {
  test('nothing configured → null (the plan uses the formulas)', () => {
    expect(kubeConfigFor(undefined)).toBeNull();
    expect(kubeConfigFor({ ...base })).toBeNull();
  });

  test('a kubeconfig file, its current context by default or the one named', () => {
    expect(kubeConfigFor({ ...base, kubeconfig: file })?.getCurrentCluster()?.server).toBe('https://34.121.0.10');
    const staging = kubeConfigFor({ ...base, kubeconfig: file, context: 'staging' });
    expect(staging?.getCurrentContext()).toBe('staging');
    expect(staging?.getCurrentCluster()?.server).toBe('https://k8s.test');
  });

  test('an unknown context or a missing file is a one-line error that names the fix', () => {
    expect(() => kubeConfigFor({ ...base, kubeconfig: file, context: 'prod' })).toThrow('kubeconfig has no context "prod"; it has: pilot-hubs, staging');
    expect(() => kubeConfigFor({ ...base, kubeconfig: '/nonexistent/kubeconfig' })).toThrow('could not read kubeconfig /nonexistent/kubeconfig (ENOENT)');
  });

  test('with an operator directory, relative paths resolve in it and paths outside are refused', () => {
    const dir = dirname(file);
    expect(kubeConfigFor({ ...base, kubeconfig: 'kubeconfig.yaml' }, { kubeconfigDir: dir })?.getCurrentContext()).toBe('pilot-hubs');
    expect(() => kubeConfigFor({ ...base, kubeconfig: '../../../package.json' }, { kubeconfigDir: dir })).toThrow(/outside the directory the operator allowed/);
    expect(() => kubeConfigFor({ ...base, kubeconfig: '/etc/passwd' }, { kubeconfigDir: dir })).toThrow(/outside the directory/);
  });

  test('inCluster uses the service account environment, and says so when it is missing', () => {
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    try {
      delete process.env.KUBERNETES_SERVICE_HOST;
      expect(() => kubeConfigFor({ ...base, inCluster: true })).toThrow('kubernetes.inCluster is true but the app is not running in a Kubernetes pod');
      process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
      process.env.KUBERNETES_SERVICE_PORT = '443';
      expect(kubeConfigFor({ ...base, inCluster: true })?.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
    } finally {
      for (const [key, value] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
