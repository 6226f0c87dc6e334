// Test support: a lab VNFM on a FakeVim, and a small SOL003 client for it.
import { FakeVim } from '../lab/fake-vim.js';
import { type LabVnfm, type LabVnfmOptions, startLabVnfm } from '../../../src/lab/vnfm/server.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { detail?: string };
}

export interface LabFixture {
  readonly vim: FakeVim;
  readonly lab: LabVnfm;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** Poll an occurrence until it leaves STARTING / PROCESSING / ROLLING_BACK. */
  settle(location: string | null): Promise<Answer['body']>;
  /** Create an instance of the UDP forwarder; its path. */
  created(name?: string): Promise<string>;
  /** Create and instantiate; the instance's path. */
  instantiated(): Promise<string>;
  close(): Promise<void>;
}

export async function startLabFixture(
  options: Partial<LabVnfmOptions> = {},
  vim = new FakeVim(),
): Promise<LabFixture> {
  const lab = await startLabVnfm({ vim, ...options });
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const res = await fetch(`${lab.apiRoot}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        Version: '2.0.0',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Answer['body']) : {},
    };
  };
  const settle = async (location: string | null): Promise<Answer['body']> => {
    const path = new URL(location ?? '').pathname;
    for (let i = 0; i < 400; i++) {
      const { body } = await call('GET', path);
      if (!['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(body.operationState as string)) return body;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('operation did not settle');
  };
  const created = async (name = 't'): Promise<string> => {
    const { status, body } = await call('POST', '/vnflcm/v2/vnf_instances', {
      vnfdId: 'vnfd-vnflab-udp-fwd',
      vnfInstanceName: name,
    });
    if (status !== 201) throw new Error(`create answered ${status}`);
    return `/vnflcm/v2/vnf_instances/${body.id as string}`;
  };
  const instantiated = async (): Promise<string> => {
    const inst = await created();
    const res = await call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    const occ = await settle(res.headers.get('location'));
    if (occ.operationState !== 'COMPLETED')
      throw new Error(`instantiate ended ${String(occ.operationState)}`);
    return inst;
  };
  return {
    vim,
    lab,
    call,
    settle,
    created,
    instantiated,
    async close() {
      await lab.close();
      await vim.close();
    },
  };
}
