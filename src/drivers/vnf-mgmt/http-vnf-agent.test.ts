import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpVnfAgent } from './http-vnf-agent.js';

describe('HttpVnfAgent', () => {
  let server: Server;
  let url = '';
  const seen: unknown[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body: JSON.parse(body || 'null') as unknown });
        const type = (JSON.parse(body || '{}') as { vResourceType?: string }).vResourceType;
        res.statusCode = type === 'vNIC' ? 409 : 202;
        res.end(type === 'vNIC' ? '{"detail":"specialized NIC"}' : '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mgmt`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('asks the VNF to request its migration', async () => {
    expect(await new HttpVnfAgent().requestMigration(url, 'vMemory')).toEqual({ ok: true, value: undefined });
    expect(seen[0]).toEqual({
      method: 'POST',
      url: '/mgmt/migrate-request',
      body: { vResourceType: 'vMemory' },
    });
  });

  it("reports a refusal with the status and the VNF's words", async () => {
    const r = await new HttpVnfAgent().requestMigration(url, 'vNIC');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/answered 409 .*specialized NIC/);
  });

  it('reports an unreachable interface', async () => {
    const r = await new HttpVnfAgent({ requestTimeoutMs: 2000 }).requestMigration(
      'http://127.0.0.1:1',
      'any',
    );
    expect(!r.ok && r.reason).toMatch(/did not answer/);
  });
});
