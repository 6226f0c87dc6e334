/**
 * A scripted QMP server on a unix socket for unit tests: sends the greeting,
 * answers commands through a handler, and can emit events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type QmpHandler = (
  command: string,
  args: Record<string, unknown> | undefined,
) => { return: unknown } | { error: { class: string; desc: string } } | 'no-answer';

export class FakeQmpServer {
  readonly path: string;
  readonly commands: { command: string; args: Record<string, unknown> | undefined }[] = [];
  private readonly dir: string;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private handler: QmpHandler) {
    this.dir = mkdtempSync(join(tmpdir(), 'vnflab-qmp-'));
    this.path = join(this.dir, 'qmp.sock');
  }

  setHandler(handler: QmpHandler): void {
    this.handler = handler;
  }

  async listen(): Promise<void> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.setEncoding('utf8');
      socket.write(
        `${JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 } }, capabilities: [] } })}\n`,
      );
      let buf = '';
      socket.on('data', (chunk: string) => {
        buf += chunk;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const msg = JSON.parse(buf.slice(0, nl)) as {
            execute: string;
            arguments?: Record<string, unknown>;
            id?: unknown;
          };
          buf = buf.slice(nl + 1);
          this.commands.push({ command: msg.execute, args: msg.arguments });
          const answer =
            msg.execute === 'qmp_capabilities' ? { return: {} } : this.handler(msg.execute, msg.arguments);
          if (answer !== 'no-answer') socket.write(`${JSON.stringify({ ...answer, id: msg.id })}\n`);
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(this.path, resolve));
  }

  /** Send an event to every connected client. */
  emit(event: string, data: Record<string, unknown> = {}): void {
    const now = Date.now();
    const line = `${JSON.stringify({ event, data, timestamp: { seconds: Math.floor(now / 1000), microseconds: (now % 1000) * 1000 } })}\n`;
    for (const s of this.sockets) s.write(line);
  }

  /** Drop every client connection (QEMU exited). */
  disconnect(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.disconnect();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
