/**
 * The VNF's license check at boot (spec input vnfLicenseFile). A VNF whose
 * configuration says `licenseRequired: true` refuses to boot without one; any
 * license given must be well-formed, unexpired, and (when the configuration
 * names a `product`) for this product.
 */
import type { VnfBootConfig } from '../hypervisor.js';
import { fail, ok, type Outcome } from '../../../util/outcome.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function checkLicense(boot: VnfBootConfig, now: Date = new Date()): Outcome<void> {
  const license = boot.license;
  const required = boot.config?.licenseRequired === true;
  if (license === undefined)
    return required ? fail('license required by the VNF configuration but none was given') : ok(undefined);
  for (const field of ['licensee', 'product', 'expires', 'key'] as const) {
    const v: unknown = license[field];
    if (typeof v !== 'string' || v.trim() === '') return fail(`license field "${field}" is missing or empty`);
  }
  const expiresMs = Date.parse(license.expires);
  if (Number.isNaN(expiresMs)) return fail(`license expiry "${license.expires}" is not an ISO date`);
  // A date without a time is valid through that whole day (UTC).
  const validUntilMs = DATE_ONLY.test(license.expires) ? expiresMs + DAY_MS : expiresMs;
  if (now.getTime() >= validUntilMs)
    return fail(`license of ${license.licensee} expired on ${license.expires}`);
  const product = boot.config?.product;
  if (typeof product === 'string' && product !== license.product) {
    return fail(`license is for product "${license.product}", this VNF is "${product}"`);
  }
  return ok(undefined);
}
