/**
 * The user-facing configuration of the KubeVirt migrator (`migrator: {
 * driver: kubevirt, ... }` in a run configuration) and its translation into
 * {@link KubevirtMigratorConfig}. docs/kubevirt.md has the table.
 */
import { z } from 'zod';
import type { KubevirtMigratorConfig } from './kubevirt-migrator.js';

/** Fields of `migrator` when `driver` is `kubevirt` (compose with `.strict()` and {@link checkKubevirtAccess}). */
export const kubevirtConfigShape = {
  kubeconfig: z
    .string()
    .min(1)
    .exactOptional()
    .describe('kubeconfig file, relative to this file; default $KUBECONFIG, else ~/.kube/config.'),
  context: z
    .string()
    .min(1)
    .exactOptional()
    .describe('Context of the kubeconfig; default its current-context.'),
  inCluster: z
    .boolean()
    .default(false)
    .describe("Use the pod's service account instead of a kubeconfig (vnflab running in the cluster)."),
  namespace: z
    .string()
    .min(1)
    .exactOptional()
    .describe(
      "Namespace of the VMIs and VMIMs; default the context's, else the service account's, else 'default'.",
    ),
  requestTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('Deadline of one Kubernetes API request, ms.'),
  clockOffsetAllowanceMs: z
    .number()
    .nonnegative()
    .exactOptional()
    .describe(
      "Offset allowed between the clocks of the cluster's nodes (virt-controller, virt-handler) and the harness's, ms, added to the precision of every VIM timestamp placed on the move (it cannot be measured from the harness); default 1000.",
    ),
};

/** In-cluster access ignores a kubeconfig: naming one too is a mistake worth reporting. */
export function checkKubevirtAccess(
  c: { inCluster?: boolean | undefined; kubeconfig?: string | undefined; context?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (c.inCluster !== true) return;
  for (const field of ['kubeconfig', 'context'] as const)
    if (c[field] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `inCluster uses the pod's service account, not a kubeconfig: remove ${field} or inCluster`,
      });
}

const kubevirtConfigObject = z.object(kubevirtConfigShape).strict();

/** The parsed `migrator` section for the KubeVirt driver. */
export type KubevirtUserConfig = z.output<typeof kubevirtConfigObject>;

/** The schema of the section alone (minus `driver`). */
export const kubevirtConfigSchema = kubevirtConfigObject.superRefine(checkKubevirtAccess);

/** The driver configuration; `resolveFile` makes `kubeconfig` absolute (relative to the config file). */
export function toKubevirtMigratorConfig(
  c: KubevirtUserConfig,
  resolveFile: (path: string) => string = (path) => path,
): KubevirtMigratorConfig {
  const { kubeconfig, ...rest } = c;
  return { ...rest, ...(kubeconfig !== undefined ? { kubeconfig: resolveFile(kubeconfig) } : {}) };
}
