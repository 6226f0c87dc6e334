/**
 * One QEMU process inside a host's network namespace (`ip netns exec` execs
 * QEMU, so the child's pid is QEMU's), with its QMP session and serial
 * console file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { sleep } from '../../../util/clock.js';
import { QmpClient } from '../../../protocols/qmp/qmp-client.js';
import { QemuLabError } from './errors.js';
import { guestKernelFault } from './guest-console.js';

export interface QemuLaunch {
  readonly netns: string;
  readonly args: readonly string[];
  readonly qmpSocket: string;
  readonly consoleLog: string;
  /** Default qemu-system-x86_64. */
  readonly binary?: string;
}

/** A running QEMU. */
export class QemuProcess {
  private stderr = '';
  private exitCode: number | null | undefined = undefined;
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly launch: QemuLaunch,
    readonly qmp: QmpClient | null,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve();
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      if (this.stderr.length < 16_384) this.stderr += d;
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The guest's -name. */
  get name(): string {
    const i = this.launch.args.indexOf('-name');
    return (i >= 0 ? this.launch.args[i + 1] : undefined) ?? 'qemu';
  }

  /** True while the process runs. */
  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** What QEMU printed on stderr (its error messages). */
  get errorOutput(): string {
    return this.stderr.trim();
  }

  /** Spawn QEMU and connect to its QMP socket; kills it when QMP does not come up. */
  static async start(launch: QemuLaunch): Promise<QemuProcess> {
    await rm(launch.qmpSocket, { force: true });
    await rm(launch.consoleLog, { force: true });
    const child = spawn(
      'ip',
      ['netns', 'exec', launch.netns, launch.binary ?? 'qemu-system-x86_64', ...launch.args],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const early = new QemuProcess(child, launch, null);
    const spawnError = new Promise<never>((_, reject) => {
      child.once('error', (err) =>
        reject(
          new QemuLabError('QEMU_PROCESS_FAILED', `cannot start QEMU: ${err.message}`, {}, { cause: err }),
        ),
      );
      void early.exited.then(() =>
        reject(
          new QemuLabError(
            'QEMU_PROCESS_FAILED',
            `QEMU exited at start: ${early.errorOutput || 'no message'}`,
            {
              stderr: early.errorOutput,
              netns: launch.netns,
            },
          ),
        ),
      );
    });
    try {
      const qmp = await Promise.race([
        QmpClient.connect(launch.qmpSocket, { timeoutMs: 20_000 }),
        spawnError,
      ]);
      const proc = new QemuProcess(child, launch, qmp);
      proc.stderr = early.stderr;
      child.stderr?.removeAllListeners('data');
      child.stderr?.on('data', (d: string) => {
        if (proc.stderr.length < 16_384) proc.stderr += d;
      });
      return proc;
    } catch (err) {
      child.kill('SIGKILL');
      await early.exited;
      throw err;
    }
  }

  /** Wait until the serial console shows `marker` (the guest's init reached it). */
  async waitConsole(marker: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const text = await readFile(this.launch.consoleLog, 'utf8').catch(() => '');
      if (text.includes(marker)) return;
      if (!this.alive)
        throw new QemuLabError('QEMU_PROCESS_FAILED', `QEMU exited during boot: ${this.errorOutput}`, {
          console: text.slice(-2000),
        });
      if (Date.now() > until)
        throw new QemuLabError(
          'QEMU_GUEST_BOOT_TIMEOUT',
          `guest did not print ${marker} within ${timeoutMs} ms`,
          {
            console: text.slice(-2000),
          },
        );
      await sleep(100);
    }
  }

  /**
   * `quit`, then SIGKILL if QEMU is still there after `graceMs`; removes the
   * socket and console files. A guest kernel that panicked or faulted is
   * reported on stderr first (one line), as the console file goes with it.
   */
  async stop(graceMs = 3000): Promise<void> {
    const fault = guestKernelFault(await readFile(this.launch.consoleLog, 'utf8').catch(() => ''));
    if (fault !== null) process.stderr.write(`vnflab qemu lab: guest ${this.name} failed: ${fault}\n`);
    if (this.alive) {
      await this.qmp?.execute('quit', undefined, graceMs).catch(() => undefined);
      const quit = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!quit) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    await this.qmp?.close().catch(() => undefined);
    await rm(this.launch.qmpSocket, { force: true });
    await rm(this.launch.consoleLog, { force: true });
  }
}
