/**
 * The SOL003 driver's notification endpoint (the NFVO side of SOL003
 * §5.4.20): a small HTTP server that answers the VNFM's test GET with 204
 * (§5.4.20.3.2) and takes VnfLcmOperationOccurrenceNotification POSTs
 * (§5.4.20.3.1, answered 204), checking the HTTP Basic credentials the
 * driver gave the VNFM in the subscription (SOL013 §8.3.4 paramsBasic).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LcmOperationStateType, ProblemDetails } from '../../protocols/sol003/sol003-types.js';

/** What the driver keeps of one occurrence notification. */
export interface OpOccNotice {
  readonly vnfLcmOpOccId: string;
  readonly vnfInstanceId: string;
  readonly operation: string;
  readonly operationState: LcmOperationStateType;
  readonly notificationStatus: 'START' | 'RESULT';
  readonly error?: ProblemDetails;
}

export interface NotificationListenerOptions {
  /**
   * The callbackUri the VNFM is given (SOL003 LccnSubscriptionRequest). Its
   * path is served; port 0 means "any free port", filled in once listening.
   */
  readonly callbackUrl: string;
  /** Address to listen on. Default: the callbackUrl's host when it is an IP literal, else 0.0.0.0. */
  readonly listenHost?: string;
  /** Port to listen on. Default: the callbackUrl's port (0 = any). */
  readonly listenPort?: number;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}

export class NotificationListener {
  /** The credentials the VNFM must present (given to it in the subscription). */
  readonly username = 'vnflab';
  readonly password = randomBytes(18).toString('base64url');
  private readonly handlers = new Set<(notice: OpOccNotice) => void>();
  /** How many requests were refused (bad credentials, malformed body): for diagnosis. */
  refused = 0;

  private constructor(
    private readonly server: Server,
    /** The callbackUri to subscribe with (actual port filled in). */
    readonly callbackUri: string,
  ) {}

  static async start(opts: NotificationListenerOptions): Promise<NotificationListener> {
    const url = new URL(opts.callbackUrl);
    const host =
      opts.listenHost ?? (isIpLiteral(url.hostname) ? url.hostname.replace(/^\[|\]$/g, '') : '0.0.0.0');
    const port =
      opts.listenPort ?? (url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port));
    let listener: NotificationListener | null = null;
    const server = createServer((req, res) => {
      void listener?.handle(req).then(
        (status) => {
          res.writeHead(status, status === 401 ? { 'WWW-Authenticate': 'Basic realm="vnflab"' } : {});
          res.end();
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (url.port === '0' || (opts.listenPort === 0 && url.port === '')) {
      url.port = String((server.address() as AddressInfo).port);
    }
    listener = new NotificationListener(server, url.href);
    return listener;
  }

  /** Call `handler` for every occurrence notification; returns the unsubscribe function. */
  onOpOcc(handler: (notice: OpOccNotice) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 1024 * 1024) return 413;
      chunks.push(chunk);
    }
    if (new URL(req.url ?? '/', 'http://x').pathname !== new URL(this.callbackUri).pathname) return 404;
    if (!this.authorized(req.headers.authorization)) {
      this.refused++;
      return 401;
    }
    if (req.method === 'GET') return 204;
    if (req.method !== 'POST') return 405;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      this.refused++;
      return 400;
    }
    if (body.notificationType === 'VnfLcmOperationOccurrenceNotification') {
      const notice = body as unknown as OpOccNotice;
      if (typeof notice.vnfLcmOpOccId !== 'string' || typeof notice.operationState !== 'string') {
        this.refused++;
        return 400;
      }
      for (const handler of this.handlers) handler(notice);
    }
    // Other notification types are acknowledged and ignored (SOL003: 204 for any accepted notification).
    return 204;
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (!match?.[1]) return false;
    const text = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = text.indexOf(':');
    return (
      colon >= 0 &&
      sameSecret(text.slice(0, colon), this.username) &&
      sameSecret(text.slice(colon + 1), this.password)
    );
  }
}
