/**
 * In-memory Fabric for unit tests of the VIM (with fake-host.ts): it only
 * remembers ingress ports and the location each VM announced last.
 */
import { monoNs } from '../../../src/util/clock.js';
import type { Endpoint } from '../../../src/util/outcome.js';
import type { Fabric } from '../../../src/lab/hypervisor/hypervisor.js';

/** A fabric that only remembers ingress ports and learnt locations. */
export class FakeFabric implements Fabric {
  readonly controlEndpoint: Endpoint = { host: '127.0.0.1', port: 1 };
  private readonly ingress = new Map<string, Endpoint>();
  private readonly locations = new Map<string, { endpoint: Endpoint; learntAtNs: string }>();
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
    return Promise.resolve(this.locations.get(vmId) ?? null);
  }

  /** No management relay in the fake: null. */
  management(_vmId: string): Promise<Endpoint | null> {
    return Promise.resolve(null);
  }

  /** A VM announced itself at `endpoint` (start or resume). */
  learn(vmId: string, endpoint: Endpoint): void {
    if (this.ingress.has(vmId)) this.locations.set(vmId, { endpoint, learntAtNs: String(monoNs()) });
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
