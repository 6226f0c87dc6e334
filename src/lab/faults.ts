/**
 * Faults the embedded lab injects on request (`--lab-fault SPEC`, repeatable,
 * or the config's `lab.faults` list; docs/faults.md). One spec is
 * `TARGET=FAULT[@stepN[+MSms]]`:
 *
 * - `vnfm.OP=http500|http503|timeout|drop`: the lab VNFM answers every
 *   request of that operation with a 5xx ProblemDetails, never answers (the
 *   client's deadline ends it), or drops the connection;
 * - `vnfm.OP=failed_temp|failed`: the operation's occurrence (SOL003
 *   LcmOpOcc) ends FAILED_TEMP or FAILED with a ProblemDetails (OP one of
 *   instantiate, operate, terminate: the asynchronous ones);
 * - `migration=fail-halfway`: a live migration is cancelled on its source
 *   once half the memory is copied; the VNF keeps running on the source;
 * - `host.source|host.target|host.N=sigkill|sigstop|freezeMSms@stepN[+MSms]`,
 *   `fabric=...` the same: that lab process dies, freezes, or freezes for
 *   MS ms (SIGSTOP, then SIGCONT: its socket queues overflow and it comes
 *   back) when step N starts (or MS ms later);
 * - `traffic=die@stepN[+MSms]`: the built-in traffic generator dies.
 */
import { VnflabBugError } from '../util/errors.js';

/** The lab VNFM's requests a fault can be put on. */
export const VNFM_FAULT_OPS = [
  'create',
  'instantiate',
  'operate',
  'query',
  'poll',
  'terminate',
  'delete',
] as const;
export type VnfmFaultOp = (typeof VNFM_FAULT_OPS)[number];

/** Faults of the VNFM's HTTP answer. */
export const VNFM_HTTP_FAULTS = ['http500', 'http503', 'timeout', 'drop'] as const;
/** Faults of an asynchronous operation's occurrence (SOL003 §5.5.2.13 operationState). */
export const VNFM_OCC_FAULTS = ['failed_temp', 'failed'] as const;
/** The operations that run as an LcmOpOcc. */
export const VNFM_ASYNC_OPS = ['instantiate', 'operate', 'terminate'] as const;

export type VnfmFault = (typeof VNFM_HTTP_FAULTS)[number] | (typeof VNFM_OCC_FAULTS)[number];

/** When a timed fault strikes: `afterMs` after step `step` starts. */
export interface FaultMoment {
  readonly step: number;
  readonly afterMs: number;
}

/** A compute host by role (where the VNF runs, where it is going) or by number (compute-N). */
export type FaultHost = 'source' | 'target' | number;

export type LabFault =
  | { readonly kind: 'vnfm'; readonly spec: string; readonly op: VnfmFaultOp; readonly fault: VnfmFault }
  | { readonly kind: 'migration'; readonly spec: string; readonly fault: 'fail-halfway' }
  | {
      readonly kind: 'process';
      readonly spec: string;
      readonly target: 'fabric' | { readonly host: FaultHost };
      readonly signal: 'SIGKILL' | 'SIGSTOP';
      /** `freezeMSms`: SIGSTOP, then SIGCONT this long after (a hop that stalls and comes back). */
      readonly freezeMs?: number;
      readonly at: FaultMoment;
    }
  | { readonly kind: 'traffic'; readonly spec: string; readonly fault: 'die'; readonly at: FaultMoment };

/** A fault that strikes at a step (done by the harness, which knows the steps). */
export type TimedLabFault = Extract<LabFault, { at: FaultMoment }>;

export const FAULT_SPEC_EXAMPLE = 'vnfm.instantiate=http500';

const SIGNALS = { sigkill: 'SIGKILL', sigstop: 'SIGSTOP' } as const;

function list(values: readonly string[]): string {
  return values.join(', ');
}

function parseMoment(text: string | undefined, spec: string): FaultMoment | string {
  if (text === undefined) return `'${spec}' needs a moment: add @stepN or @stepN+MSms, e.g. @step8+200ms`;
  const m = /^step(\d{1,2})(?:\+(\d{1,7})ms)?$/.exec(text);
  if (!m) return `'@${text}' in '${spec}' is not a moment: write @stepN or @stepN+MSms, e.g. @step8+200ms`;
  const step = Number(m[1]);
  if (step < 1) return `'@${text}' in '${spec}': steps are numbered from 1`;
  return { step, afterMs: m[2] === undefined ? 0 : Number(m[2]) };
}

/**
 * Parse one fault spec. Returns the fault, or why it is not one, in words
 * that name the fix (the caller names the flag or field).
 */
export function parseLabFault(spec: string): LabFault | string {
  const text = spec.trim();
  const eq = text.indexOf('=');
  if (eq < 0) return `'${spec}' is not a fault: write TARGET=FAULT, e.g. ${FAULT_SPEC_EXAMPLE}`;
  const target = text.slice(0, eq).trim().toLowerCase();
  const [faultText = '', momentText, ...extra] = text
    .slice(eq + 1)
    .trim()
    .toLowerCase()
    .split('@');
  if (extra.length > 0) return `'${spec}' has more than one '@': give one moment, e.g. @step8`;
  const fault = faultText.trim();
  const noMoment = (): string => `'${spec}': ${target} faults are not timed: remove '@${momentText ?? ''}'`;

  if (target.startsWith('vnfm.')) {
    const op = target.slice('vnfm.'.length);
    if (!(VNFM_FAULT_OPS as readonly string[]).includes(op))
      return `'${spec}': unknown VNFM operation '${op}': use one of ${list(VNFM_FAULT_OPS)}`;
    if (momentText !== undefined) return noMoment();
    if ((VNFM_HTTP_FAULTS as readonly string[]).includes(fault))
      return { kind: 'vnfm', spec: text, op: op as VnfmFaultOp, fault: fault as VnfmFault };
    if ((VNFM_OCC_FAULTS as readonly string[]).includes(fault)) {
      if (!(VNFM_ASYNC_OPS as readonly string[]).includes(op))
        return `'${spec}': ${fault} is the state of an operation occurrence, which only ${list(VNFM_ASYNC_OPS)} have: use ${list(VNFM_HTTP_FAULTS)} for ${op}`;
      return { kind: 'vnfm', spec: text, op: op as VnfmFaultOp, fault: fault as VnfmFault };
    }
    return `'${spec}': unknown VNFM fault '${fault}': use one of ${list([...VNFM_HTTP_FAULTS, ...VNFM_OCC_FAULTS])}`;
  }
  if (target === 'migration') {
    if (momentText !== undefined) return noMoment();
    if (fault !== 'fail-halfway') return `'${spec}': unknown migration fault '${fault}': use fail-halfway`;
    return { kind: 'migration', spec: text, fault: 'fail-halfway' };
  }
  if (target === 'fabric' || target.startsWith('host.')) {
    let processTarget: 'fabric' | { host: FaultHost } = 'fabric';
    if (target !== 'fabric') {
      const host = target.slice('host.'.length);
      if (host === 'source' || host === 'target') processTarget = { host };
      else if (/^[1-8]$/.test(host)) processTarget = { host: Number(host) };
      else return `'${spec}': unknown host '${host}': use host.source, host.target or host.N (1-8)`;
    }
    const freeze = /^freeze(\d{1,6})ms$/.exec(fault);
    const freezeMs = freeze ? Number(freeze[1]) : undefined;
    if (freezeMs !== undefined && freezeMs < 1)
      return `'${spec}': freeze for at least 1 ms, e.g. freeze300ms`;
    const signal =
      freezeMs !== undefined
        ? 'SIGSTOP'
        : (SIGNALS[fault as keyof typeof SIGNALS] as (typeof SIGNALS)[keyof typeof SIGNALS] | undefined);
    if (signal === undefined)
      return `'${spec}': unknown process fault '${fault}': use sigkill (dies), sigstop (freezes) or freezeMSms (freezes for MS ms, e.g. freeze300ms)`;
    const at = parseMoment(momentText, text);
    if (typeof at === 'string') return at;
    return {
      kind: 'process',
      spec: text,
      target: processTarget,
      signal,
      ...(freezeMs !== undefined ? { freezeMs } : {}),
      at,
    };
  }
  if (target === 'traffic') {
    if (fault !== 'die') return `'${spec}': unknown traffic fault '${fault}': use die`;
    const at = parseMoment(momentText, text);
    if (typeof at === 'string') return at;
    return { kind: 'traffic', spec: text, fault: 'die', at };
  }
  return `'${spec}': unknown fault target '${target}': use vnfm.OP, migration, host.source, host.target, host.N, fabric or traffic`;
}

/** Parse specs known to be valid (the config schema checked them). */
export function parseLabFaults(specs: readonly string[]): LabFault[] {
  return specs.map((spec) => {
    const fault = parseLabFault(spec);
    if (typeof fault === 'string') throw new VnflabBugError(`lab.faults was not validated: ${fault}`);
    return fault;
  });
}

export function isTimed(fault: LabFault): fault is TimedLabFault {
  return fault.kind === 'process' || fault.kind === 'traffic';
}
