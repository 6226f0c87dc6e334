/**
 * The console sink a command line gets: live on a terminal, plain lines
 * under CI, with `--json` or when stdout / stderr is not a terminal
 * (ansi.ts consoleMode).
 */
import { consoleMode } from './ansi.js';
import { ConsoleReporter } from './console.js';
import { LiveConsoleReporter } from './live-console.js';

export function consoleReporter(
  opts: {
    json?: boolean;
    stream?: NodeJS.WriteStream;
    stdout?: NodeJS.WriteStream;
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): ConsoleReporter {
  const stream = opts.stream ?? process.stderr;
  const mode = consoleMode({
    stderrIsTTY: stream.isTTY === true,
    stdoutIsTTY: (opts.stdout ?? process.stdout).isTTY === true,
    env: opts.env ?? process.env,
    json: opts.json === true,
  });
  return mode.live
    ? new LiveConsoleReporter(stream, { color: mode.color })
    : new ConsoleReporter(stream, mode.color);
}
