/**
 * Sends a VM's announcements to the fabric when it starts or resumes, like
 * QEMU's self-announce after migration (qemu_announce_self: RARP rounds,
 * defaults announce-initial=50 ms, announce-rounds=5). Here: once at once,
 * then repeated twice, all with the same `atNs`, so a lost datagram is
 * covered and a repeat never overrides a newer announce.
 */
import type dgram from 'node:dgram';
import { encodeAnnounce } from '../../fabric/announce.js';
import { closeQuietly, connectedSocket } from '../../fabric/udp.js';
import { monoNs } from '../../../util/clock.js';
import type { Endpoint } from '../../../util/outcome.js';

const REPEAT_AFTER_MS = [20, 100];

export class Announcer {
  private socket: dgram.Socket | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly fabricControl: Endpoint) {}

  async open(): Promise<void> {
    // Connected: Node then sends at once. To an address, it sends after a
    // lookup at the end of the tick, which after a resume came ~4 ms later
    // (the rest of the resume runs first) while traffic still went to the
    // paused source.
    this.socket = await connectedSocket(this.fabricControl, () => undefined);
  }

  /** Announce `vmId` at `endpoint` (and its management endpoint); returns the announce instant (monotonic ns). */
  announce(
    vmId: string,
    endpoint: Endpoint,
    management: Endpoint | null = null,
    atNs: bigint = monoNs(),
  ): bigint {
    const datagram = encodeAnnounce({ vmId, endpoint, management, atNs: atNs.toString() });
    this.send(datagram);
    for (const ms of REPEAT_AFTER_MS) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(datagram);
      }, ms);
      this.timers.add(timer);
    }
    return atNs;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await closeQuietly(this.socket);
    this.socket = null;
  }

  private send(datagram: Buffer): void {
    this.socket?.send(datagram);
  }
}
