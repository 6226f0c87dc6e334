/**
 * The drivers' view of a running embedded lab: the same SOL003 and Nova
 * clients as against Tacker and OpenStack, pointed at the lab's endpoints
 * and generated credentials.
 */
import type { Sol003VnfmConfig } from '../drivers/sol003/sol003-vnfm.js';
import type { LabInfo } from '../lab/lab.js';

/** The SOL003 driver configuration for a lab: base URL plus its OAuth 2.0 client credentials, if any. */
export function labSol003Config(info: LabInfo): Sol003VnfmConfig {
  const { baseUrl, tokenUrl, clientId, clientSecret } = info.sol003;
  return {
    baseUrl,
    ...(tokenUrl !== undefined && clientId !== undefined && clientSecret !== undefined
      ? { auth: { type: 'oauth2' as const, tokenUrl, clientId, clientSecret } }
      : {}),
  };
}
