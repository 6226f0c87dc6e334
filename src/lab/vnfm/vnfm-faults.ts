/**
 * The lab VNFM's injected faults (lab.faults `vnfm.OP=FAULT`, ../faults.ts):
 * which request is which operation, and what the VNFM does instead of
 * serving it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SOL003_LCM_API_VERSION } from '../../protocols/sol003/sol003-types.js';
import type { LcmOperationType } from '../../protocols/sol003/sol003-types.js';
import type { LabFault, VnfmFaultOp } from '../faults.js';
import { sendProblem } from './http-io.js';
import { ProblemError } from './problem.js';

export type VnfmFaultRule = Extract<LabFault, { kind: 'vnfm' }>;

const INSTANCE = '/vnflcm/v2/vnf_instances/[^/]+';

/** SOL003 §5.4: the resource and method of each operation a fault can be put on. */
const OPS: readonly { op: VnfmFaultOp; method: string; path: RegExp }[] = [
  { op: 'create', method: 'POST', path: /^\/vnflcm\/v2\/vnf_instances$/ },
  { op: 'instantiate', method: 'POST', path: new RegExp(`^${INSTANCE}/instantiate$`) },
  { op: 'operate', method: 'POST', path: new RegExp(`^${INSTANCE}/operate$`) },
  { op: 'terminate', method: 'POST', path: new RegExp(`^${INSTANCE}/terminate$`) },
  { op: 'delete', method: 'DELETE', path: new RegExp(`^${INSTANCE}$`) },
  { op: 'query', method: 'GET', path: /^\/vnflcm\/v2\/vnf_instances(?:\/[^/]+)?$/ },
  { op: 'poll', method: 'GET', path: /^\/vnflcm\/v2\/vnf_lcm_op_occs(?:\/[^/]+)?$/ },
];

/** Which operation a request is, if a fault can be put on it. */
export function vnfmOpOf(method: string | undefined, path: string): VnfmFaultOp | null {
  const p = path.replace(/\/+$/, '');
  return OPS.find((o) => o.method === method && o.path.test(p))?.op ?? null;
}

export class VnfmFaults {
  readonly #rules: readonly VnfmFaultRule[];
  readonly #log: (line: string) => void;

  constructor(rules: readonly VnfmFaultRule[], log: (line: string) => void) {
    this.#rules = rules;
    this.#log = log;
  }

  /**
   * Answer the request the faulty way when a fault of its HTTP answer is set
   * (true: handled, the caller must not serve it).
   */
  intercept(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.#rules.length === 0) return false;
    const op = vnfmOpOf(req.method, new URL(req.url ?? '/', 'http://lab').pathname);
    const rule = this.#rules.find(
      (r) =>
        r.op === op &&
        (r.fault === 'http500' || r.fault === 'http503' || r.fault === 'timeout' || r.fault === 'drop'),
    );
    if (rule === undefined) return false;
    this.#log(`injecting fault ${rule.spec} on ${req.method} ${req.url}`);
    switch (rule.fault) {
      case 'drop':
        req.socket.destroy();
        return true;
      case 'timeout':
        // No answer: the client's own deadline ends the request; closing the server ends the socket.
        req.resume();
        return true;
      default: {
        const status = rule.fault === 'http503' ? 503 : 500;
        sendProblem(res, new ProblemError(status, `lab fault ${rule.spec}: the VNFM failed this request`), {
          Version: SOL003_LCM_API_VERSION,
        });
        return true;
      }
    }
  }

  /** The state an occurrence of `operation` must end in instead of running, if a fault says so. */
  occurrenceFault(operation: LcmOperationType): { state: 'FAILED_TEMP' | 'FAILED'; spec: string } | null {
    const rule = this.#rules.find(
      (r) => r.op === operation.toLowerCase() && (r.fault === 'failed_temp' || r.fault === 'failed'),
    );
    if (rule === undefined) return null;
    this.#log(`injecting fault ${rule.spec} on a ${operation} occurrence`);
    return { state: rule.fault === 'failed' ? 'FAILED' : 'FAILED_TEMP', spec: rule.spec };
  }
}
