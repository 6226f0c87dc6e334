import { afterEach, describe, expect, it } from 'vitest';
import { monoNs } from '../../util/clock.js';
import { QmpError } from './errors.js';
import { FakeQmpServer } from '../../../test/fakes/qmp/fake-qmp.js';
import { QmpClient, type QmpEvent } from './qmp-client.js';

describe('QmpClient', () => {
  let server: FakeQmpServer | null = null;
  let client: QmpClient | null = null;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = null;
    server = null;
  });

  const start = async (handler: ConstructorParameters<typeof FakeQmpServer>[0]): Promise<QmpClient> => {
    server = new FakeQmpServer(handler);
    await server.listen();
    client = await QmpClient.connect(server.path, { timeoutMs: 2000 });
    return client;
  };

  it('negotiates capabilities, then answers commands with their return value', async () => {
    const qmp = await start((command) =>
      command === 'query-status' ? { return: { running: true, status: 'running' } } : { return: {} },
    );
    expect(server?.commands[0]?.command).toBe('qmp_capabilities');
    await expect(qmp.execute('query-status')).resolves.toEqual({ running: true, status: 'running' });
    await qmp.execute('migrate-set-parameters', { 'downtime-limit': 300 });
    expect(server?.commands.at(-1)).toEqual({
      command: 'migrate-set-parameters',
      args: { 'downtime-limit': 300 },
    });
  });

  it("rejects with QEMU's error class and description", async () => {
    const qmp = await start(() => ({ error: { class: 'GenericError', desc: 'Migration is disabled' } }));
    const err = await qmp.execute('migrate', { uri: 'tcp:1.2.3.4:5' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpError);
    expect(err).toMatchObject({ code: 'QMP_COMMAND_FAILED', qmpClass: 'GenericError' });
    expect((err as Error).message).toBe('migrate: Migration is disabled');
  });

  it('stamps events with the monotonic clock on arrival', async () => {
    const qmp = await start(() => ({ return: {} }));
    const events: QmpEvent[] = [];
    qmp.onEvent((e) => events.push(e));
    const before = monoNs();
    server?.emit('STOP');
    server?.emit('MIGRATION', { status: 'completed' });
    await qmp.execute('query-status'); // answered after the events: they have arrived
    expect(events.map((e) => e.event)).toEqual(['STOP', 'MIGRATION']);
    expect(events[1]?.data).toEqual({ status: 'completed' });
    expect(events[0]!.receivedAtNs).toBeGreaterThanOrEqual(before);
    expect(events[0]!.receivedAtNs).toBeLessThanOrEqual(monoNs());
    expect(events[0]!.qemuTimestampUs).toBeGreaterThan(0);
    // QEMU's instant, on the monotonic clock: never after receipt, and close to it here (no loop delay).
    expect(events[0]!.occurredAtNs).toBeLessThanOrEqual(events[0]!.receivedAtNs);
    expect(events[0]!.occurredAtNs).toBeGreaterThan(before - 5_000_000n);
  });

  it('times out a command QEMU does not answer, and a closed connection fails pending and later commands', async () => {
    const qmp = await start((command) => (command === 'slow' ? 'no-answer' : { return: {} }));
    await expect(qmp.execute('slow', undefined, 50)).rejects.toMatchObject({ code: 'QMP_TIMEOUT' });
    const pending = qmp.execute('slow', undefined, 5000);
    server?.disconnect();
    await expect(pending).rejects.toMatchObject({ code: 'QMP_CLOSED' });
    await qmp.closed;
    await expect(qmp.execute('query-status')).rejects.toMatchObject({ code: 'QMP_CLOSED' });
  });

  it('waits for the socket QEMU has not created yet, and gives up after the timeout', async () => {
    server = new FakeQmpServer(() => ({ return: {} }));
    const connecting = QmpClient.connect(server.path, { timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, 120));
    await server.listen();
    client = await connecting;
    await expect(client.execute('query-status')).resolves.toEqual({});
    await expect(QmpClient.connect(`${server.path}.none`, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'QMP_CONNECT_FAILED',
    });
  });
});
