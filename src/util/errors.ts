/** Bad user input: one line naming the field or file and the fix; CLI exit code 2. */
export class ConfigError extends Error {
  readonly code = 'VNFLAB_CONFIG';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
