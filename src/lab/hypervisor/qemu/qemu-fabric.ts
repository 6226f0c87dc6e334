/**
 * The QEMU lab's Fabric: the bridge and router in the fabric namespace
 * (lab-network.ts). A VM's ingress on the fabric is its service address
 * (address-plan.ts), routed to the VM's ingress NIC; where the bridge
 * delivers it is learnt from the guest's frames and QEMU's self-announce,
 * read from the bridge's FDB (fdb-monitor.ts).
 */
import { monoNs } from '../../../util/clock.js';
import type { Endpoint } from '../../../util/outcome.js';
import type { Fabric } from '../hypervisor.js';
import { SERVICE_PORT } from './address-plan.js';
import { FdbMonitor } from './fdb-monitor.js';
import type { QemuLabContext } from './lab-context.js';
import { tryExec } from './exec.js';
import { removeServiceRoute } from './lab-network.js';

export class QemuFabric implements Fabric {
  /** QEMU announces on L2; there is no control socket. Reported as the fabric router's address, port 0. */
  readonly controlEndpoint: Endpoint;
  private readonly monitor: FdbMonitor;

  constructor(
    private readonly lab: QemuLabContext,
    /** Fabric port name (hN) -> compute host address. */
    private readonly portToHost: (dev: string) => string | null,
  ) {
    this.controlEndpoint = { host: lab.names.fabricUplinkAddress, port: 0 };
    this.monitor = new FdbMonitor(lab.names.fabricNs);
  }

  /** The VM's service address: send the traffic here. */
  attach(vmId: string): Promise<Endpoint> {
    const slot = this.lab.slots.slotFor(vmId);
    return Promise.resolve({ host: this.lab.names.vmServiceAddress(slot), port: SERVICE_PORT });
  }

  async detach(vmId: string): Promise<void> {
    const slot = this.lab.slots.get(vmId);
    if (slot === undefined) return;
    await removeServiceRoute(this.lab.names, slot);
    // The bridge keeps a learnt MAC for minutes: flush it, or the next VM in this slot (same MAC)
    // would report the old VM's location and switch-over time until it announced itself.
    const mac = this.lab.names.vmMac(slot, 0);
    const learnt = this.monitor.location(mac);
    if (learnt !== null)
      await tryExec('ip', [
        'netns',
        'exec',
        this.lab.names.fabricNs,
        'bridge',
        'fdb',
        'del',
        mac,
        'dev',
        learnt.dev,
        'master',
      ]);
    this.monitor.forget(mac);
    this.lab.slots.release(vmId);
  }

  /** The compute host (its address, port 0) the bridge sends the VM's ingress NIC traffic to. */
  location(vmId: string): Promise<{ endpoint: Endpoint; learntAtNs: string } | null> {
    const slot = this.lab.slots.get(vmId);
    if (slot === undefined) return Promise.resolve(null);
    const at = this.monitor.location(this.lab.names.vmMac(slot, 0));
    const host = at === null ? null : this.portToHost(at.dev);
    if (at === null || host === null) return Promise.resolve(null);
    return Promise.resolve({ endpoint: { host, port: 0 }, learntAtNs: String(at.learntAtNs) });
  }

  /** Wait until the bridge has learnt the VM's ingress MAC on a host other than `notHost` (tests, diagnostics). */
  async waitLocation(vmId: string, notHost: string | null, timeoutMs: number): Promise<Endpoint | null> {
    const until = monoNs() + BigInt(timeoutMs) * 1_000_000n;
    for (;;) {
      const loc = await this.location(vmId);
      if (loc !== null && loc.endpoint.host !== notHost) return loc.endpoint;
      if (monoNs() > until) return null;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async shutdown(): Promise<void> {
    await this.monitor.close();
  }
}
