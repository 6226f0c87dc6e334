/**
 * Compute API microversions (Nova's "Microversions" API guide): parse,
 * compare, and, for a client, pick the version to speak: min(ours, the
 * server's maximum), refused when the server's minimum is above ours. The
 * lab's Nova API negotiates with the same primitives
 * (lab/vim/nova/microversion.ts).
 */
import { VnflabBugError } from '../../util/errors.js';

export interface Microversion {
  readonly major: number;
  readonly minor: number;
}

/** What this driver is written against by default. */
export const DRIVER_MICROVERSION = '2.80';

export function parseMicroversion(text: string): Microversion | null {
  // nova/api/openstack/api_version_request.py: no leading zeros.
  const m = /^([1-9]\d*)\.(0|[1-9]\d*)$/.exec(text.trim());
  return m === null ? null : { major: Number(m[1]), minor: Number(m[2]) };
}

export const formatMicroversion = (v: Microversion): string => `${v.major}.${v.minor}`;

export function compareMicroversions(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** Is `v` at least 'X.Y'? */
export function atLeast(v: Microversion, min: string): boolean {
  const m = parseMicroversion(min);
  if (m === null) throw new VnflabBugError(`bad microversion literal ${min}`);
  return compareMicroversions(v, m) >= 0;
}

/**
 * The version to use against a server announcing [serverMin, serverMax]
 * ('' for both when it has no microversions: 2.1). Null when there is no overlap.
 */
export function chooseMicroversion(ours: string, serverMin: string, serverMax: string): Microversion | null {
  const want = parseMicroversion(ours);
  if (want === null) return null;
  const max = parseMicroversion(serverMax) ?? { major: 2, minor: 1 };
  const min = parseMicroversion(serverMin) ?? { major: 2, minor: 1 };
  const chosen = compareMicroversions(want, max) <= 0 ? want : max;
  return compareMicroversions(chosen, min) >= 0 ? chosen : null;
}
