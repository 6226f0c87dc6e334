/**
 * The fault matrix's cases (docs/faults.md): for each step of
 * TC_VNF_MIGRATE_002, the faults that make sense at it, what the record must
 * blame (the step, a pattern of the cause) and the exit codes the README
 * allows for it. Not a cartesian product: a fault is put where it strikes
 * what the step does.
 *
 *   1 instantiate   5 live-migratable?  9 validate migrated   13 terminate
 *   2 inactive?     6 start traffic    10 traffic after
 *   3 start (operate) 7 traffic before 11 disruption
 *   4 active?       8 trigger migration 12 stop traffic
 */
export interface FaultCase {
  /** The step the fault must fail. */
  readonly step: number;
  /** `--lab-fault` spec. */
  readonly fault: string;
  /** The cause, as the record's failure message must say it. */
  readonly cause: RegExp;
  readonly exitCodes: readonly number[];
}

export interface SignalCase {
  readonly step: number;
  readonly signal: 'SIGINT' | 'SIGTERM';
}

const FAILED = [1] as const;

export const FAULT_CASES: readonly FaultCase[] = [
  { step: 1, fault: 'vnfm.create=http500', cause: /500.*vnfm\.create=http500/, exitCodes: FAILED },
  { step: 1, fault: 'vnfm.instantiate=http503', cause: /503/, exitCodes: FAILED },
  {
    step: 1,
    fault: 'vnfm.instantiate=drop',
    cause: /socket|ECONNRESET|closed|fetch failed|hang up/i,
    exitCodes: FAILED,
  },
  {
    step: 1,
    fault: 'vnfm.instantiate=failed_temp',
    cause: /FAILED_TEMP.*vnfm\.instantiate=failed_temp/,
    exitCodes: FAILED,
  },
  { step: 1, fault: 'vnfm.instantiate=failed', cause: /FAILED.*vnfm\.instantiate=failed/, exitCodes: FAILED },
  { step: 1, fault: 'vnfm.poll=http500', cause: /500/, exitCodes: FAILED },
  { step: 1, fault: 'vnfm.instantiate=timeout', cause: /time|deadline|abort/i, exitCodes: FAILED },
  { step: 2, fault: 'vnfm.query=http500', cause: /500.*vnfm\.query=http500/, exitCodes: FAILED },
  { step: 3, fault: 'vnfm.operate=http500', cause: /500.*vnfm\.operate=http500/, exitCodes: FAILED },
  {
    step: 3,
    fault: 'vnfm.operate=failed_temp',
    cause: /FAILED_TEMP.*vnfm\.operate=failed_temp/,
    exitCodes: FAILED,
  },
  {
    step: 4,
    fault: 'host.source=sigkill@step4',
    cause: /SIGKILL|exited|did not answer|unavailable|ERROR/i,
    exitCodes: FAILED,
  },
  { step: 7, fault: 'traffic=die@step7', cause: /traffic generator/, exitCodes: FAILED },
  { step: 7, fault: 'fabric=sigkill@step7', cause: /lost|fabric|flow/i, exitCodes: FAILED },
  {
    step: 8,
    fault: 'host.target=sigkill@step8',
    cause: /SIGKILL|exited|did not answer|unavailable/i,
    exitCodes: FAILED,
  },
  { step: 9, fault: 'migration=fail-halfway', cause: /migration=fail-halfway/, exitCodes: FAILED },
  { step: 9, fault: 'host.source=sigkill@step8+200ms', cause: /SIGKILL|exited/, exitCodes: FAILED },
  {
    step: 9,
    fault: 'host.target=sigstop@step8+200ms',
    cause: /answer|stopped|time|unavailable|resume/i,
    exitCodes: FAILED,
  },
  { step: 10, fault: 'traffic=die@step10', cause: /traffic generator/, exitCodes: FAILED },
  { step: 10, fault: 'host.source=sigkill@step10', cause: /lost|flow|SIGKILL/i, exitCodes: FAILED },
  { step: 10, fault: 'fabric=sigstop@step10', cause: /lost|flow|fabric/i, exitCodes: FAILED },
  { step: 13, fault: 'vnfm.terminate=http500', cause: /500.*vnfm\.terminate=http500/, exitCodes: FAILED },
  { step: 13, fault: 'vnfm.terminate=failed', cause: /FAILED.*vnfm\.terminate=failed/, exitCodes: FAILED },
];

/** Every step gets a signal: SIGINT on odd steps, SIGTERM on even ones. */
export const SIGNAL_CASES: readonly SignalCase[] = Array.from({ length: 13 }, (_, i) => ({
  step: i + 1,
  signal: i % 2 === 0 ? ('SIGINT' as const) : ('SIGTERM' as const),
}));
