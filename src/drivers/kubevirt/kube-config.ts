/**
 * Where the Kubernetes API is and who we are: a kubeconfig file (a context
 * of it, or its current one), the in-cluster service account (token and CA
 * mounted at /var/run/secrets/kubernetes.io/serviceaccount, API address from
 * KUBERNETES_SERVICE_HOST/PORT), or client-node's default lookup ($KUBECONFIG,
 * ~/.kube/config, then in-cluster). The namespace: the configured one, else
 * the context's, else the service account's, else 'default' (kubectl's order).
 */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { KubevirtError } from './errors.js';

export interface KubeAccessConfig {
  /** Path of a kubeconfig file; default: $KUBECONFIG or ~/.kube/config (or in-cluster when neither exists). */
  readonly kubeconfig?: string;
  /** Context of the kubeconfig; default its current-context. */
  readonly context?: string;
  /** Use the pod's service account (vnflab running inside the cluster). */
  readonly inCluster?: boolean;
  /** Namespace of the VMIs and VMIMs. */
  readonly namespace?: string;
}

/** Mounted service-account directory (Kubernetes docs, "Accessing the API from a Pod"). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeAccess {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  /** API server URL, for messages and the result record. */
  readonly server: string;
}

/**
 * Load the access; KUBEVIRT_CONFIG_INVALID when the file, context or cluster
 * is missing. `pathPrefix` is put before the service-account paths (as
 * client-node's loadFromCluster does), for tests.
 */
export function loadKubeAccess(c: KubeAccessConfig, pathPrefix = ''): KubeAccess {
  const serviceAccountDir = `${pathPrefix}${SERVICE_ACCOUNT_DIR}`;
  const kc = new KubeConfig();
  const where =
    c.inCluster === true
      ? 'in-cluster config'
      : c.kubeconfig !== undefined
        ? `kubeconfig ${c.kubeconfig}`
        : 'default kubeconfig';
  try {
    if (c.inCluster === true) {
      if (
        process.env.KUBERNETES_SERVICE_HOST === undefined ||
        process.env.KUBERNETES_SERVICE_PORT === undefined
      )
        throw new KubevirtError(
          'KUBEVIRT_CONFIG_INVALID',
          `${where}: KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT are not set (not running in a pod?)`,
        );
      readFileSync(`${serviceAccountDir}/token`);
      kc.loadFromCluster(pathPrefix);
    } else if (c.kubeconfig !== undefined) kc.loadFromFile(c.kubeconfig);
    else kc.loadFromDefault();
    if (c.context !== undefined) {
      if (kc.getContextObject(c.context) === null)
        throw new KubevirtError(
          'KUBEVIRT_CONFIG_INVALID',
          `${where}: no context ${c.context} (has: ${kc
            .getContexts()
            .map((x) => x.name)
            .join(', ')})`,
        );
      kc.setCurrentContext(c.context);
    }
  } catch (e) {
    if (e instanceof KubevirtError) throw e;
    throw new KubevirtError(
      'KUBEVIRT_CONFIG_INVALID',
      `${where}: ${e instanceof Error ? e.message : String(e)}`,
      {},
      { cause: e },
    );
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null || cluster.server === '')
    throw new KubevirtError(
      'KUBEVIRT_CONFIG_INVALID',
      `${where}: no cluster for context ${kc.getCurrentContext()}`,
    );
  // loadFromCluster copies the mounted namespace file verbatim (a trailing newline included).
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace?.trim();
  const namespace =
    c.namespace ??
    (contextNamespace !== undefined && contextNamespace !== '' ? contextNamespace : undefined) ??
    (c.inCluster === true ? readServiceAccountNamespace(serviceAccountDir) : undefined) ??
    'default';
  return { kubeConfig: kc, namespace, server: cluster.server };
}

function readServiceAccountNamespace(dir: string): string | undefined {
  try {
    const ns = readFileSync(`${dir}/namespace`, 'utf8').trim();
    return ns === '' ? undefined : ns;
  } catch {
    return undefined;
  }
}
