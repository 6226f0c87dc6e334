import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllowEntry } from './callback-allow-list.js';
import { CallbackPolicy } from './callback-policy.js';

const servers: Server[] = [];
const policies: CallbackPolicy[] = [];
afterEach(async () => {
  for (const p of policies.splice(0)) await p.close();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

/** An HTTP server on 127.0.0.1 answering every request with `status` (and `headers`); its port. */
async function serve(status: number, headers: Record<string, string> = {}): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(status, headers);
    res.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const policy = (allow?: readonly string[]): CallbackPolicy => {
  const p = new CallbackPolicy(allow);
  policies.push(p);
  return p;
};

describe('callback allow-list entries', () => {
  it('are addresses, CIDR ranges or host names', () => {
    expect(parseAllowEntry('127.0.0.0/8')).toEqual({
      kind: 'range',
      address: '127.0.0.0',
      prefix: 8,
      family: 4,
    });
    expect(parseAllowEntry('::1')).toEqual({ kind: 'range', address: '::1', prefix: 128, family: 6 });
    expect(parseAllowEntry('NFVO.example.net')).toEqual({ kind: 'name', name: 'nfvo.example.net' });
    expect(parseAllowEntry('10.0.0.0/33')).toMatch(/prefix length of an IPv4 range is 0\.\.32/);
    expect(parseAllowEntry('10.0.0.0/')).toMatch(/prefix length/);
    expect(parseAllowEntry('host.example/24')).toMatch(/neither an IP address/);
    expect(parseAllowEntry('http://x')).toMatch(/neither an IP address/);
    expect(() => new CallbackPolicy(['nope!'])).toThrow(/callback allow-list: 'nope!'/);
  });
});

describe('CallbackPolicy', () => {
  it('allows loopback by default and refuses other addresses and schemes before any request', () => {
    const p = policy();
    expect(p.refusal('http://127.0.0.1:8080/cb')).toBeNull();
    expect(p.refusal('http://127.9.9.9/cb')).toBeNull();
    expect(p.refusal('https://[::1]:8443/cb')).toBeNull();
    expect(p.refusal('http://localhost/cb')).toBeNull(); // names are checked when connecting
    expect(p.refusal('http://10.0.0.1/cb')).toMatch(/^10\.0\.0\.1 is not in the lab's callback allow-list/);
    expect(p.refusal('http://[::ffff:10.0.0.1]/cb')).toMatch(/is not in the lab's callback allow-list/);
    expect(p.refusal('http://[fe80::1]/cb')).toMatch(/is not in the lab's callback allow-list/);
    expect(p.refusal('file:///etc/passwd')).toBe('file: URIs are not called');
    const wider = policy(['10.0.0.0/8']);
    expect(wider.refusal('http://10.1.2.3/cb')).toBeNull();
    expect(wider.refusal('http://127.0.0.1/cb')).toMatch(
      /not in the lab's callback allow-list \(10\.0\.0\.0\/8\)/,
    );
  });

  it('checks what a host name resolves to when it connects, unless the name itself is listed', async () => {
    const port = await serve(204);
    // 'localhost' resolves to loopback, which this list does not hold.
    const refused = await policy(['10.0.0.0/8'])
      .fetch(`http://localhost:${port}/cb`, {})
      .then(
        () => 'answered',
        (err: unknown) => String((err as { cause?: unknown }).cause),
      );
    expect(refused).toMatch(
      /CallbackRefused: localhost resolves to .*, outside the lab's callback allow-list/,
    );
    expect((await policy(['localhost']).fetch(`http://localhost:${port}/cb`, {})).status).toBe(204);
    expect((await policy().fetch(`http://localhost:${port}/cb`, {})).status).toBe(204);
  });

  it('does not follow redirects (the endpoint test wants its own 204)', async () => {
    const elsewhere = await serve(204);
    const port = await serve(302, { Location: `http://127.0.0.1:${elsewhere}/` });
    expect((await policy().fetch(`http://127.0.0.1:${port}/cb`, {})).status).toBe(302);
  });
});
