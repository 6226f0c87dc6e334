/**
 * Spawning iperf3: the server (persistent, text output parsed live) and the
 * client (one per StartTraffic, `--json`). Both are child processes; the
 * caller owns them and must call `stop` / `kill`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { monoMs, sleep } from '../../util/clock.js';
import { Iperf3Error } from './errors.js';
import { pickFreePort } from './free-port.js';
import { LineSplitter, parseServerLine, type ServerLine } from './server-output.js';

/** True when `binary --version` runs (tests skip without iperf3). */
export async function iperf3Available(binary = 'iperf3'): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(binary, ['--version'], { stdio: 'ignore' });
    p.once('error', () => resolve(false));
    p.once('exit', (code) => resolve(code === 0));
  });
}

/** Wait for a child to exit, SIGKILL after `graceMs`. */
export async function terminate(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A running `iperf3 -s`, its output delivered line by line with the monotonic time it was read. */
export class Iperf3Server {
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly host: string,
    readonly port: number,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return !this.exited;
  }

  /**
   * Start a server on `host`, on `port`, or when that is 0 on a port picked
   * free (retried when iperf3 cannot bind it). `onLine` gets every line from
   * the start.
   */
  static async start(
    binary: string,
    host: string,
    intervalS: number,
    onLine: (line: ServerLine, atMs: number, text: string) => void,
    fixedPort = 0,
  ): Promise<Iperf3Server> {
    let lastOutput = '';
    for (let attempt = 1; attempt <= (fixedPort ? 1 : 5); attempt++) {
      const port = fixedPort || (await pickFreePort(host));
      const child = spawn(
        binary,
        ['-s', '-B', host, '-p', String(port), '-i', String(intervalS), '--forceflush'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const splitter = new LineSplitter();
      let output = '';
      const listening = new Promise<boolean>((resolve, reject) => {
        child.once('error', (e: NodeJS.ErrnoException) =>
          reject(
            e.code === 'ENOENT'
              ? new Iperf3Error(
                  'IPERF3_NOT_FOUND',
                  `iperf3 binary '${binary}' not found (apt-get install -y iperf3)`,
                  {},
                  { cause: e },
                )
              : new Iperf3Error(
                  'IPERF3_SERVER_FAILED',
                  `cannot start iperf3: ${e.message}`,
                  {},
                  { cause: e },
                ),
          ),
        );
        child.once('exit', () => resolve(false));
        child.stdout?.setEncoding('utf8');
        child.stderr?.setEncoding('utf8');
        child.stderr?.on('data', (d: string) => (output += d));
        child.stdout?.on('data', (d: string) => {
          const atMs = monoMs();
          if (output.length < 4096) output += d;
          for (const text of splitter.push(d)) {
            const line = parseServerLine(text);
            if (line.kind === 'listening') resolve(true);
            onLine(line, atMs, text);
          }
        });
      });
      const timeout = sleep(5000).then(() => false);
      if (await Promise.race([listening, timeout])) return new Iperf3Server(child, host, port);
      lastOutput = output;
      await terminate(child, 'SIGTERM', 500);
    }
    throw new Iperf3Error('IPERF3_SERVER_FAILED', `iperf3 server did not start on ${host}`, {
      output: lastOutput,
    });
  }

  async stop(): Promise<void> {
    await terminate(this.child, 'SIGTERM', 1000);
  }
}
