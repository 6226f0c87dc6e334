/**
 * Outcomes of a step that are not bugs. A step that finds the system under
 * test misbehaving throws {@link StepFailed} (overallStatus FAIL); an
 * interrupted run throws {@link RunAborted} (ABORTED). Anything else thrown
 * is an ERROR: the harness or its environment broke, not the SUT.
 */
import { VnflabError } from '../util/errors.js';

export class StepFailed extends VnflabError {
  /** VNFLAB_STEP_TIMEOUT for a {@link StepTimeout}: match on the code to tell a timeout from other failures. */
  readonly code: 'VNFLAB_STEP_FAILED' | 'VNFLAB_STEP_TIMEOUT' = 'VNFLAB_STEP_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StepFailed';
  }
}

/** A step waited in vain (pollUntil's deadline): a FAIL like {@link StepFailed}, with its own code. */
export class StepTimeout extends StepFailed {
  override readonly code = 'VNFLAB_STEP_TIMEOUT';
  readonly timeout = true;
  constructor(message: string) {
    super(message);
    this.name = 'StepTimeout';
  }
}

/**
 * A step's check failed, but for a reason that is the tester's or the
 * embedded lab's own, not the system under test's: the step and the run are
 * INCONCLUSIVE, not FAIL.
 */
export class StepInconclusive extends VnflabError {
  readonly code = 'VNFLAB_STEP_INCONCLUSIVE';
  constructor(message: string) {
    super(message);
    this.name = 'StepInconclusive';
  }
}

/**
 * A step that has nothing to do in this run (the traffic steps with
 * `traffic.driver: none`): SKIPPED with the reason, never PASS; the run goes
 * on with the next step.
 */
export class StepSkipped extends VnflabError {
  readonly code = 'VNFLAB_STEP_SKIPPED';
  constructor(reason: string) {
    super(reason);
    this.name = 'StepSkipped';
  }
}

export class RunAborted extends VnflabError {
  readonly code = 'VNFLAB_ABORTED';
  constructor(reason: string) {
    super(reason);
    this.name = 'RunAborted';
  }
}
