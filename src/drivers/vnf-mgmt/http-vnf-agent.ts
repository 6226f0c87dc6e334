/**
 * VnfAgent over the VNF's HTTP management interface: `POST {managementUrl}/migrate-request`
 * with `{ vResourceType }`; the VNF answers 202 once it has asked its VNFM.
 */
import type { VnfAgent } from '../../ports/vnf-agent.js';
import type { VResourceType } from '../../ports/vnfm.js';
import { describeFetchError } from '../../util/fetch-error.js';
import { fail, ok, type Outcome } from '../../util/outcome.js';

export class HttpVnfAgent implements VnfAgent {
  readonly name = 'http-vnf-agent';
  constructor(private readonly opts: { requestTimeoutMs?: number } = {}) {}

  async requestMigration(managementUrl: string, vResourceType: VResourceType): Promise<Outcome> {
    const url = `${managementUrl.replace(/\/+$/, '')}/migrate-request`;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ vResourceType }),
        signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 10_000),
      });
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) return ok(undefined);
      return fail(
        `the VNF's management interface answered ${res.status} to POST ${url}: ${text.slice(0, 300)}`,
      );
    } catch (err) {
      return fail(`the VNF's management interface at ${url} did not answer: ${describeFetchError(err)}`);
    }
  }
}
