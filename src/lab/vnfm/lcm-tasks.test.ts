import { afterEach, describe, expect, it } from 'vitest';
import type { Server, ServerCreateRequest } from '../vim/vim.js';
import { FakeVim } from '../../../test/fakes/lab/fake-vim.js';
import { type LabFixture, startLabFixture } from '../../../test/fakes/sol003/lab-api.js';
import { mergePatch } from './lcm-engine.js';

/** A FakeVim whose createServer waits until released (to catch an operation mid-flight). */
class GatedVim extends FakeVim {
  private gate: (() => void) | null = null;
  gated = false;
  override async createServer(req: ServerCreateRequest): Promise<Server> {
    if (this.gated) await new Promise<void>((resolve) => (this.gate = resolve));
    return super.createServer(req);
  }
  release(): void {
    this.gated = false;
    this.gate?.();
  }
}

let f: LabFixture;
afterEach(async () => {
  await f.close();
});

describe('lab VNFM: PATCH (modify VNF information)', () => {
  it('runs a MODIFY_INFO occurrence that applies name, description, metadata (merge patch) and vimConnectionInfo', async () => {
    f = await startLabFixture();
    const inst = await f.created('before');
    await f.call(
      'PATCH',
      inst,
      { metadata: { keep: 1, drop: 2, nested: { a: 1 } } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    const res = await f.call(
      'PATCH',
      inst,
      {
        vnfInstanceName: 'after',
        vnfInstanceDescription: 'changed',
        metadata: { drop: null, nested: { b: 2 }, added: 'x' },
        vimConnectionInfo: { vim2: { vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3' } },
      },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(res.status).toBe(202);
    const occ = await f.settle(res.headers.get('location'));
    expect(occ).toMatchObject({
      operation: 'MODIFY_INFO',
      operationState: 'COMPLETED',
      changedInfo: { vnfInstanceName: 'after', vnfInstanceDescription: 'changed' },
    });
    const view = (await f.call('GET', inst)).body;
    expect(view).toMatchObject({
      vnfInstanceName: 'after',
      vnfInstanceDescription: 'changed',
      metadata: { keep: 1, nested: { a: 1, b: 2 }, added: 'x' },
      vimConnectionInfo: { vim2: { vimType: 'ETSINFV.OPENSTACK_KEYSTONE.V_3' } },
    });
    expect((view.metadata as Record<string, unknown>).drop).toBeUndefined();
    const removed = await f.call('PATCH', inst, { vimConnectionInfo: { vim2: null } });
    await f.settle(removed.headers.get('location'));
    expect((await f.call('GET', inst)).body.vimConnectionInfo).toBeUndefined();
  });

  it('refuses a malformed modification (400) and one while another operation is open (409)', async () => {
    const vim = new GatedVim();
    f = await startLabFixture({}, vim);
    const inst = await f.created();
    expect((await f.call('PATCH', inst, { vnfInstanceName: 7 })).status).toBe(400);
    vim.gated = true;
    const inst2 = await f.call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    expect(inst2.status).toBe(202);
    expect((await f.call('PATCH', inst, { vnfInstanceName: 'x' })).status).toBe(409);
    vim.release();
    await f.settle(inst2.headers.get('location'));
  });

  it('merges as RFC 7396 says', () => {
    expect(mergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })).toEqual({
      a: 'z',
      c: { d: 'e' },
    });
    expect(mergePatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
    expect(mergePatch({ a: 'x' }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });
});

describe('lab VNFM: retry, cancel, rollback, fail', () => {
  it('retries a FAILED_TEMP instantiation: releases the first attempt, then completes', async () => {
    f = await startLabFixture();
    const inst = await f.created();
    f.vim.failNext('createServer', 'No valid host was found');
    const res = await f.call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    const location = res.headers.get('location');
    const failed = await f.settle(location);
    expect(failed.operationState).toBe('FAILED_TEMP');
    expect(Object.keys(failed._links as object)).toEqual(
      expect.arrayContaining(['retry', 'fail', 'rollback']),
    );
    const occPath = new URL(location ?? '').pathname;
    const retried = await f.call('POST', `${occPath}/retry`);
    expect(retried.status).toBe(202);
    const done = await f.settle(location);
    expect(done.operationState).toBe('COMPLETED');
    expect(done.error).toBeUndefined();
    expect((await f.call('GET', inst)).body.instantiationState).toBe('INSTANTIATED');
    expect((await f.vim.listServers()).length).toBe(1);
    // Not FAILED_TEMP any more: retry, rollback, fail are 409.
    for (const task of ['retry', 'rollback', 'fail']) {
      const refused = await f.call('POST', `${occPath}/${task}`);
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('cancels a PROCESSING instantiation: FAILED_TEMP with the cancellation as error; then rollback', async () => {
    const vim = new GatedVim();
    f = await startLabFixture({}, vim);
    const inst = await f.created();
    vim.gated = true;
    const res = await f.call('POST', `${inst}/instantiate`, { flavourId: 'default' });
    const location = res.headers.get('location') ?? '';
    const occPath = new URL(location).pathname;
    // The VIM call is in flight: the occurrence is PROCESSING and offers cancel.
    let occ = (await f.call('GET', occPath)).body;
    for (let i = 0; occ.operationState !== 'PROCESSING' && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      occ = (await f.call('GET', occPath)).body;
    }
    expect(occ.operationState).toBe('PROCESSING');
    expect(occ._links).toHaveProperty('cancel');
    expect((await f.call('POST', `${occPath}/cancel`, {})).status).toBe(400);
    expect((await f.call('POST', `${occPath}/cancel`, { cancelMode: 'FORCEFUL' })).status).toBe(202);
    const pending = (await f.call('GET', occPath)).body;
    expect(pending).toMatchObject({ isCancelPending: true, cancelMode: 'FORCEFUL' });
    expect((await f.call('POST', `${occPath}/cancel`, { cancelMode: 'FORCEFUL' })).status).toBe(409);
    vim.release();
    const cancelled = await f.settle(location);
    expect(cancelled.operationState).toBe('FAILED_TEMP');
    expect(cancelled.isCancelPending).toBe(false);
    expect((cancelled.error as { detail: string }).detail).toContain('cancelled');
    // The server created before the cancellation took effect is released by the rollback.
    expect((await f.call('POST', `${occPath}/rollback`)).status).toBe(202);
    expect((await f.settle(location)).operationState).toBe('ROLLED_BACK');
    expect(await f.vim.listServers()).toEqual([]);
    expect((await f.call('POST', `${occPath}/cancel`, { cancelMode: 'GRACEFUL' })).status).toBe(409);
  });

  it('refuses cancel of a COMPLETED occurrence and tasks on an unknown one (404)', async () => {
    f = await startLabFixture();
    const inst = await f.instantiated();
    const ops = (await f.call('GET', `/vnflcm/v2/vnf_lcm_op_occs`)).body as unknown as { id: string }[];
    const occPath = `/vnflcm/v2/vnf_lcm_op_occs/${ops[0]?.id}`;
    expect((await f.call('POST', `${occPath}/cancel`, { cancelMode: 'GRACEFUL' })).status).toBe(409);
    expect((await f.call('POST', '/vnflcm/v2/vnf_lcm_op_occs/none/retry')).status).toBe(404);
    expect(inst).toContain('/vnf_instances/');
  });
});
