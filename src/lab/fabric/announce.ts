/**
 * The announcement a compute host sends to the fabric's control port when a
 * VM starts or resumes, like QEMU's self-announce (a RARP broadcast after
 * migration) that makes the bridge learn the guest's MAC on its new port.
 */
import type { Endpoint } from '../../util/outcome.js';

export interface AnnounceMessage {
  readonly type: 'announce';
  readonly vmId: string;
  /** The VM's data endpoint on its (new) host. */
  readonly endpoint: Endpoint;
  /** The VM's management HTTP endpoint on its (new) host, if it serves one. */
  readonly management?: Endpoint | null;
  /** When the VM (re)started, monotonic ns as a decimal string: a later announce wins. */
  readonly atNs: string;
}

export function encodeAnnounce(m: Omit<AnnounceMessage, 'type'>): Buffer {
  return Buffer.from(
    JSON.stringify({
      type: 'announce',
      vmId: m.vmId,
      endpoint: m.endpoint,
      ...(m.management == null ? {} : { management: m.management }),
      atNs: m.atNs,
    }),
  );
}

/** The announcement in a datagram, or null if it is not a well-formed one. */
export function parseAnnounce(datagram: Buffer): AnnounceMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(datagram.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  if (m.type !== 'announce' || typeof m.vmId !== 'string' || typeof m.atNs !== 'string') return null;
  if (!/^\d+$/.test(m.atNs)) return null;
  const endpoint = asEndpoint(m.endpoint);
  if (endpoint === null) return null;
  const management = m.management === undefined || m.management === null ? null : asEndpoint(m.management);
  if (management === null && m.management != null) return null;
  return {
    type: 'announce',
    vmId: m.vmId,
    endpoint,
    ...(management === null ? {} : { management }),
    atNs: m.atNs,
  };
}

function asEndpoint(v: unknown): Endpoint | null {
  if (typeof v !== 'object' || v === null) return null;
  const e = v as Record<string, unknown>;
  if (typeof e.host !== 'string' || typeof e.port !== 'number') return null;
  if (!Number.isInteger(e.port) || e.port <= 0 || e.port > 65535) return null;
  return { host: e.host, port: e.port };
}
