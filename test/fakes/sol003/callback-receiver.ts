// Test support: a subscriber's notification endpoint on 127.0.0.1 that records what it receives.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown> | null;
}

export interface CallbackReceiver {
  readonly uri: string;
  readonly received: Received[];
  /** Status answered to the test GET (default 204). */
  probeStatus: number;
  /** POSTed notifications, in arrival order. */
  notifications(): Record<string, unknown>[];
  /** Wait until `predicate` holds for the notifications received (polls every 5 ms). */
  waitFor(predicate: (n: Record<string, unknown>[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCallbackReceiver(path = '/notify'): Promise<CallbackReceiver> {
  const received: Received[] = [];
  const receiver = {
    probeStatus: 204,
  } as CallbackReceiver & { probeStatus: number };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({
        method: req.method ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      });
      res.writeHead(req.method === 'GET' ? receiver.probeStatus : 204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const notifications = (): Record<string, unknown>[] =>
    received.filter((r) => r.method === 'POST' && r.body).map((r) => r.body as Record<string, unknown>);
  return Object.assign(receiver, {
    uri: `http://127.0.0.1:${port}${path}`,
    received,
    notifications,
    async waitFor(predicate: (n: Record<string, unknown>[]) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(notifications())) {
        if (Date.now() > deadline) {
          throw new Error(
            `notifications did not arrive: ${JSON.stringify(notifications().map((n) => [n.notificationType, n.operationState]))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
