/**
 * A kubevirt MigrationHandle's id lists every leg (namespace, VMI name,
 * VMIM name, VMIM uid), so any KubevirtMigrator instance - after a restart,
 * or the cleanup of an interrupted run - can follow and abort it. Kubernetes
 * names never contain '/' or ',' (RFC 1123 subdomains), so both separate.
 */
import { KubevirtError } from './errors.js';

/** One VMI's migration inside a handle. */
export interface Leg {
  readonly namespace: string;
  readonly vmiName: string;
  readonly vmimName: string;
  /** metadata.uid of the VMIM: the VMI's `migrationState.migrationUid` names it. */
  readonly vmimUid: string;
}

export function encodeHandleId(legs: readonly Leg[]): string {
  return legs.map((l) => `${l.namespace}/${l.vmiName}/${l.vmimName}/${l.vmimUid}`).join(',');
}

/** The legs of a handle id; KUBEVIRT_BAD_HANDLE when it is not one of ours. */
export function decodeHandleId(id: string): Leg[] {
  return id.split(',').map((part) => {
    const fields = part.split('/');
    const [namespace, vmiName, vmimName, vmimUid] = fields;
    if (
      fields.length !== 4 ||
      namespace === undefined ||
      vmiName === undefined ||
      vmimName === undefined ||
      vmimUid === undefined ||
      fields.some((f) => f === '')
    )
      throw new KubevirtError('KUBEVIRT_BAD_HANDLE', `not a kubevirt migration handle: ${id}`);
    return { namespace, vmiName, vmimName, vmimUid };
  });
}

/** A compute resource id: a VMI (or pod) name in the default namespace, or `namespace/name`. */
export function parseResourceRef(id: string, defaultNamespace: string): { namespace: string; name: string } {
  const slash = id.indexOf('/');
  return slash < 0
    ? { namespace: defaultNamespace, name: id }
    : { namespace: id.slice(0, slash), name: id.slice(slash + 1) };
}
