/**
 * VnfConfigurator that reads the user's VNF config and license files and
 * hands them to the VNF at instantiation through SOL003 additionalParams
 * (`vnfConfig`, `license`). The VNF applies its config and checks its
 * license itself when it boots, so an expired license fails instantiation
 * with the VNF's own reason.
 */
import type { VnfConfigurator, VnfLicense } from '../../ports/vnf-configurator.js';
import { readMappingFile } from '../../util/read-doc.js';
import { fail, ok, type Outcome } from '../../util/outcome.js';

const LICENSE_FIELDS = ['licensee', 'product', 'expires', 'key'] as const;

/** Check a license document's shape; the VNF checks validity (expiry, product) at boot. */
export function parseLicense(doc: Record<string, unknown>, file: string): Outcome<VnfLicense> {
  for (const field of LICENSE_FIELDS) {
    if (typeof doc[field] !== 'string' || doc[field] === '') {
      // YAML turns an unquoted date into a Date object.
      if (field === 'expires' && doc[field] instanceof Date) continue;
      return fail(`${file}: field '${field}' is missing or not a string: add it (e.g. ${field}: ...)`);
    }
  }
  const expiresRaw = doc.expires instanceof Date ? doc.expires.toISOString() : String(doc.expires);
  if (Number.isNaN(Date.parse(expiresRaw))) {
    return fail(`${file}: field 'expires' is not a date: write an ISO date such as 2030-12-31`);
  }
  return ok({
    licensee: String(doc.licensee),
    product: String(doc.product),
    expires: expiresRaw,
    key: String(doc.key),
  });
}

export class FileVnfConfigurator implements VnfConfigurator {
  readonly name = 'files';

  async setVnfConfigFile(_vnf: unknown, vnfConfigFile: string): Promise<Outcome<Record<string, unknown>>> {
    const doc = await readMappingFile(vnfConfigFile);
    if (!doc.ok) return doc;
    return ok({ vnfConfig: doc.value });
  }

  async setVnfLicense(_vnf: unknown, vnfLicenseFile: string): Promise<Outcome<Record<string, unknown>>> {
    const doc = await readMappingFile(vnfLicenseFile);
    if (!doc.ok) return doc;
    const license = parseLicense(doc.value, vnfLicenseFile);
    return license.ok ? ok({ license: license.value }) : license;
  }
}
