import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeFetchError } from './fetch-error.js';

/** A port nothing listens on (bound, read, released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('describeFetchError', () => {
  it('a refused connection: the errno and the address, not a bare "fetch failed"', async () => {
    const port = await closedPort();
    const err: unknown = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(describeFetchError(err)).toBe(`fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('a name that does not resolve: the resolver says which', async () => {
    const err: unknown = await fetch('http://vnflab-no-such-host.invalid/').catch((e: unknown) => e);
    expect(describeFetchError(err)).toMatch(
      /^fetch failed: getaddrinfo (ENOTFOUND|EAI_AGAIN) vnflab-no-such-host\.invalid$/,
    );
  });

  it('a TLS reason keeps its code; several addresses each say theirs', () => {
    const tls = new TypeError('fetch failed', {
      cause: Object.assign(new Error('unable to verify the first certificate'), {
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      }),
    });
    expect(describeFetchError(tls)).toBe(
      'fetch failed: UNABLE_TO_VERIFY_LEAF_SIGNATURE unable to verify the first certificate',
    );
    const both = new TypeError('fetch failed', {
      cause: Object.assign(
        new AggregateError([
          new Error('connect ECONNREFUSED ::1:9'),
          new Error('connect ECONNREFUSED 127.0.0.1:9'),
        ]),
        { code: 'ECONNREFUSED' },
      ),
    });
    expect(describeFetchError(both)).toBe(
      'fetch failed: connect ECONNREFUSED ::1:9; connect ECONNREFUSED 127.0.0.1:9',
    );
    expect(describeFetchError(new Error('plain'))).toBe('plain');
  });
});
