/** Small node:http helpers of the lab's OpenStack APIs. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NovaFault } from './faults.js';

const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as JSON (400 when it is not JSON, 413 when too large). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new NovaFault(413, 'Request is too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new NovaFault(400, 'Malformed request body');
  }
}

/** Answer with JSON; a no-op once the response has been answered (e.g. with 503 at the request deadline). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent || res.writableEnded) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** A header's single value. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
