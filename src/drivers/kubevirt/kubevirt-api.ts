/**
 * The few Kubernetes API calls the migrator makes, through
 * `@kubernetes/client-node` (CustomObjectsApi for kubevirt.io/v1, CoreV1Api
 * for pods): answers parsed with the driver's schemas, 404 as null, every
 * other failure a KubevirtError carrying the status and the API's `Status`
 * message (e.g. an admission webhook's denial). Every request has a
 * deadline (an AbortSignal set by a client-node middleware): an API server
 * that stops answering fails the call instead of hanging the run.
 */
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  Observable,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import type { z } from 'zod';
import { KubevirtError } from './errors.js';
import {
  KUBEVIRT_GROUP,
  KUBEVIRT_VERSION,
  VMI_PLURAL,
  VMIM_PLURAL,
  vmimListSchema,
  vmimSchema,
  vmiSchema,
  type Vmi,
  type Vmim,
} from './resources.js';

const kv = { group: KUBEVIRT_GROUP, version: KUBEVIRT_VERSION };

export class KubevirtApi {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly options: ConfigurationOptions<ObservableMiddleware>;

  constructor(
    kubeConfig: KubeConfig,
    private readonly requestTimeoutMs = 30_000,
  ) {
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.options = deadlineOptions(requestTimeoutMs);
  }

  async getVmi(namespace: string, name: string): Promise<Vmi | null> {
    const path = `${VMI_PLURAL}/${namespace}/${name}`;
    const raw: unknown = await this.orNull('GET', path, () =>
      this.custom.getNamespacedCustomObject({ ...kv, namespace, plural: VMI_PLURAL, name }, this.options),
    );
    return raw === null ? null : parse(vmiSchema, raw, 'GET', path);
  }

  async getVmim(namespace: string, name: string): Promise<Vmim | null> {
    const path = `${VMIM_PLURAL}/${namespace}/${name}`;
    const raw: unknown = await this.orNull('GET', path, () =>
      this.custom.getNamespacedCustomObject({ ...kv, namespace, plural: VMIM_PLURAL, name }, this.options),
    );
    return raw === null ? null : parse(vmimSchema, raw, 'GET', path);
  }

  async listVmims(namespace: string): Promise<Vmim[]> {
    const path = `${VMIM_PLURAL}/${namespace}`;
    const raw: unknown = await this.call('GET', path, () =>
      this.custom.listNamespacedCustomObject({ ...kv, namespace, plural: VMIM_PLURAL }, this.options),
    );
    return parse(vmimListSchema, raw, 'GET', path).items;
  }

  async createVmim(namespace: string, body: Record<string, unknown>): Promise<Vmim> {
    const path = `${VMIM_PLURAL}/${namespace}`;
    const raw: unknown = await this.call('POST', path, () =>
      this.custom.createNamespacedCustomObject({ ...kv, namespace, plural: VMIM_PLURAL, body }, this.options),
    );
    return parse(vmimSchema, raw, 'POST', path);
  }

  /** False when it was already gone. */
  async deleteVmim(namespace: string, name: string): Promise<boolean> {
    const path = `${VMIM_PLURAL}/${namespace}/${name}`;
    const res: unknown = await this.orNull('DELETE', path, () =>
      this.custom.deleteNamespacedCustomObject({ ...kv, namespace, plural: VMIM_PLURAL, name }, this.options),
    );
    return res !== null;
  }

  /** The pod's phase, or null when there is no such pod. */
  async podPhase(namespace: string, name: string): Promise<string | null> {
    const pod = await this.orNull('GET', `pods/${namespace}/${name}`, () =>
      this.core.readNamespacedPod({ namespace, name }, this.options),
    );
    return pod === null ? null : (pod.status?.phase ?? 'Unknown');
  }

  private async call<T>(method: string, path: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw apiError(method, path, e, this.requestTimeoutMs);
    }
  }

  private async orNull<T>(method: string, path: string, f: () => Promise<T>): Promise<T | null> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return null;
      throw apiError(method, path, e, this.requestTimeoutMs);
    }
  }
}

/** A fresh AbortSignal per request, appended to client-node's own middleware. */
function deadlineOptions(ms: number): ConfigurationOptions<ObservableMiddleware> {
  return {
    middleware: [
      {
        pre: (context) => {
          context.setSignal(AbortSignal.timeout(ms));
          return new Observable(Promise.resolve(context));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

/** ApiException -> KubevirtError with the `Status` message; other errors (no answer, TLS) wrapped. */
function apiError(method: string, path: string, e: unknown, timeoutMs: number): KubevirtError {
  if (e instanceof ApiException) {
    const status = e.code;
    const body: unknown = typeof e.body === 'string' ? safeJson(e.body) : e.body;
    // The API's Status message; typed APIs drop the body of documented codes (401), keeping only
    // the generator's "Message: <description>" line.
    const message =
      typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string'
        ? body.message
        : (/^Message: (.+)$/m.exec(e.message)?.[1] ?? 'no message');
    return new KubevirtError(
      'KUBEVIRT_API_ERROR',
      `${method} ${path}: HTTP ${status}: ${message}`,
      { status, method, path, body },
      { cause: e },
    );
  }
  if (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'))
    return new KubevirtError(
      'KUBEVIRT_API_ERROR',
      `${method} ${path}: no answer within ${timeoutMs} ms`,
      { method, path },
      { cause: e },
    );
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return new KubevirtError(
    'KUBEVIRT_API_ERROR',
    `${method} ${path}: ${e instanceof Error ? e.message : String(e)}${cause}`,
    { method, path },
    { cause: e },
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parse<S extends z.ZodType>(schema: S, raw: unknown, method: string, path: string): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new KubevirtError(
      'KUBEVIRT_BAD_RESPONSE',
      `${method} ${path}: not understood: ${parsed.error.message}`,
      {
        method,
        path,
        body: raw,
      },
    );
  return parsed.data;
}
