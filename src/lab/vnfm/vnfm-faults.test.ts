import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabFaults } from '../faults.js';
import { VnfmFaults, type VnfmFaultRule } from './vnfm-faults.js';

const rules = parseLabFaults([
  'vnfm.create=http500',
  'vnfm.delete=http503',
  'vnfm.query=drop',
  'vnfm.poll=timeout',
  'vnfm.operate=failed_temp',
  'vnfm.terminate=failed',
]) as VnfmFaultRule[];

describe('VnfmFaults: what the lab VNFM answers instead', () => {
  const logged: string[] = [];
  const faults = new VnfmFaults(rules, (line) => logged.push(line));
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (!faults.intercept(req, res)) res.end('served');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vnflcm/v2`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers 500 / 503 with a ProblemDetails naming the fault', async () => {
    const created = await fetch(`${base}/vnf_instances`, { method: 'POST' });
    expect(created.status).toBe(500);
    expect(created.headers.get('version')).toBe('2.0.0');
    expect(((await created.json()) as { detail: string }).detail).toContain('lab fault vnfm.create=http500');
    expect((await fetch(`${base}/vnf_instances/i-1`, { method: 'DELETE' })).status).toBe(503);
  });

  it('drops the connection, or never answers until the client gives up', async () => {
    await expect(fetch(`${base}/vnf_instances/i-1`)).rejects.toThrow(/fetch failed/);
    await expect(fetch(`${base}/vnf_lcm_op_occs/op-1`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /timeout|aborted/i,
    );
  });

  it('serves what no fault names', async () => {
    expect(await (await fetch(`${base}/vnf_instances/i-1/instantiate`, { method: 'POST' })).text()).toBe(
      'served',
    );
    expect(await (await fetch(`${base}/subscriptions`)).text()).toBe('served');
    expect(logged.some((l) => l.includes('vnfm.create=http500'))).toBe(true);
  });

  it('ends the occurrences of the faulted asynchronous operations FAILED_TEMP or FAILED', () => {
    expect(faults.occurrenceFault('OPERATE')).toEqual({
      state: 'FAILED_TEMP',
      spec: 'vnfm.operate=failed_temp',
    });
    expect(faults.occurrenceFault('TERMINATE')).toEqual({ state: 'FAILED', spec: 'vnfm.terminate=failed' });
    expect(faults.occurrenceFault('INSTANTIATE')).toBeNull();
  });
});
