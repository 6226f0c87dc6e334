/**
 * ANSI escapes of the console (ECMA-48 SGR and cursor control) and the
 * choice of how the console shows a run: live on a terminal, plain lines
 * otherwise; colour only on a terminal and never with NO_COLOR
 * (https://no-color.org: set and not empty).
 */
export interface ConsoleMode {
  /** Redraw the running step with its elapsed time and live figures. */
  readonly live: boolean;
  /** Highlight statuses (PASS green, FAIL red, INCONCLUSIVE yellow...). */
  readonly color: boolean;
}

export interface ConsoleEnvironment {
  /** Whether the console's stream (stderr) and stdout are terminals. */
  readonly stderrIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--json`: the record goes to stdout; the console stays plain. */
  readonly json: boolean;
}

const set = (v: string | undefined): boolean => v !== undefined && v !== '';
/** CI=true (GitHub, GitLab, most CIs); CI=false or 0 is not CI. */
const underCi = (v: string | undefined): boolean => set(v) && v !== 'false' && v !== '0';

export function consoleMode(e: ConsoleEnvironment): ConsoleMode {
  const tty = e.stderrIsTTY && e.stdoutIsTTY && e.env.TERM !== 'dumb';
  return {
    live: tty && !e.json && !underCi(e.env.CI),
    color: e.stderrIsTTY && !set(e.env.NO_COLOR),
  };
}

const SGR: Record<string, string> = {
  PASS: '32;1',
  FAIL: '31;1',
  ERROR: '31;1',
  INCONCLUSIVE: '33;1',
  WITHIN_ERROR: '33;1',
  ABORTED: '33;1',
  NOT_MEASURED: '33',
  RUNNING: '36;1',
  NOT_RUN: '2',
  SKIPPED: '2',
};

/** `word` in the colour of `status` (a step or run status, a criterion outcome, RUNNING) when `color`. */
export function paint(word: string, status: string, color: boolean): string {
  const code = SGR[status];
  return color && code !== undefined ? `\x1b[${code}m${word}\x1b[0m` : word;
}

export const dim = (text: string, color: boolean): string => (color ? `\x1b[2m${text}\x1b[0m` : text);

/** Erase to the end of the line / move up `n` lines / erase to the end of the screen. */
export const ERASE_LINE = '\x1b[K';
export const up = (n: number): string => (n > 0 ? `\x1b[${n}A` : '');
export const ERASE_DOWN = '\x1b[J';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, '');
