/**
 * The run's injected faults (lab.faults, --lab-fault; docs/faults.md): what
 * the run must have for each to make sense (bad input, exit 2, before
 * anything starts), and the faults that strike at a step, which the harness
 * times since only it knows the steps.
 */
import type { RunConfig } from '../config/schema.js';
import { isTimed, parseLabFaults, type TimedLabFault } from '../lab/faults.js';
import type { TcLogger } from '../ports/logger.js';
import type { StepRecord } from '../record/result.js';
import type { Reporter } from '../report/reporter.js';
import { ConfigError } from '../util/errors.js';

/** Refuse faults this run cannot inject: without the lab, or past the case's last step. */
export function checkLabFaults(config: RunConfig, stepCount: number): void {
  const faults = parseLabFaults(config.lab.faults);
  const field = (spec: string): string => `lab.faults (--lab-fault) '${spec}'`;
  for (const fault of faults) {
    if (fault.kind === 'vnfm' && config.vnfm.driver !== 'lab')
      throw new ConfigError(
        `${field(fault.spec)}: only the embedded lab's VNFM can be made to fail: set vnfm.driver: lab or remove the fault`,
      );
    if (fault.kind !== 'vnfm' && fault.kind !== 'traffic' && config.migrator.driver !== 'lab')
      throw new ConfigError(
        `${field(fault.spec)}: only the embedded lab's VIM and hosts can be made to fail: set migrator.driver: lab or remove the fault`,
      );
    if (fault.kind === 'process' && config.lab.hypervisor !== 'process')
      throw new ConfigError(
        `${field(fault.spec)}: host and fabric faults need the process lab: set lab.hypervisor: process (--lab process) or remove the fault`,
      );
    if (fault.kind === 'traffic' && config.traffic.driver !== 'builtin')
      throw new ConfigError(
        `${field(fault.spec)}: only the builtin traffic generator can be made to die: set traffic.driver: builtin or remove the fault`,
      );
    if (isTimed(fault) && fault.at.step > stepCount)
      throw new ConfigError(
        `${field(fault.spec)}: ${config.testCase} has ${stepCount} steps: give @step1 to @step${stepCount}`,
      );
  }
}

/** Strikes a timed fault now; resolves with what was done (for the log). */
export type StrikeFault = (fault: TimedLabFault) => Promise<string>;

/**
 * A sink of the run's events that strikes each timed fault when its step
 * starts (plus its delay). Attached once the run's environment exists.
 */
export class StepFaults implements Reporter {
  readonly #faults: readonly TimedLabFault[];
  #strike: StrikeFault | null = null;
  #log: TcLogger | null = null;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #pending = new Set<Promise<void>>();

  constructor(specs: readonly string[]) {
    this.#faults = parseLabFaults(specs).filter(isTimed);
  }

  attach(strike: StrikeFault, log: TcLogger): void {
    this.#strike = strike;
    this.#log = log;
  }

  async onStepStart(step: StepRecord): Promise<void> {
    for (const fault of this.#faults) {
      if (fault.at.step !== step.n) continue;
      if (fault.at.afterMs === 0) {
        await this.#fire(fault, step);
        continue;
      }
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        const fired = this.#fire(fault, step);
        this.#pending.add(fired);
        void fired.finally(() => this.#pending.delete(fired));
      }, fault.at.afterMs);
      this.#timers.add(timer);
    }
  }

  /** The run is over: a fault not yet struck never will be. */
  async onRunEnd(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all(this.#pending);
  }

  async #fire(fault: TimedLabFault, step: StepRecord): Promise<void> {
    const strike = this.#strike;
    if (strike === null) return;
    const when = `step ${step.n}${fault.at.afterMs > 0 ? ` + ${fault.at.afterMs} ms` : ''}`;
    this.#log?.info(`Injecting fault ${fault.spec} at ${when}`);
    try {
      this.#log?.info(await strike(fault));
    } catch (err) {
      this.#log?.error(`fault ${fault.spec} could not be injected: ${(err as Error).message}`);
    }
  }
}
