/**
 * The process VM's VNF: a UDP forwarder. It receives on its data socket
 * (where the fabric delivers) and forwards every datagram to its egress.
 * Per datagram it writes the packet into a ring in guest memory and updates
 * its counters there; a background workload dirties random pages.
 *
 * Run states: 'off' (no sockets), 'paused' (sockets open, nothing runs: what
 * arrives is dropped and counted, as a paused VM's NIC backend drops), and
 * 'running'.
 *
 * The receive ring. A paused guest keeps what its NIC had already put in its
 * virtio rx ring: the ring is guest memory and migrates with the VM. Only
 * what arrives after the pause is lost. Here the kernel socket queue plays
 * tap queue and ring at once. So at a pause the VNF sends itself a marker
 * datagram. What it reads before the marker is what had reached it before
 * the pause, up to RX_RING_SLOTS datagrams. That is held in `rxRing`,
 * travels in the VNF state, and is forwarded first after the resume (late,
 * not lost): that is the VNF forwarding again, so it ends the lab's
 * downtime. What it reads after the marker is dropped. Without this a VNF
 * that was a few ms behind at the pause lost that backlog as well, and the
 * loss exceeded the lab's true downtime by the backlog (issue 2). A vNIC
 * move drains the old port the same way (the guest empties the ring of a
 * port it unplugs); there the VNF never stops, and what ends the port's
 * downtime is the fabric delivering to the new port (the VIM reads its
 * switch time).
 *
 * With a volume (the flavor has storage) it also writes a journal record per
 * N packets and random blocks in the background (storage-workload.ts). It
 * serves its management interface (management-server.ts) while its sockets
 * are open, and announces both its data and management endpoints.
 */
import { randomBytes } from 'node:crypto';
import type dgram from 'node:dgram';
import {
  bindLoopback,
  closeQuietly,
  connectedSocket,
  DATA_SOCKET_BUFFER_BYTES,
  localEndpoint,
} from '../../fabric/udp.js';
import { monoNs } from '../../../util/clock.js';
import { fail, ok, type Endpoint, type Outcome } from '../../../util/outcome.js';
import type { VnfBootConfig } from '../hypervisor.js';
import { DirtyWorkload } from './dirty-workload.js';
import { HostError } from './errors.js';
import { ForwardLog } from './forward-log.js';
import type { GuestMemory } from './guest-memory.js';
import { checkLicense } from './license.js';
import { ManagementServer } from './management-server.js';
import { StorageWorkload, type StorageWorkloadState } from './storage-workload.js';
import { COUNTER_OFFSET, vnfMemoryLayout, type VnfMemoryLayout } from './vnf-memory-layout.js';
import type { Volume } from './volume.js';

export type VnfRunState = 'off' | 'paused' | 'running';

/**
 * Slots of the VNF's receive ring: virtio-net's largest rx queue size. A
 * pause keeps at most this many datagrams that had reached the VNF.
 */
export const RX_RING_SLOTS = 1024;

/** How long a pause waits for its marker (what was queued at the pause is read by then); then it gives up. */
const RX_DRAIN_TIMEOUT_MS = 250;
const MARKER_BYTES = 16;

/** What of the VNF is not in guest memory; it travels with the migration stream. */
export interface VnfState {
  /** The configuration the VNF applied at boot; null if it never booted. */
  readonly appliedConfig: Record<string, unknown> | null;
  readonly workloadRng: number;
  /** The volume writer's state (null: no volume). */
  readonly storage?: StorageWorkloadState | null;
  /** The receive ring at the pause: datagrams that had reached the VNF, not yet forwarded (base64). */
  readonly rxRing?: readonly string[];
}

export interface VnfCounters {
  readonly received: number;
  readonly forwarded: number;
  readonly droppedWhilePaused: number;
  /** Datagrams held in the receive ring at a pause and forwarded after the resume. */
  readonly carriedOverPause: number;
  /** Datagrams forwarded during the last second (0 unless running). */
  readonly packetRateHz: number;
}

/** Called when the VNF (re)starts forwarding at `endpoint`: tell the fabric (and where its management is). */
export type AnnounceFn = (vmId: string, endpoint: Endpoint, management: Endpoint | null) => void;

/** A vNIC port move: the old and new data endpoints and the switch instants (monotonic ns). */
export interface PortMove {
  readonly before: Endpoint;
  readonly after: Endpoint;
  /** Old port closed: what arrives there from now on is lost. */
  readonly unpluggedAtNs: bigint;
  /** New port announced to the fabric. */
  readonly announcedAtNs: bigint;
}

export class Vnf {
  readonly forwardLog = new ForwardLog();
  private data: dgram.Socket | null = null;
  private egress: dgram.Socket | null = null;
  private run: VnfRunState = 'off';
  private readonly layout: VnfMemoryLayout;
  private workload: DirtyWorkload;
  private appliedConfig: Record<string, unknown> | null = null;
  /** Host-side: the paused VM's NIC backend drops these; not guest memory. */
  private droppedWhilePaused = 0;
  private egressErrors = 0;
  private opening: Promise<void> | null = null;
  /** Sends the pause marker to the VNF's own data port. */
  private markerSocket: dgram.Socket | null = null;
  private readonly marker = randomBytes(MARKER_BYTES);
  /** Set from a pause until its marker is read. */
  private drain: { readonly done: Promise<void>; readonly end: () => void } | null = null;
  private rxRing: Buffer[] = [];
  private carriedOverPause = 0;
  private management: ManagementServer | null = null;
  private storage: StorageWorkload | null;

  constructor(
    readonly vmId: string,
    readonly memory: GuestMemory,
    readonly boot: VnfBootConfig,
    private readonly announce: AnnounceFn,
    private vol: Volume | null = null,
  ) {
    this.layout = vnfMemoryLayout(memory);
    this.workload = this.newWorkload((Math.random() * 0xffffffff) >>> 0);
    this.storage =
      vol === null
        ? null
        : new StorageWorkload(vol, boot.storage, {
            rng: (Math.random() * 0xffffffff) >>> 0,
            packetsSinceRecord: 0,
          });
  }

  /** The volume the VNF writes now (null: no storage). */
  get volume(): Volume | null {
    return this.vol;
  }

  /** Pivot to another copy of the volume (a finished volume mirror); call when nothing else writes. */
  pivotVolume(volume: Volume): void {
    this.vol = volume;
    this.storage?.retarget(volume);
  }

  get managementEndpoint(): Endpoint | null {
    return this.management?.endpoint ?? null;
  }

  get runState(): VnfRunState {
    return this.run;
  }

  get dataEndpoint(): Endpoint | null {
    return this.data === null ? null : localEndpoint(this.data);
  }

  /** Open the data and egress sockets (127.0.0.1, OS-chosen port); the VNF stays paused. */
  open(): Promise<void> {
    if (this.run !== 'off') return Promise.resolve();
    // Concurrent calls share one opening: never two socket pairs.
    this.opening ??= this.openSockets().finally(() => (this.opening = null));
    return this.opening;
  }

  private async openSockets(): Promise<void> {
    const data = await bindLoopback(() => undefined, DATA_SOCKET_BUFFER_BYTES);
    const egress = await connectedSocket(
      this.boot.egress,
      () => this.egressErrors++,
      DATA_SOCKET_BUFFER_BYTES,
    ).catch(async (err: unknown) => {
      await closeQuietly(data);
      throw err;
    });
    const marker = await connectedSocket(localEndpoint(data), () => undefined).catch(async (err: unknown) => {
      await Promise.all([closeQuietly(data), closeQuietly(egress)]);
      throw err;
    });
    const management = await ManagementServer.listen({
      vmId: this.vmId,
      runState: () => this.run,
      vnfmMigrateUrl: this.boot.vnfmMigrateUrl,
    }).catch(async (err: unknown) => {
      await Promise.all([closeQuietly(data), closeQuietly(egress), closeQuietly(marker)]);
      throw err;
    });
    data.on('message', this.onDatagram);
    this.data = data;
    this.egress = egress;
    this.markerSocket = marker;
    this.management = management;
    this.run = 'paused';
  }

  /**
   * vNIC move: plug a new data port, unplug the old one and announce the new
   * location. What the fabric sends to the old port until it re-learns is
   * lost. What had reached the old port before the unplug is drained and
   * forwarded (the guest empties the rx ring of a port it unplugs, up to
   * RX_RING_SLOTS). Those late forwards are not logged as forwarding again;
   * the port's downtime ends when the fabric delivers to the new port, and
   * the first datagram through it (logged) may wait behind the drain.
   */
  async replaceDataPort(): Promise<PortMove> {
    const old = this.data;
    if (old === null || this.run === 'off') throw new HostError('INVALID_STATE', 'VNF sockets are not open');
    const before = localEndpoint(old);
    const fresh = await bindLoopback(() => undefined, DATA_SOCKET_BUFFER_BYTES);
    fresh.on('message', this.onDatagram);
    const unpluggedAtNs = monoNs();
    old.removeListener('message', this.onDatagram);
    const drained = this.drainUnplugged(old);
    this.data = fresh;
    const after = localEndpoint(fresh);
    const announcedAtNs = monoNs();
    if (this.run === 'running') this.announce(this.vmId, after, this.managementEndpoint);
    await drained;
    await closeQuietly(old);
    // The next pause's marker goes to the new port.
    const marker = await connectedSocket(after, () => undefined);
    const oldMarker = this.markerSocket;
    this.markerSocket = marker;
    await closeQuietly(oldMarker);
    return { before, after, unpluggedAtNs, announcedAtNs };
  }

  /** Forward what was queued on an unplugged port until its marker is read; drop (and count) what comes after. */
  private drainUnplugged(old: dgram.Socket): Promise<void> {
    let slots = RX_RING_SLOTS;
    const { done, end } = this.awaitMarker(); // the marker socket is still connected to the old port
    let unplugged = false;
    void done.then(() => (unplugged = true));
    old.on('message', (msg: Buffer) => {
      if (!unplugged && this.isMarker(msg)) return end();
      if (!unplugged && slots > 0 && this.run === 'running' && this.egress !== null) {
        slots--;
        this.forward(msg, false);
      } else this.droppedWhilePaused++;
    });
    return done;
  }

  /** Send the marker to the data port the marker socket is connected to; done when end() or after RX_DRAIN_TIMEOUT_MS. */
  private awaitMarker(): { readonly done: Promise<void>; readonly end: () => void } {
    let end = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => end(), RX_DRAIN_TIMEOUT_MS);
      end = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.sendMarker();
    return { done, end };
  }

  /**
   * Boot: check the license, apply the configuration, start forwarding.
   * Sockets must be open. Returns the start instant, or why the VNF refused.
   */
  start(now: Date = new Date()): Outcome<bigint> {
    if (this.run === 'off') throw new HostError('INVALID_STATE', 'VNF sockets are not open');
    const license = checkLicense(this.boot, now);
    if (!license.ok) return fail(`VNF refused to boot: ${license.reason}`);
    this.appliedConfig = structuredClone(this.boot.config ?? {});
    return ok(this.resume());
  }

  /** Run again after a pause (no reboot: no license check); announces the location. */
  resume(): bigint {
    if (this.run === 'off') throw new HostError('INVALID_STATE', 'VNF sockets are not open');
    const atNs = monoNs();
    this.run = 'running';
    this.forwardLog.markResume();
    // Announce first: until the fabric learns the new location, traffic goes to the old one.
    const endpoint = this.dataEndpoint;
    if (endpoint !== null) this.announce(this.vmId, endpoint, this.managementEndpoint);
    // What waited in the receive ring over the pause goes out first, as a resumed guest empties its ring.
    if (this.rxRing.length > 0) this.flushRxRing();
    this.workload.start();
    this.storage?.start();
    return atNs;
  }

  /**
   * Stop running; sockets stay open. What had reached the VNF before this
   * instant goes into the receive ring (see rxDrained); what arrives after it
   * is dropped and counted. Returns the pause instant.
   */
  pause(): bigint {
    this.workload.stop();
    this.storage?.stop();
    const atNs = monoNs();
    if (this.run === 'running') {
      this.run = 'paused';
      this.startDrain();
    }
    return atNs;
  }

  /**
   * Resolves once everything queued at the last pause is in the receive ring
   * (its marker was read), or after RX_DRAIN_TIMEOUT_MS. Await it before
   * taking state().
   */
  rxDrained(): Promise<void> {
    return this.drain?.done ?? Promise.resolve();
  }

  private startDrain(): void {
    if (this.data === null || this.drain !== null) return;
    const drain = this.awaitMarker();
    this.drain = drain;
    void drain.done.then(() => {
      if (this.drain === drain) this.drain = null;
    });
  }

  /**
   * To the data port, now: the marker socket is connected to it, so Node
   * sends at once instead of after an address lookup at the end of the tick
   * (which let datagrams that arrived after the pause in ahead of it).
   */
  private sendMarker(): void {
    this.markerSocket?.send(this.marker, () => undefined);
  }

  private isMarker(msg: Buffer): boolean {
    return msg.length === MARKER_BYTES && msg.equals(this.marker);
  }

  private flushRxRing(): void {
    if (this.egress === null) return;
    const ring = this.rxRing;
    this.rxRing = [];
    for (const msg of ring) this.forward(msg, true);
    this.carriedOverPause += ring.length;
  }

  /** Stop and close the sockets. */
  async close(): Promise<void> {
    this.workload.stop();
    this.storage?.stop();
    this.run = 'off';
    this.drain?.end();
    this.rxRing = []; // a stopped VM's rx ring is gone
    const sockets = [this.data, this.egress, this.markerSocket];
    const management = this.management;
    this.data = null;
    this.egress = null;
    this.markerSocket = null;
    this.management = null;
    await Promise.all([...sockets.map((s) => closeQuietly(s)), management?.close()]);
  }

  /** Release everything for good (VM destroyed). */
  async destroy(): Promise<void> {
    await this.close();
    this.forwardLog.close();
  }

  counters(): VnfCounters {
    return {
      received: this.memory.readF64(COUNTER_OFFSET.received),
      forwarded: this.memory.readF64(COUNTER_OFFSET.forwarded),
      droppedWhilePaused: this.droppedWhilePaused,
      carriedOverPause: this.carriedOverPause,
      packetRateHz: this.run === 'running' ? this.forwardLog.rateHz(monoNs()) : 0,
    };
  }

  state(): VnfState {
    return {
      appliedConfig: this.appliedConfig,
      workloadRng: this.workload.rngState,
      storage: this.storage?.state() ?? null,
      rxRing: this.rxRing.map((b) => b.toString('base64')),
    };
  }

  /** Take over the state of the VNF this one is a migrated copy of. */
  restore(state: VnfState): void {
    this.appliedConfig = state.appliedConfig === null ? null : structuredClone(state.appliedConfig);
    this.rxRing = (state.rxRing ?? []).map((b) => Buffer.from(b, 'base64'));
    this.workload.stop();
    this.workload = this.newWorkload(state.workloadRng);
    if (this.vol !== null && state.storage != null) {
      this.storage?.stop();
      this.storage = new StorageWorkload(this.vol, this.boot.storage, state.storage);
    }
  }

  private newWorkload(rng: number): DirtyWorkload {
    const { workloadFirstPage, workloadPageCount } = this.layout;
    return new DirtyWorkload(
      this.memory,
      workloadFirstPage,
      workloadPageCount,
      this.boot.dirtyPagesPerSec,
      rng,
    );
  }

  /** The per-packet path. */
  private readonly onDatagram = (msg: Buffer): void => {
    if (this.drain !== null && this.isMarker(msg)) return this.drain.end();
    if (this.run === 'running' && this.egress !== null) return this.forward(msg, true);
    if (this.drain !== null && this.rxRing.length < RX_RING_SLOTS) {
      this.rxRing.push(msg); // had reached the VNF before the pause
      return;
    }
    this.droppedWhilePaused++;
  };

  /**
   * Forward one datagram. `logged`: it enters the forward log, whose first
   * entry after a pause or a port unplug ends the lab's downtime; false for
   * datagrams drained from an unplugged port.
   */
  private forward(msg: Buffer, logged: boolean): void {
    const m = this.memory;
    m.writeF64(COUNTER_OFFSET.received, m.readF64(COUNTER_OFFSET.received) + 1);
    this.writeToRing(msg);
    this.egress?.send(msg);
    m.writeF64(COUNTER_OFFSET.forwarded, m.readF64(COUNTER_OFFSET.forwarded) + 1);
    this.storage?.onPacket(msg);
    if (logged) this.forwardLog.record(process.hrtime.bigint());
  }

  /** Write `bytesDirtiedPerPacket` (default: the datagram size) of the packet, repeated if need be, into the ring. */
  private writeToRing(msg: Buffer): void {
    if (msg.length === 0) return;
    const { ringStart, ringEnd } = this.layout;
    let remaining = this.boot.bytesDirtiedPerPacket ?? msg.length;
    let cursor = this.memory.readF64(COUNTER_OFFSET.ringCursor);
    if (cursor < ringStart || cursor >= ringEnd) cursor = ringStart;
    let src = 0;
    while (remaining > 0) {
      const n = Math.min(remaining, ringEnd - cursor, msg.length - src);
      this.memory.writeFrom(cursor, msg, src, src + n);
      remaining -= n;
      cursor += n;
      if (cursor >= ringEnd) cursor = ringStart;
      src += n;
      if (src >= msg.length) src = 0;
    }
    this.memory.writeF64(COUNTER_OFFSET.ringCursor, cursor);
  }
}
