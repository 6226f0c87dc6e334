import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFabric, type ProcessFabric } from '../../fabric/fabric-client.js';
import type { VmSpec } from '../hypervisor.js';
import { startProcessHost, type ProcessComputeHost } from './host-client.js';
import { isAlive, UdpSender, UdpSink, until } from '../../../../test/fakes/process-lab/test-kit.js';

const capacity = { vCpu: 4, memoryMiB: 64, storageGiB: 20, nics: 4 };

function spec(vmId: string, over: Partial<VmSpec> = {}): VmSpec {
  return {
    vmId,
    vCpu: 2,
    memoryMiB: 16,
    storageGiB: 5,
    nics: 1,
    vnf: { egress: { host: '127.0.0.1', port: 9 }, dirtyPagesPerSec: 100 },
    ...over,
  };
}

describe('process compute host', () => {
  let fabric: ProcessFabric;
  let host: ProcessComputeHost;
  let sink: UdpSink;

  beforeAll(async () => {
    fabric = await startFabric();
    host = await startProcessHost({ name: 'hostA', capacity, fabricControl: fabric.controlEndpoint });
    sink = await UdpSink.open();
  });

  afterAll(async () => {
    await sink.close();
    await host.shutdown();
    await fabric.shutdown();
    expect(isAlive(host.pid)).toBe(false);
    expect(isAlive(fabric.pid)).toBe(false);
  });

  it('enforces its capacity and keeps an inventory of vResource allocations', async () => {
    const vm1 = await host.createVm(spec('cap-1', { memoryMiB: 48 }));
    expect(vm1.state).toBe('CREATED');
    expect(vm1.host).toBe('hostA');
    expect(vm1.allocations.find((a) => a.kind === 'vMemory')).toMatchObject({ amount: 48, unit: 'MiB' });
    expect(vm1.allocations.every((a) => a.id.startsWith('hostA-'))).toBe(true);

    // 48 + 32 MiB > 64 MiB, and 2 + 3 vCPUs > 4.
    await expect(host.createVm(spec('cap-2', { memoryMiB: 32, vCpu: 3 }))).rejects.toMatchObject({
      name: 'HostError',
      code: 'CAPACITY_EXCEEDED',
      message: expect.stringContaining('memoryMiB: requested 32, free 16 of 64') as unknown,
      data: { short: ['vCpu', 'memoryMiB'] },
    });
    expect(Object.keys(await host.inventory())).toEqual(['cap-1']);

    const vm2 = await host.createVm(spec('cap-2', { memoryMiB: 16 }));
    expect(Object.keys(await host.inventory()).sort()).toEqual(['cap-1', 'cap-2']);
    await expect(host.createVm(spec('cap-2'))).rejects.toMatchObject({ code: 'VM_EXISTS' });

    await host.destroyVm('cap-1');
    await host.destroyVm('cap-1'); // idempotent
    const inventory = await host.inventory();
    expect(Object.keys(inventory)).toEqual(['cap-2']);
    expect(inventory['cap-2']?.map((a) => a.id)).toEqual(vm2.allocations.map((a) => a.id));
    await host.destroyVm('cap-2');
    expect(await host.inventory()).toEqual({});
    await expect(host.startVm('cap-1')).rejects.toMatchObject({ code: 'VM_NOT_FOUND' });
  });

  it('refuses to create a VNF whose license expired, allocating nothing', async () => {
    const expired = { licensee: 'ACME', product: 'vFwd', expires: '2001-01-01', key: 'k' };
    await expect(
      host.createVm(spec('lic', { vnf: { ...spec('lic').vnf, license: expired } })),
    ).rejects.toMatchObject({
      code: 'LICENSE_INVALID',
      message: 'license of ACME expired on 2001-01-01',
    });
    expect(await host.getVm('lic')).toBeNull();
    expect((await host.inventory())['lic']).toBeUndefined();
  });

  it('boots a VNF that forwards through the fabric, pauses on stop and frees everything on destroy', async () => {
    const ingress = await fabric.attach('fwd');
    await host.createVm(
      spec('fwd', {
        vnf: { egress: sink.endpoint, dirtyPagesPerSec: 100, config: { licenseRequired: false } },
      }),
    );
    const started = await host.startVm('fwd');
    expect(started.state).toBe('RUNNING');
    expect(started.dataEndpoint?.host).toBe('127.0.0.1');
    // The VNF announced itself: the fabric delivers to its data endpoint.
    await until(async () => (await fabric.location('fwd'))?.endpoint.port === started.dataEndpoint?.port);

    const startNs = process.hrtime.bigint();
    const sender = await UdpSender.open(ingress, 2000);
    await until(() => sink.received >= 200);
    const sent = await sender.stop();
    await until(() => sink.received === sent, 2000, 'all datagrams forwarded');
    await sender.close();
    const running = await host.getVm('fwd');
    expect(running?.counters).toMatchObject({ received: sent, forwarded: sent, droppedWhilePaused: 0 });
    const first = await host.firstForwardAfter('fwd', startNs.toString(), 1000);
    expect(BigInt(first ?? '0')).toBeGreaterThan(startNs);
    expect(await host.firstForwardAfter('fwd', process.hrtime.bigint().toString(), 50)).toBeNull();

    const stopped = await host.stopVm('fwd');
    expect(stopped).toMatchObject({ state: 'STOPPED', dataEndpoint: null });
    // Counters live in guest memory: they survive stop/start.
    const restarted = await host.startVm('fwd');
    expect(restarted.counters.forwarded).toBe(sent);

    await host.destroyVm('fwd');
    await fabric.detach('fwd');
    expect(await host.getVm('fwd')).toBeNull();
    expect(await host.inventory()).toEqual({});
  });
});
