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
  /** When the VM (re)started, monotonic ns as a decimal string: a later announce wins. */
  readonly atNs: string;
}

export function encodeAnnounce(m: Omit<AnnounceMessage, 'type'>): Buffer {
  return Buffer.from(JSON.stringify({ type: 'announce', vmId: m.vmId, endpoint: m.endpoint, atNs: m.atNs }));
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
  const e = m.endpoint as Record<string, unknown> | null | undefined;
  if (m.type !== 'announce' || typeof m.vmId !== 'string' || typeof m.atNs !== 'string') return null;
  if (!/^\d+$/.test(m.atNs)) return null;
  if (typeof e !== 'object' || e === null || typeof e.host !== 'string' || typeof e.port !== 'number')
    return null;
  if (!Number.isInteger(e.port) || e.port <= 0 || e.port > 65535) return null;
  return { type: 'announce', vmId: m.vmId, endpoint: { host: e.host, port: e.port }, atNs: m.atNs };
}
