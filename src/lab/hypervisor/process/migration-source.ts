/**
 * Source side of a migration (QEMU's outgoing migration, RAM part):
 *
 * live  - dirty logging on; round 0 sends every page; each further round
 *         syncs the dirty log and sends the pages dirtied meanwhile, paced by
 *         max-bandwidth. After each round: expected downtime = dirty bytes /
 *         measured bandwidth. Once it fits downtime-limit (or maxRounds is
 *         reached) the VM pauses, the rest of the dirty pages and the VNF
 *         state go, and the destination resumes it. The source stays paused.
 * offline - the VNF stops first, every page is sent once, the destination
 *         starts it (a cold migration).
 *
 * A VM with a volume moves it too, in the same stream (Nova's
 * block_migration=True, QEMU's block migration): its allocated blocks go in
 * round 1, its dirty blocks with each round's dirty pages, and they count in
 * the expected downtime.
 *
 * The stream is written by a migration thread (page-pump.ts) that copies
 * pages out of the shared guest memory; this thread keeps the dirty log,
 * decides the rounds and pauses the VNF, which forwards on it meanwhile.
 *
 * Any failure or a cancel before the destination resumed leaves the source
 * running (QEMU resumes the source when migration fails after stop).
 */
import { monoNs } from '../../../util/clock.js';
import { VnflabBugError } from '../../../util/errors.js';
import type { MigrationParams, MigrationProgress, SourceMigrationResult } from '../hypervisor.js';
import { HostError } from './errors.js';
import { DIGEST_PACING, PAGE_SIZE, type GuestMemory } from './guest-memory.js';
import { encodeJsonFrame, FRAME, parseJsonBody } from './migration-frames.js';
import { PagePump } from './page-pump.js';
import type { Vnf } from './vnf.js';
import { BLOCK_SIZE, type Volume } from './volume.js';

const PROGRESS_EVERY_MS = 100;
const REPLY_TIMEOUT_MS = 10_000;

export interface OutgoingMigrationOptions {
  readonly vmId: string;
  readonly memory: GuestMemory;
  readonly vnf: Vnf;
  readonly params: MigrationParams;
  /** SR-IOV / PCI passthrough NICs: a migration blocker for live migration (as VFIO is for QEMU). */
  readonly specializedNics: number;
  readonly onProgress: (p: MigrationProgress) => void;
}

export class OutgoingMigration {
  private channel: PagePump | null = null;
  private cancelReason: string | null = null;
  private reply: ((type: number, body: unknown) => void) | null = null;
  private startedMs = 0;
  private round = 0;
  private dirtyPagesRate = 0;
  private lastProgressMs = 0;

  constructor(private readonly o: OutgoingMigrationOptions) {}

  /** Stop sending; the source keeps (or goes back to) running (migrate_cancel). */
  cancel(reason = 'migration cancelled'): void {
    if (this.cancelReason !== null) return;
    this.cancelReason = reason;
    this.channel?.end(reason, encodeJsonFrame(FRAME.cancel, { reason }));
  }

  async run(): Promise<SourceMigrationResult> {
    const { memory, vnf, params } = this.o;
    const volume = vnf.volume;
    const startedAtNs = monoNs();
    let pausedAtNs: bigint | null = null;
    // A stopped VM moves stopped (offline only; live needs a running VM, checked by the host).
    const wasRunning = vnf.runState === 'running';
    const finish = (
      ok: boolean,
      reason: string | null,
      digest: string | null,
      completedAtNs = monoNs(),
    ): SourceMigrationResult => ({
      ok,
      ...(reason === null ? {} : { reason }),
      rounds: this.round,
      bytesTransferred: this.channel?.bytesSent ?? 0,
      pagesTransferred: this.channel?.counters.pagesSent ?? 0,
      startedAtNs: startedAtNs.toString(),
      pausedAtNs: pausedAtNs === null ? null : pausedAtNs.toString(),
      completedAtNs: completedAtNs.toString(),
      memoryDigest: digest,
      volumeDigest: ok && volume !== null ? volume.digest() : null,
      blocksTransferred: this.channel?.counters.blocksSent ?? 0,
    });
    const ticker = setInterval(() => this.progress(false), PROGRESS_EVERY_MS);
    try {
      this.channel = await PagePump.connect(
        {
          memory: memory.shared,
          volume: volume?.shared ?? null,
          dest: params.dest,
          bandwidthBytesPerSec: params.bandwidthBytesPerSec,
        },
        (type, body) => this.onReply(type, body),
      );
      this.checkCancelled();
      if (params.mode === 'live' && this.o.specializedNics > 0) {
        throw new HostError(
          'MIGRATION_BLOCKED',
          `live migration blocked: the VM has ${this.o.specializedNics} specialized NIC(s) (SR-IOV / PCI passthrough)`,
        );
      }
      await this.channel.send(
        encodeJsonFrame(FRAME.hello, {
          vmId: this.o.vmId,
          mode: params.mode,
          run: wasRunning,
          memoryBytes: memory.sizeBytes,
          pageSize: PAGE_SIZE,
          volumeBytes: volume?.sizeBytes ?? 0,
        }),
      );
      this.startedMs = performance.now();
      if (params.mode === 'live') {
        await this.precopy(volume);
        pausedAtNs = vnf.pause();
        const rest = memory.syncDirtyLog();
        memory.stopDirtyLog();
        const restBlocks = volume?.syncDirtyLog() ?? new Uint32Array(0);
        volume?.stopDirtyLog();
        // Still paced: the bandwidth models the link, so the downtime is what the estimate
        // promised (QEMU instead lifts max-bandwidth for this last stage).
        await this.sendPages(rest);
        if (volume !== null) await this.sendBlocks(restBlocks);
      } else {
        await vnf.close();
        pausedAtNs = monoNs();
        this.round = 1;
        await this.sendPages(allPages(memory.pageCount));
        if (volume !== null) await this.sendBlocks(volume.allocatedBlocks());
      }
      // The receive ring at the pause (what had reached the VNF, not yet forwarded) is part of its state.
      await vnf.rxDrained();
      await this.channel.send(encodeJsonFrame(FRAME.state, vnf.state()));
      const resumed = this.awaitReply();
      resumed.catch(() => undefined); // observed below; must not be an unhandled rejection meanwhile
      await this.channel.send(encodeJsonFrame(FRAME.complete, { pausedAtNs: pausedAtNs.toString() }));
      await resumed;
      const completedAtNs = monoNs();
      this.channel.end('migration completed');
      this.progress(true);
      clearInterval(ticker);
      await this.channel.close();
      // The source is frozen (paused or stopped) from here on: its digest is the memory at the pause.
      // Verification, not migration: it does not count in completedAtNs.
      return finish(true, null, await memory.snapshotDigest(DIGEST_PACING), completedAtNs);
    } catch (err) {
      clearInterval(ticker);
      let reason = this.cancelReason ?? (err instanceof Error ? err.message : String(err));
      this.channel?.end(reason, encodeJsonFrame(FRAME.cancel, { reason }));
      await this.channel?.close();
      memory.stopDirtyLog();
      volume?.stopDirtyLog();
      if (pausedAtNs !== null && wasRunning) {
        const restarted = await this.restartSource().catch((e: unknown) =>
          e instanceof Error ? e.message : String(e),
        );
        if (restarted !== null) reason += `; the source VM could not run again: ${restarted}`;
      }
      return finish(false, reason, null);
    }
  }

  private async precopy(volume: Volume | null): Promise<void> {
    const { memory, params } = this.o;
    memory.startDirtyLog();
    volume?.startDirtyLog();
    let lastSyncMs = performance.now();
    this.round = 1;
    await this.sendPages(allPages(memory.pageCount));
    if (volume !== null) await this.sendBlocks(volume.allocatedBlocks());
    for (;;) {
      const elapsedMs = performance.now() - this.startedMs;
      const bandwidth = (this.channel?.bytesSent ?? 0) / Math.max(elapsedMs / 1000, 1e-3);
      const dirtyBytes = memory.dirtyPageCount() * PAGE_SIZE + (volume?.dirtyBlockCount() ?? 0) * BLOCK_SIZE;
      const expectedDowntimeMs = (dirtyBytes / bandwidth) * 1000;
      this.progress(true);
      if (expectedDowntimeMs <= params.downtimeLimitMs || this.round >= params.maxRounds) return;
      // Start of a round: sync the dirty log (what was written during the last round).
      const dirty = memory.syncDirtyLog();
      const nowMs = performance.now();
      this.dirtyPagesRate = dirty.length / Math.max((nowMs - lastSyncMs) / 1000, 1e-3);
      lastSyncMs = nowMs;
      const dirtyBlocks = volume?.syncDirtyLog() ?? null;
      this.round++;
      await this.sendPages(dirty);
      if (dirtyBlocks !== null) await this.sendBlocks(dirtyBlocks);
    }
  }

  /** Send volume blocks through the migration thread (paced like pages). */
  private async sendBlocks(blocks: Uint32Array): Promise<void> {
    this.checkCancelled();
    if (blocks.length > 0) await this.pump().sendBlocks(blocks);
  }

  /** Send `pages` through the migration thread, paced by max-bandwidth and TCP backpressure. */
  private async sendPages(pages: Uint32Array): Promise<void> {
    this.checkCancelled();
    if (pages.length > 0) await this.pump().sendPages(pages);
    this.checkCancelled();
  }

  private pump(): PagePump {
    if (this.channel === null) throw new VnflabBugError('not connected');
    return this.channel;
  }

  private progress(force: boolean): void {
    const nowMs = performance.now();
    if (!force && nowMs - this.lastProgressMs < PROGRESS_EVERY_MS) return;
    this.lastProgressMs = nowMs;
    const { memory } = this.o;
    this.o.onProgress({
      round: Math.max(0, this.round - 1),
      totalBytes: memory.sizeBytes + (this.o.vnf.volume?.allocatedBlockCount ?? 0) * BLOCK_SIZE,
      transferredBytes: this.channel?.bytesSent ?? 0,
      remainingBytes:
        ((this.channel?.counters.pagesLeftInJob ?? 0) + memory.dirtyPageCount()) * PAGE_SIZE +
        (this.o.vnf.volume?.dirtyBlockCount() ?? 0) * BLOCK_SIZE,
      dirtyPagesRate: Math.round(this.dirtyPagesRate),
    });
  }

  /** Wait for the destination's RESUMED (resolve) or FAILED / close / timeout (reject). */
  private awaitReply(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new HostError('MIGRATION_TIMEOUT', `destination did not resume within ${REPLY_TIMEOUT_MS} ms`),
          ),
        REPLY_TIMEOUT_MS,
      );
      this.reply = (type, body) => {
        clearTimeout(timer);
        if (type === FRAME.resumed) resolve();
        else
          reject(
            new HostError(
              'MIGRATION_DEST_FAILED',
              `destination failed: ${(body as { reason?: string }).reason ?? 'no reason given'}`,
            ),
          );
      };
      this.channel?.onClose((why) => {
        clearTimeout(timer);
        reject(
          new HostError('MIGRATION_STREAM_CLOSED', `destination went away before resuming the VM (${why})`),
        );
      });
    });
  }

  private onReply(type: number, body: Buffer): void {
    if (type !== FRAME.resumed && type !== FRAME.failed) return;
    let parsed: unknown = {};
    try {
      parsed = parseJsonBody(body);
    } catch {
      // keep {}
    }
    this.reply?.(type, parsed);
  }

  private checkCancelled(): void {
    if (this.cancelReason !== null) throw new HostError('MIGRATION_CANCELLED', this.cancelReason);
    const closed = this.channel?.closed ?? null;
    if (closed !== null) throw new HostError('MIGRATION_STREAM_CLOSED', closed);
  }

  /** The migration failed after the source stopped: run it again where it is; null or why not. */
  private async restartSource(): Promise<string | null> {
    const { vnf } = this.o;
    if (this.o.params.mode === 'live') {
      vnf.resume();
      return null;
    }
    await vnf.open();
    const started = vnf.start();
    return started.ok ? null : started.reason;
  }
}

function allPages(count: number): Uint32Array {
  const pages = new Uint32Array(count);
  for (let i = 0; i < count; i++) pages[i] = i;
  return pages;
}
