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
  /** The step the fault must fail; a later one of `orSteps` where timing decides (a signal racing a request). */
  readonly step: number;
  readonly orSteps?: readonly number[];
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
  // Step 1 creates the instance and asks for its instantiation; the occurrence is polled.
  { step: 1, fault: 'vnfm.create=http500', cause: /500: lab fault vnfm\.create=http500/, exitCodes: FAILED },
  {
    step: 1,
    fault: 'vnfm.instantiate=drop',
    cause: /instantiate: fetch failed: .*other side closed/,
    exitCodes: FAILED,
  },
  {
    step: 1,
    fault: 'vnfm.instantiate=timeout',
    cause: /instantiate: no answer within \d+ ms/,
    exitCodes: FAILED,
  },
  {
    step: 1,
    fault: 'vnfm.poll=http500',
    cause: /vnf_lcm_op_occs\/.* 500: lab fault vnfm\.poll=http500/,
    exitCodes: FAILED,
  },
  // Step 2 waits for the instantiation's outcome.
  {
    step: 2,
    fault: 'vnfm.instantiate=failed_temp',
    cause: /INSTANTIATE FAILED_TEMP - lab fault vnfm\.instantiate=failed_temp/,
    exitCodes: FAILED,
  },
  {
    step: 2,
    fault: 'vnfm.instantiate=failed',
    cause: /INSTANTIATE FAILED - lab fault vnfm\.instantiate=failed/,
    exitCodes: FAILED,
  },
  {
    step: 3,
    fault: 'vnfm.operate=http500',
    cause: /500: lab fault vnfm\.operate=http500/,
    exitCodes: FAILED,
  },
  {
    step: 4,
    fault: 'vnfm.operate=failed_temp',
    cause: /OPERATE FAILED_TEMP - lab fault vnfm\.operate=failed_temp/,
    exitCodes: FAILED,
  },
  // The VNF's host or the fabric dies before traffic starts, or the generator as it is checked: step 7 sees no flow.
  {
    step: 7,
    fault: 'host.source=sigkill@step6',
    cause: /Traffic flow not detected before the migration/,
    exitCodes: FAILED,
  },
  { step: 7, fault: 'traffic=die@step7', cause: /traffic generator exited/, exitCodes: FAILED },
  // The migration: its destination dead before the request, either host dying or freezing during it, or cancelled half-way.
  { step: 8, fault: 'host.target=sigkill@step8', cause: /No valid host was found/, exitCodes: FAILED },
  {
    step: 9,
    fault: 'host.source=sigkill@step8+200ms',
    // The source dies while it sends, or before the destination was prepared (on a loaded machine).
    cause:
      /Migration process not performed: migration \d+ of server \S+ (failed: host compute-\d process exited \(code null, signal SIGKILL\)|error: destination)/,
    exitCodes: FAILED,
  },
  {
    step: 9,
    // Frozen before the VIM asked it to prepare (step 8: the compute API answers 503), or while it receives.
    orSteps: [8],
    fault: 'host.target=sigstop@step8+200ms',
    cause: /Migration process not performed: .*(cancel|answer|stopped)|HTTP 503: The compute API could not/,
    exitCodes: FAILED,
  },
  {
    step: 9,
    fault: 'migration=fail-halfway',
    cause: /migration=fail-halfway: the transfer was cancelled half-way/,
    exitCodes: FAILED,
  },
  // After the migration: the VNF's (new) host, the fabric or the generator fails.
  {
    step: 10,
    fault: 'fabric=sigstop@step10',
    cause: /Traffic flow not detected after the migration/,
    exitCodes: FAILED,
  },
  { step: 10, fault: 'traffic=die@step10', cause: /traffic generator exited/, exitCodes: FAILED },
  // Step 13 terminates the VNF.
  {
    step: 13,
    fault: 'vnfm.terminate=http500',
    cause: /500: lab fault vnfm\.terminate=http500/,
    exitCodes: FAILED,
  },
  {
    step: 13,
    fault: 'vnfm.terminate=failed',
    cause: /FAILED - lab fault vnfm\.terminate=failed/,
    exitCodes: FAILED,
  },
];

/** Every step gets a signal: SIGINT on odd steps, SIGTERM on even ones. */
export const SIGNAL_CASES: readonly SignalCase[] = Array.from({ length: 13 }, (_, i) => ({
  step: i + 1,
  signal: i % 2 === 0 ? ('SIGINT' as const) : ('SIGTERM' as const),
}));
