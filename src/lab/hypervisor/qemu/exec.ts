/**
 * Run a system command (ip, nft, bridge, apt-get...) without a shell and
 * return its stdout; a non-zero exit throws with the command line, exit code
 * and stderr as data.
 */
import { execFile } from 'node:child_process';
import { QemuLabError } from './errors.js';

export interface ExecOptions {
  /** Default 60 s; the command is killed after it. */
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Run `file args...`; resolves with stdout. */
export function exec(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      {
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
        ...(opts.env === undefined ? {} : { env: opts.env }),
        ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve(stdout);
          return;
        }
        const code = (err as { code?: unknown }).code;
        reject(
          new QemuLabError(
            'QEMU_LAB_COMMAND_FAILED',
            `${file} ${args.join(' ')} failed: ${stderr.trim() || err.message}`,
            { file, args: [...args], exitCode: typeof code === 'number' ? code : null, stderr },
            { cause: err },
          ),
        );
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like {@link exec} but a failure is a value: true when the command exited 0. */
export async function tryExec(
  file: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<boolean> {
  try {
    await exec(file, args, opts);
    return true;
  } catch {
    return false;
  }
}
