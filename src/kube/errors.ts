import { ApiException } from '@kubernetes/client-node';

/**
 * An error from the Kubernetes adapter with a one-line message written for the status comment
 * ("Kubernetes refused to list nodes: …"), plus the HTTP status and Status reason for callers that
 * branch on them (`Forbidden`, `AlreadyExists`, `NotFound`).
 */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  constructor(
    message: string,
    /** HTTP status from the API server; undefined when the server was not reached. */
    readonly status?: number,
    /** `Status.reason` from the API server (`Forbidden`, `AlreadyExists`, …). */
    readonly reason?: string,
  ) {
    super(message);
  }
}

interface StatusBody {
  message?: string;
  reason?: string;
}

/** The client puts the response body in `ApiException.body` as raw text; a `Status` object is JSON. */
function statusOf(error: ApiException<unknown>): StatusBody {
  const body = error.body;
  if (body && typeof body === 'object') return body as StatusBody;
  if (typeof body !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as StatusBody) : {};
  } catch {
    return { message: body.slice(0, 200) };
  }
}

/** Collapses whitespace so a message always fits on one comment line. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Turns whatever the client threw into a KubeError whose message says what failed, why, and what to
 * do. `action` is a gerund phrase completing "while …" (e.g. `listing the nodes of pool n2-highmem-4`).
 */
export function toKubeError(error: unknown, action: string, server: string | undefined): KubeError {
  if (error instanceof KubeError) return error;
  if (error instanceof ApiException) {
    const code = (error as ApiException<unknown>).code;
    const status = statusOf(error as ApiException<unknown>);
    const detail = status.message ? `: ${status.message}` : '';
    const reason = status.reason;
    if (code === 401) {
      return new KubeError(oneLine(`Kubernetes rejected the app's credentials while ${action} (HTTP 401); check the kubeconfig user or the service account token`), code, 'Unauthorized');
    }
    if (code === 403 && /exceeded quota/i.test(status.message ?? '')) {
      return new KubeError(oneLine(`a ResourceQuota blocked ${action}${detail}`), code, reason ?? 'Forbidden');
    }
    if (code === 403) {
      return new KubeError(oneLine(`Kubernetes refused ${action}${detail} (grant it as in deploy/rbac.yaml)`), code, reason ?? 'Forbidden');
    }
    if (code === 404) {
      return new KubeError(oneLine(`not found while ${action}${detail} (does the namespace exist? deploy/rbac.yaml creates it)`), code, reason ?? 'NotFound');
    }
    return new KubeError(oneLine(`Kubernetes answered HTTP ${code} while ${action}${detail}`), code, reason);
  }
  const message = error instanceof Error ? error.message : String(error);
  const where = server ? ` at ${server}` : '';
  return new KubeError(oneLine(`could not reach the Kubernetes API${where} while ${action}: ${message.replace(/^request to \S+ failed, reason: /, '')}`));
}
