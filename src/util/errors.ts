/**
 * The base of vnflab's errors and the errors every layer may throw. Each
 * error class has a stable string `code` (STYLE.md, as vitest's errors.ts):
 * users and tests match on codes, never on classes' messages. Codes are
 * unique across the product (src/util/errors.test.ts checks it); data goes
 * in readonly fields, a cause in `{ cause }`.
 */
export abstract class VnflabError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // The class's own name in stack traces and step records, unless it sets another.
    this.name = new.target.name;
  }
}

/** Bad user input: one line naming the field or file and the fix; CLI exit code 2. */
export class ConfigError extends VnflabError {
  readonly code = 'VNFLAB_CONFIG';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * An invariant of vnflab broke ("step record missing", "step 5 did not
 * run"): a bug in vnflab, or in code calling its library against the
 * documented contract; never a fault of the system under test or the config.
 */
export class VnflabBugError extends VnflabError {
  readonly code = 'VNFLAB_INTERNAL';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VnflabBugError';
  }
}

/**
 * A value out of range for a component that was built with it (a rate of 0,
 * a ring size that is not a power of two, an index past a buffer): the
 * caller's mistake, caught where the value is taken.
 */
export class InvalidArgumentError extends VnflabError {
  readonly code = 'VNFLAB_INVALID_ARGUMENT';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidArgumentError';
  }
}

/**
 * An optional package that the chosen feature needs is not installed (a
 * peer dependency such as the Kubernetes client, which only the kubevirt
 * driver uses): one line naming the package and how to install it; CLI exit 2.
 */
export class OptionalDependencyMissing extends VnflabError {
  readonly code = 'VNFLAB_OPTIONAL_DEPENDENCY_MISSING';
  constructor(
    readonly packageName: string,
    /** What needs it, as the user chose it (e.g. "migrator.driver 'kubevirt'"). */
    readonly neededBy: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${neededBy} needs ${packageName}, an optional dependency that is not installed: run 'npm install ${packageName}' where vnflab is installed (with -g for a global vnflab)`,
      options,
    );
    this.name = 'OptionalDependencyMissing';
  }
}

/** Several failures of one action (aborting several migrations, closing several parts), each kept in `errors`. */
export class MultipleErrors extends VnflabError {
  readonly code = 'VNFLAB_MULTIPLE_ERRORS';
  constructor(
    readonly errors: readonly unknown[],
    message: string,
  ) {
    super(`${message}: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
    this.name = 'MultipleErrors';
  }
}

/** The process got SIGINT or SIGTERM (Ctrl-C): the abort reason of the CLI's signal; the message is the signal's name. */
export class Interrupted extends VnflabError {
  readonly code = 'VNFLAB_INTERRUPTED';
  constructor(readonly signalName: string) {
    super(signalName);
    this.name = 'Interrupted';
  }
}
