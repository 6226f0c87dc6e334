/**
 * Reading requests and writing responses for the lab VNFM (node:http).
 * Every SOL003 response carries the `Version` header (SOL013 §4.6).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProblemError } from './problem.js';

/** Bodies above this are refused (413): the lab's requests are a few KiB. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Read the whole request body as text; '' when there is none. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ProblemError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parse a JSON request body. SOL013 §4.7: the body is `application/json`;
 * another media type is 415, malformed JSON or a non-object 400.
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  if (text.length > 0 && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new ProblemError(415, `Content-Type must be application/json, got '${contentType}'`);
  }
  if (text.trim().length === 0)
    throw new ProblemError(400, 'request body is missing (a JSON object is required)');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProblemError(
      400,
      `request body is not valid JSON: ${(err as Error).message}`,
      {},
      { cause: err },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProblemError(400, 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The request was answered already (e.g. with 503 at its deadline): a late answer is dropped. */
function answered(res: ServerResponse): boolean {
  return res.headersSent || res.writableEnded;
}

/** Write a JSON answer (nothing once the request was answered). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
  contentType = 'application/json',
): void {
  if (answered(res)) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Write an answer without a body (202 of task resources, 204 of DELETE). */
export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (answered(res)) return;
  res.writeHead(status, { ...headers, 'Content-Length': 0 });
  res.end();
}

/** Write a ProblemError as `application/problem+json` (IETF RFC 7807 §3). */
export function sendProblem(
  res: ServerResponse,
  err: ProblemError,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(
    res,
    err.status,
    err.toProblemDetails(),
    { ...headers, ...err.headers },
    'application/problem+json',
  );
}
