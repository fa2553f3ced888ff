import { AppsV1Api, type KubeConfig, type V1Scale } from '@kubernetes/client-node';
import { KubeError, toKubeError } from './errors.js';

/**
 * The z2jh user placeholders, scaled through the StatefulSet's `scale` subresource (apps/v1
 * `statefulsets/scale` in the hub's namespace): the only thing the app changes in a hub. It lets the app
 * hold warm capacity in the daily windows only, instead of from the merge-by time to the scale-down.
 */

/** z2jh names the placeholder StatefulSet `user-placeholder` in the hub's namespace. */
export const PLACEHOLDER_STATEFULSET = 'user-placeholder';

/** Narrow port: read and set the placeholder replicas of one hub. */
export interface PlaceholderScalePort {
  /** The StatefulSet's desired replicas, or null when the hub has no placeholder StatefulSet. */
  replicas(namespace: string): Promise<number | null>;
  /** Sets the desired replicas; a concurrent change (409) is read again and retried once. */
  scale(namespace: string, replicas: number): Promise<void>;
}

export function placeholderScale(kubeConfig: KubeConfig): PlaceholderScalePort {
  const api = kubeConfig.makeApiClient(AppsV1Api);
  const server = kubeConfig.getCurrentCluster()?.server;
  const read = async (namespace: string): Promise<V1Scale | null> => {
    try {
      return await api.readNamespacedStatefulSetScale({ name: PLACEHOLDER_STATEFULSET, namespace });
    } catch (error) {
      const failure = toKubeError(error, `reading the user placeholders in namespace ${namespace}`, server);
      if (failure.status === 404) return null;
      throw failure;
    }
  };
  return {
    async replicas(namespace) {
      const scale = await read(namespace);
      return scale ? (scale.spec?.replicas ?? 0) : null;
    },
    async scale(namespace, replicas) {
      for (let attempt = 0; ; attempt++) {
        const current = await read(namespace);
        if (!current) throw new KubeError(`the hub in namespace ${namespace} has no ${PLACEHOLDER_STATEFULSET} StatefulSet: turn on scheduling.userPlaceholder in its values and deploy it`, 404, 'NotFound');
        if (current.spec?.replicas === replicas) return;
        // resourceVersion makes the write conditional: a deploy that changed the StatefulSet in between wins, and we look again.
        const body: V1Scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: PLACEHOLDER_STATEFULSET, namespace, resourceVersion: current.metadata?.resourceVersion }, spec: { replicas } };
        try {
          await api.replaceNamespacedStatefulSetScale({ name: PLACEHOLDER_STATEFULSET, namespace, body });
          return;
        } catch (error) {
          const failure = toKubeError(error, `scaling the user placeholders in namespace ${namespace} to ${replicas}`, server);
          if (failure.status !== 409 || attempt > 0) throw failure;
        }
      }
    },
  };
}
