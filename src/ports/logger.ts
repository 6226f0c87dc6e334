/**
 * Logger port: the spec's logging_module.LoggingClass(__name__, "TC_VNF_MIGRATE_002.txt").
 * write_info / write_error / close_handlers.
 */
export interface TcLogger {
  /** logger.write_info */
  info(message: string): void;
  /** logger.write_error */
  error(message: string): void;
  /** logger.close_handlers: flush and close every sink. */
  close(): Promise<void>;
}
