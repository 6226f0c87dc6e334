/**
 * Outcomes of a step that are not bugs. A step that finds the system under
 * test misbehaving throws {@link StepFailed} (overallStatus FAIL); an
 * interrupted run throws {@link RunAborted} (ABORTED). Anything else thrown
 * is an ERROR: the harness or its environment broke, not the SUT.
 */
export class StepFailed extends Error {
  readonly code = 'VNFLAB_STEP_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StepFailed';
  }
}

export class StepTimeout extends StepFailed {
  override readonly code = 'VNFLAB_STEP_FAILED';
  readonly timeout = true;
  constructor(message: string) {
    super(message);
    this.name = 'StepTimeout';
  }
}

export class RunAborted extends Error {
  readonly code = 'VNFLAB_ABORTED';
  constructor(reason: string) {
    super(reason);
    this.name = 'RunAborted';
  }
}
