/**
 * Compute API microversions as Nova negotiates them
 * (nova/api/openstack/api_version_request.py): the client asks with
 * `OpenStack-API-Version: compute X.Y` (or the older
 * `X-OpenStack-Nova-API-Version: X.Y`), 'latest' means the maximum, no
 * header means the minimum 2.1; an unsupported version is 406 and a
 * malformed one 400. The version served is echoed in both headers.
 */
import {
  compareMicroversions,
  formatMicroversion,
  parseMicroversion,
  type Microversion,
} from '../../../protocols/nova/microversion.js';
import { fail, ok, type Outcome } from '../../../util/outcome.js';

export const MIN_VERSION: Microversion = { major: 2, minor: 1 };
/** The highest microversion the lab serves (Nova Ussuri's maximum). */
export const MAX_VERSION: Microversion = { major: 2, minor: 80 };

/** The requested version from the headers: 406 when out of range, 400 when malformed. */
export function negotiate(headers: {
  openStackApiVersion?: string | undefined;
  novaApiVersion?: string | undefined;
}): Outcome<Microversion> & { status?: 400 | 406 } {
  const requested = fromOpenStackHeader(headers.openStackApiVersion) ?? headers.novaApiVersion?.trim();
  if (requested === undefined || requested === '') return ok(MIN_VERSION);
  if (requested.toLowerCase() === 'latest') return ok(MAX_VERSION);
  const v = parseMicroversion(requested);
  if (v === null)
    return {
      ...fail(`API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`),
      status: 400,
    };
  if (compareMicroversions(v, MIN_VERSION) < 0 || compareMicroversions(v, MAX_VERSION) > 0)
    return {
      ...fail(
        `Version ${requested} is not supported by the API. Minimum is ${formatMicroversion(MIN_VERSION)} and maximum is ${formatMicroversion(MAX_VERSION)}.`,
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
    'OpenStack-API-Version': `compute ${formatMicroversion(v)}`,
    'X-OpenStack-Nova-API-Version': formatMicroversion(v),
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}
