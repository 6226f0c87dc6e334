/**
 * In-memory Fabric for unit tests of the VIM (with fake-host.ts): it only
 * remembers ingress ports and the location each VM announced last. It has
 * no management relay (Fabric.management is optional) and no data path.
 */
import { monoNs } from '../../../src/util/clock.js';
import type { Endpoint } from '../../../src/util/outcome.js';
import type { Fabric } from '../../../src/lab/hypervisor/hypervisor.js';

interface Learnt {
  readonly endpoint: Endpoint;
  /** The announcement's own stamp: a later one wins, as on the process fabric. */
  readonly atNs: bigint;
  readonly learntAtNs: string;
}

/** A fabric that only remembers ingress ports and learnt locations. */
export class FakeFabric implements Fabric {
  readonly controlEndpoint: Endpoint = { host: '127.0.0.1', port: 1 };
  private readonly ingress = new Map<string, Endpoint>();
  private readonly locations = new Map<string, Learnt>();
  private nextPort = 30_000;

  attach(vmId: string): Promise<Endpoint> {
    const existing = this.ingress.get(vmId);
    if (existing !== undefined) return Promise.resolve(existing);
    const endpoint = { host: '127.0.0.1', port: this.nextPort++ };
    this.ingress.set(vmId, endpoint);
    return Promise.resolve(endpoint);
  }

  detach(vmId: string): Promise<void> {
    this.ingress.delete(vmId);
    this.locations.delete(vmId);
    return Promise.resolve();
  }

  location(vmId: string): Promise<{ endpoint: Endpoint; learntAtNs: string } | null> {
    const known = this.locations.get(vmId);
    return Promise.resolve(
      known === undefined ? null : { endpoint: known.endpoint, learntAtNs: known.learntAtNs },
    );
  }

  /**
   * A VM announced itself at `endpoint` (start or resume), stamped `atNs`.
   * An announcement older than the one learnt is ignored (a late RARP must
   * not move the VM back), as the process fabric's learning switch does.
   */
  learn(vmId: string, endpoint: Endpoint, atNs: bigint = monoNs()): void {
    const known = this.locations.get(vmId);
    if (known !== undefined && known.atNs > atNs) return;
    const moved = known?.endpoint.host !== endpoint.host || known.endpoint.port !== endpoint.port;
    const learntAtNs = moved || known === undefined ? String(monoNs()) : known.learntAtNs;
    this.locations.set(vmId, { endpoint, atNs, learntAtNs });
  }

  /** Ingress ports currently attached (for tests). */
  attached(): string[] {
    return [...this.ingress.keys()];
  }

  shutdown(): Promise<void> {
    this.ingress.clear();
    this.locations.clear();
    return Promise.resolve();
  }
}
