/**
 * Compute API microversions as Nova negotiates them
 * (nova/api/openstack/api_version_request.py): the client asks with
 * `OpenStack-API-Version: compute X.Y` (or the older
 * `X-OpenStack-Nova-API-Version: X.Y`), 'latest' means the maximum, no
 * header means the minimum 2.1; an unsupported version is 406 and a
 * malformed one 400. The version served is echoed in both headers.
 */
import { fail, ok, type Outcome } from '../../../util/outcome.js';
import { VnflabBugError } from '../../../util/errors.js';

export interface Microversion {
  readonly major: number;
  readonly minor: number;
}

export const MIN_VERSION: Microversion = { major: 2, minor: 1 };
/** The highest microversion the lab serves (Nova Ussuri's maximum). */
export const MAX_VERSION: Microversion = { major: 2, minor: 80 };

export const formatVersion = (v: Microversion): string => `${v.major}.${v.minor}`;

export function compareVersions(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** Is `v` at least `min` ('2.23')? */
export function atLeast(v: Microversion, min: string): boolean {
  const m = parseVersion(min);
  if (m === null) throw new VnflabBugError(`bad microversion literal ${min}`);
  return compareVersions(v, m) >= 0;
}

export function parseVersion(text: string): Microversion | null {
  const match = /^([1-9]\d*)\.(0|[1-9]\d*)$/.exec(text.trim());
  return match === null ? null : { major: Number(match[1]), minor: Number(match[2]) };
}

/** The requested version from the headers: 406 when out of range, 400 when malformed. */
export function negotiate(headers: {
  openStackApiVersion?: string | undefined;
  novaApiVersion?: string | undefined;
}): Outcome<Microversion> & { status?: 400 | 406 } {
  const requested = fromOpenStackHeader(headers.openStackApiVersion) ?? headers.novaApiVersion?.trim();
  if (requested === undefined || requested === '') return ok(MIN_VERSION);
  if (requested.toLowerCase() === 'latest') return ok(MAX_VERSION);
  const v = parseVersion(requested);
  if (v === null)
    return {
      ...fail(`API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`),
      status: 400,
    };
  if (compareVersions(v, MIN_VERSION) < 0 || compareVersions(v, MAX_VERSION) > 0)
    return {
      ...fail(
        `Version ${requested} is not supported by the API. Minimum is ${formatVersion(MIN_VERSION)} and maximum is ${formatVersion(MAX_VERSION)}.`,
      ),
      status: 406,
    };
  return ok(v);
}

/** 'compute 2.60' out of 'volume 3.0, compute 2.60' (service names are case-insensitive). */
function fromOpenStackHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  for (const part of value.split(',')) {
    const [service, version] = part.trim().split(/\s+/);
    if (service?.toLowerCase() === 'compute' && version !== undefined) return version;
  }
  return undefined;
}

/** Response headers that state the version served. */
export function versionHeaders(v: Microversion): Record<string, string> {
  return {
    'OpenStack-API-Version': `compute ${formatVersion(v)}`,
    'X-OpenStack-Nova-API-Version': formatVersion(v),
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}
