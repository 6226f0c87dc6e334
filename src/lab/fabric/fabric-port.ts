import type dgram from 'node:dgram';
import { monoNs } from '../../util/clock.js';
import type { Endpoint } from '../../util/outcome.js';
import type { FabricLocation, FabricPortStats } from './fabric-api.js';
import { closeQuietly, connectedSocket, DATA_SOCKET_BUFFER_BYTES } from './udp.js';

/**
 * One VM's port on the fabric: a fixed ingress socket, and an egress socket
 * connected to wherever the VM currently is. The per-datagram path only
 * reads a field and sends: no lookup, no allocation of ours.
 */
export class FabricPort {
  private out: dgram.Socket | null = null;
  private current: FabricLocation | null = null;
  /** Bumped per move so a slow connect cannot overwrite a newer location. */
  private generation = 0;
  private received = 0;
  private delivered = 0;
  private droppedUnknownLocation = 0;
  private sendErrors = 0;
  private moves = 0;
  private closed = false;

  constructor(
    readonly vmId: string,
    readonly ingress: dgram.Socket,
  ) {
    ingress.on('message', this.onDatagram);
  }

  /** The per-packet path. */
  private readonly onDatagram = (msg: Buffer): void => {
    this.received++;
    const out = this.out;
    if (out === null) {
      this.droppedUnknownLocation++;
      return;
    }
    out.send(msg);
    this.delivered++;
  };

  private readonly onSendError = (): void => {
    this.sendErrors++;
  };

  /**
   * Deliver to `endpoint` from now on. Datagrams keep going to the old
   * location until the new socket is connected (well under a millisecond),
   * as a bridge forwards on its old FDB entry until it learns the new one.
   */
  async moveTo(endpoint: Endpoint): Promise<void> {
    const generation = ++this.generation;
    const socket = await connectedSocket(endpoint, this.onSendError, DATA_SOCKET_BUFFER_BYTES);
    if (this.closed || generation !== this.generation) {
      await closeQuietly(socket);
      return;
    }
    const old = this.out;
    this.out = socket;
    this.current = { endpoint, learntAtNs: monoNs().toString() };
    this.moves++;
    await closeQuietly(old);
  }

  get location(): FabricLocation | null {
    return this.current;
  }

  stats(): FabricPortStats {
    return {
      received: this.received,
      delivered: this.delivered,
      droppedUnknownLocation: this.droppedUnknownLocation,
      sendErrors: this.sendErrors,
      moves: this.moves,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const out = this.out;
    this.out = null;
    await Promise.all([closeQuietly(this.ingress), closeQuietly(out)]);
  }
}
