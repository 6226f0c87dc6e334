/**
 * Destination side of a migration (QEMU -incoming): listens on 127.0.0.1:0
 * for one source, loads the pages it sends into the new VM's guest memory,
 * takes over the VNF state, and on COMPLETE runs the VM: live - resume and
 * announce to the fabric; offline - boot (license check, config). The memory
 * digest is taken copy-on-write from the instant of resume, while the VM
 * already forwards.
 *
 * A CANCEL, a closed stream or a bad frame before COMPLETE fails the
 * incoming migration; the host then frees the allocation.
 */
import net from 'node:net';
import { LOOPBACK } from '../../fabric/udp.js';
import type { Endpoint } from '../../../util/outcome.js';
import type { IncomingResult } from '../hypervisor.js';
import { HostError } from './errors.js';
import { DIGEST_PACING, PAGE_SIZE, type GuestMemory } from './guest-memory.js';
import { lowerForBulkWork } from './ipc/priority.js';
import { MigrationChannel } from './migration-channel.js';
import {
  applyBlocksBody,
  applyPagesBody,
  encodeJsonFrame,
  FRAME,
  parseJsonBody,
} from './migration-frames.js';
import type { Vnf, VnfState } from './vnf.js';

export interface IncomingMigrationOptions {
  readonly vmId: string;
  readonly memory: GuestMemory;
  /** The destination VNF, sockets open and paused. */
  readonly vnf: Vnf;
  /**
   * The VM is here now: running since `resumedAtNs`, or stopped (null) when
   * a stopped VM was moved offline. Called at the resume instant.
   */
  readonly onArrived: (resumedAtNs: bigint | null) => void;
}

interface Hello {
  readonly vmId: string;
  readonly mode: 'live' | 'offline';
  readonly run: boolean;
  readonly memoryBytes: number;
  readonly pageSize: number;
  /** Stored bytes of the VM's volume (0: none). */
  readonly volumeBytes?: number;
}

export class IncomingMigration {
  readonly result: Promise<IncomingResult>;
  private settle!: (r: IncomingResult) => void;
  private channel: MigrationChannel | null = null;
  private hello: Hello | null = null;
  private state: VnfState | null = null;
  private completed = false;
  private done = false;
  /** Raises this thread back to the data plane's priority (see accept()). */
  private restorePriority: () => void = () => undefined;

  private constructor(
    private readonly o: IncomingMigrationOptions,
    private readonly server: net.Server,
    readonly endpoint: Endpoint,
  ) {
    this.result = new Promise((resolve) => (this.settle = resolve));
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listen for the source on 127.0.0.1, port chosen by the OS. */
  static async listen(o: IncomingMigrationOptions): Promise<IncomingMigration> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => resolve());
    });
    const address = server.address() as net.AddressInfo;
    return new IncomingMigration(o, server, { host: address.address, port: address.port });
  }

  /** Give up (the VM is destroyed on this host). */
  abort(reason: string): void {
    this.channel?.destroy(reason);
    this.fail(reason);
  }

  private accept(socket: net.Socket): void {
    if (this.channel !== null || this.done) {
      socket.destroy(); // one source per incoming migration
      return;
    }
    this.server.close();
    // Applying the stream is bulk work, and this VM does not run here yet.
    this.restorePriority = lowerForBulkWork();
    const channel = new MigrationChannel(socket, (type, body) => {
      try {
        this.onFrame(type, body);
      } catch (err) {
        this.refuse(`bad ${type} frame: ${(err as Error).message}`);
      }
    });
    this.channel = channel;
    channel.onClose((why) => {
      if (!this.completed) this.fail(`migration stream ended before completion (${why})`);
    });
  }

  private onFrame(type: number, body: Buffer): void {
    if (this.done) return;
    switch (type) {
      case FRAME.hello:
        this.onHello(parseJsonBody(body) as Hello);
        return;
      case FRAME.pages:
        if (this.hello === null) throw new HostError('MIGRATION_PROTOCOL', 'PAGES before HELLO');
        applyPagesBody(this.o.memory, body);
        return;
      case FRAME.blocks: {
        const volume = this.o.vnf.volume;
        if (this.hello === null || volume === null)
          throw new HostError('MIGRATION_PROTOCOL', 'BLOCKS before HELLO or without a volume');
        applyBlocksBody(volume, body);
        return;
      }
      case FRAME.state:
        this.state = parseJsonBody(body) as VnfState;
        return;
      case FRAME.complete:
        this.onComplete();
        return;
      case FRAME.cancel:
        this.fail(
          `cancelled by the source: ${(parseJsonBody(body) as { reason?: string }).reason ?? 'no reason given'}`,
        );
        return;
      default:
        throw new HostError('MIGRATION_PROTOCOL', `unknown frame type ${type}`);
    }
  }

  private onHello(hello: Hello): void {
    const { vmId, memory } = this.o;
    if (hello.vmId !== vmId) return this.refuse(`expected VM ${vmId}, the source sends ${hello.vmId}`);
    if (hello.pageSize !== PAGE_SIZE || hello.memoryBytes !== memory.sizeBytes) {
      return this.refuse(
        `memory mismatch: source ${hello.memoryBytes} B in ${hello.pageSize} B pages, here ${memory.sizeBytes} B`,
      );
    }
    const volumeBytes = this.o.vnf.volume?.sizeBytes ?? 0;
    if ((hello.volumeBytes ?? 0) !== volumeBytes)
      return this.refuse(`volume mismatch: source ${hello.volumeBytes ?? 0} B, here ${volumeBytes} B`);
    this.hello = hello;
  }

  private onComplete(): void {
    const { hello, state } = this;
    if (hello === null || state === null) return this.refuse('COMPLETE before HELLO and STATE');
    const { vnf, memory } = this.o;
    this.restorePriority(); // the VM runs from here: back to the data plane's priority first
    vnf.restore(state);
    // Snapshots of memory and volume as the VM resumes (nothing runs until then), taken before the resume so
    // that the VNF forwards its receive ring the moment it runs. Copy-on-write: hashed later, in steps.
    const digest = memory.snapshotDigest(DIGEST_PACING);
    const volumeDigest = vnf.volume?.snapshotDigest(DIGEST_PACING) ?? Promise.resolve(null);
    let resumedAtNs: bigint | null = null;
    if (hello.mode === 'live') {
      resumedAtNs = vnf.resume();
    } else if (hello.run) {
      const started = vnf.start();
      if (!started.ok) return this.refuse(started.reason);
      resumedAtNs = started.value;
    }
    this.completed = true;
    this.o.onArrived(resumedAtNs);
    const resumed = resumedAtNs?.toString() ?? null;
    void this.channel?.send(encodeJsonFrame(FRAME.resumed, { resumedAtNs: resumed })).catch(() => undefined);
    // The VM runs either way; the digests are verification only.
    void Promise.all([digest.catch(() => null), volumeDigest.catch(() => null)]).then(
      ([memoryDigest, volumeDigestHex]) =>
        this.finish({
          vmId: this.o.vmId,
          ok: true,
          resumedAtNs: resumed,
          memoryDigest,
          volumeDigest: volumeDigestHex,
        }),
    );
  }

  /** Tell the source why, then fail. */
  private refuse(reason: string): void {
    this.channel?.end(reason, encodeJsonFrame(FRAME.failed, { reason }));
    this.fail(reason);
  }

  private fail(reason: string): void {
    if (this.completed) return;
    this.finish({ vmId: this.o.vmId, ok: false, reason, resumedAtNs: null, memoryDigest: null });
  }

  private finish(r: IncomingResult): void {
    if (this.done) return;
    this.done = true;
    this.restorePriority();
    this.server.close();
    this.settle(r);
  }
}
