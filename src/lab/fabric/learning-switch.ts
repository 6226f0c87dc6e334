import type dgram from 'node:dgram';
import type { Endpoint } from '../../util/outcome.js';
import { parseAnnounce, type AnnounceMessage } from './announce.js';
import type { FabricLocation, FabricPortStats } from './fabric-api.js';
import { FabricPort } from './fabric-port.js';
import { ManagementProxy } from './management-proxy.js';
import { bindLoopback, closeQuietly, DATA_SOCKET_BUFFER_BYTES, localEndpoint } from './udp.js';

interface Learnt {
  readonly endpoint: Endpoint;
  readonly atNs: bigint;
}

/**
 * The fabric's switching logic (runs in the fabric process): fixed ingress
 * ports per VM, and a table of VM locations learnt from announcements on the
 * control port. A later announcement (by its `atNs`) wins; an older one that
 * arrives late is ignored, as a stale RARP must not move a MAC back.
 */
export class LearningSwitch {
  private control: dgram.Socket | null = null;
  private readonly ports = new Map<string, Promise<FabricPort>>();
  private readonly learnt = new Map<string, Learnt>();
  /** Per VM: the stable management address, relaying to the announced management endpoint. */
  private readonly proxies = new Map<string, Promise<ManagementProxy>>();
  private readonly managementLearnt = new Map<string, Endpoint>();
  /** Datagrams on the control port that were not announcements. */
  malformedAnnouncements = 0;

  /** Open the control port; returns its endpoint. */
  async start(): Promise<Endpoint> {
    this.control = await bindLoopback(() => undefined);
    this.control.on('message', (msg: Buffer) => {
      const announce = parseAnnounce(msg);
      if (announce === null) this.malformedAnnouncements++;
      else this.learn(announce);
    });
    return localEndpoint(this.control);
  }

  learn(m: AnnounceMessage): void {
    const atNs = BigInt(m.atNs);
    const known = this.learnt.get(m.vmId);
    if (known !== undefined && known.atNs > atNs) return;
    if (m.management != null) {
      const management = m.management;
      this.managementLearnt.set(m.vmId, management);
      void this.proxies
        .get(m.vmId)
        ?.then((p) => p.moveTo(management))
        .catch(() => undefined);
    }
    const moved =
      known === undefined ||
      known.endpoint.host !== m.endpoint.host ||
      known.endpoint.port !== m.endpoint.port;
    this.learnt.set(m.vmId, { endpoint: m.endpoint, atNs });
    if (!moved) return;
    const port = this.ports.get(m.vmId);
    if (port !== undefined) void port.then((p) => p.moveTo(m.endpoint)).catch(() => undefined);
  }

  /** Create (or return) the VM's ingress port. */
  async attach(vmId: string): Promise<Endpoint> {
    let port = this.ports.get(vmId);
    if (port === undefined) {
      port = this.openPort(vmId);
      this.ports.set(vmId, port);
      port.catch(() => this.ports.delete(vmId));
    }
    if (!this.proxies.has(vmId)) {
      const proxy = ManagementProxy.listen().then((p) => {
        const known = this.managementLearnt.get(vmId);
        if (known !== undefined) p.moveTo(known);
        return p;
      });
      this.proxies.set(vmId, proxy);
      proxy.catch(() => this.proxies.delete(vmId));
    }
    return localEndpoint((await port).ingress);
  }

  /** The VM's stable management address (null: not attached). */
  async management(vmId: string): Promise<Endpoint | null> {
    const proxy = this.proxies.get(vmId);
    return proxy === undefined ? null : (await proxy).endpoint;
  }

  private async openPort(vmId: string): Promise<FabricPort> {
    const port = new FabricPort(vmId, await bindLoopback(() => undefined, DATA_SOCKET_BUFFER_BYTES));
    const known = this.learnt.get(vmId);
    if (known !== undefined) await port.moveTo(known.endpoint);
    return port;
  }

  async detach(vmId: string): Promise<void> {
    const port = this.ports.get(vmId);
    const proxy = this.proxies.get(vmId);
    this.ports.delete(vmId);
    this.proxies.delete(vmId);
    this.learnt.delete(vmId);
    this.managementLearnt.delete(vmId);
    if (port !== undefined) await (await port).close();
    if (proxy !== undefined) await (await proxy).close();
  }

  async location(vmId: string): Promise<FabricLocation | null> {
    const port = this.ports.get(vmId);
    if (port !== undefined) return (await port).location;
    const known = this.learnt.get(vmId);
    return known === undefined ? null : { endpoint: known.endpoint, learntAtNs: known.atNs.toString() };
  }

  async stats(vmId: string): Promise<FabricPortStats | null> {
    const port = this.ports.get(vmId);
    return port === undefined ? null : (await port).stats();
  }

  async close(): Promise<void> {
    const ports = [...this.ports.values()];
    const proxies = [...this.proxies.values()];
    this.ports.clear();
    this.proxies.clear();
    await Promise.all(ports.map(async (p) => (await p).close()));
    await Promise.all(proxies.map(async (p) => (await p).close()));
    await closeQuietly(this.control);
    this.control = null;
  }
}
