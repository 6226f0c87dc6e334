/**
 * The VIM side of an LCM operation: calls whose failure fails the operation
 * with the VIM's own message (as Tacker reports a Heat / Nova fault), and
 * polling a server until it reaches a status.
 */
import type { ProblemDetails } from '../../protocols/sol003/sol003-types.js';
import { monoMs, sleep } from '../../util/clock.js';
import type { Server, ServerStatus, Vim } from '../vim/vim.js';
import { problemDetails } from './problem.js';
import { VnflabError } from '../../util/errors.js';

/** Why an LCM operation failed; becomes the occurrence's `error` ProblemDetails. */
export class LcmOpFailure extends VnflabError {
  readonly code = 'LAB_VNFM_LCM_OP_FAILED';
  constructor(
    readonly status: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'LcmOpFailure';
  }
}

/** The `error` of a failed occurrence. */
export function toProblem(err: unknown, what: string): ProblemDetails {
  if (err instanceof LcmOpFailure) return problemDetails(err.status, err.detail);
  return problemDetails(500, `${what} failed: ${err instanceof Error ? err.message : String(err)}`);
}

export class VimSteps {
  constructor(
    readonly vim: Vim,
    private readonly serverWaitTimeoutMs: number,
    /** Aborts waits (the VNFM is shutting down). */
    private readonly signal: AbortSignal,
  ) {}

  /** Throw if the operation was cancelled (or the VNFM stops): called before committing a result. */
  checkpoint(): void {
    this.signal.throwIfAborted();
  }

  /** Run a VIM call; its failure fails the operation with the VIM's status and message. */
  async call<T>(what: string, call: () => Promise<T>): Promise<T> {
    // A cancelled (or stopping) operation makes no further VIM calls.
    this.signal.throwIfAborted();
    try {
      return await call();
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      const message = err instanceof Error ? err.message : String(err);
      throw new LcmOpFailure(typeof status === 'number' ? status : 500, `${what} failed: ${message}`, {
        cause: err,
      });
    }
  }

  /** The server, which must still exist. */
  async requireServer(serverId: string, vnfcId: string): Promise<Server> {
    const server = await this.call(`vim.getServer ${serverId}`, () => this.vim.getServer(serverId));
    if (!server) throw new LcmOpFailure(500, `VIM server ${serverId} of VNFC ${vnfcId} no longer exists`);
    return server;
  }

  /** Poll the VIM until the server reaches `wanted`; ERROR or a timeout fails the operation. */
  async waitForStatus(
    server: Server,
    wanted: ServerStatus,
    timeoutMs = this.serverWaitTimeoutMs,
  ): Promise<void> {
    const deadlineMs = monoMs() + timeoutMs;
    let current: Server | null = server;
    for (;;) {
      if (current === null) throw new LcmOpFailure(500, `VIM server ${server.id} disappeared`);
      if (current.status === wanted) return;
      if (current.status === 'ERROR') {
        const fault = current.fault?.message ?? 'no fault given';
        throw new LcmOpFailure(500, `VIM server ${server.id} went to ERROR: ${fault}`);
      }
      if (monoMs() >= deadlineMs) {
        throw new LcmOpFailure(
          500,
          `VIM server ${server.id} is ${current.status}, not ${wanted}, after ${timeoutMs} ms`,
        );
      }
      await sleep(50, this.signal);
      current = await this.vim.getServer(server.id);
    }
  }
}
