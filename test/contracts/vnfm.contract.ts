/**
 * The Vnfm port's conformance suite (hono's `common.case.test.ts` pattern):
 * every Vnfm driver, against every backend, runs it from a five-line test.
 * It walks the spec's LCM path (create, instantiate -> Inactive, start ->
 * Active, stop, terminate, delete) and the refusals a harness relies on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LcmOperation, Vnfm, VnfRecord } from '../../src/ports/vnfm.js';

/** One backend under test, fresh per test case. */
export interface VnfmContractSubject {
  readonly vnfm: Vnfm;
  /** A VNFD the backend can instantiate. */
  readonly vnfdId: string;
  /** A software image that VNFD declares. */
  readonly swImageId: string;
  readonly flavourId: string;
  /** Extra additionalParams the backend needs to instantiate (e.g. a real VNFM's VIM inputs). */
  readonly additionalParams?: Record<string, unknown>;
  /** Release the backend (VNFM, VIM, driver). */
  close(): Promise<void>;
}

export interface VnfmContractOptions {
  readonly name: string;
  create(): Promise<VnfmContractSubject>;
  /** Longest an LCM operation may take. Default 10 000 ms. */
  readonly operationTimeoutMs?: number;
}

const FINAL_STATES = new Set(['COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLED_BACK']);

async function settle(vnfm: Vnfm, op: LcmOperation, timeoutMs: number): Promise<LcmOperation> {
  const deadline = Date.now() + timeoutMs;
  let current = op;
  while (!FINAL_STATES.has(current.state)) {
    if (Date.now() > deadline)
      throw new Error(`LCM operation ${op.id} still ${current.state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    current = await vnfm.getLcmOperation(op.id);
  }
  return current;
}

export function runVnfmContract(opts: VnfmContractOptions): void {
  const timeoutMs = opts.operationTimeoutMs ?? 10_000;

  describe(`Vnfm contract: ${opts.name}`, () => {
    let subject: VnfmContractSubject | null = null;
    const records: VnfRecord[] = [];

    const open = async (): Promise<VnfmContractSubject> => {
      subject = await opts.create();
      return subject;
    };
    const createRecord = async (s: VnfmContractSubject, label: string): Promise<VnfRecord> => {
      const vnf = await s.vnfm.createVnfRecord({ vnfdId: s.vnfdId, vnfInstanceName: `contract-${label}` });
      records.push(vnf);
      return vnf;
    };
    const instantiate = (s: VnfmContractSubject, vnf: VnfRecord, swImageId = s.swImageId) =>
      s.vnfm.instantiate(vnf, {
        flavourId: s.flavourId,
        swImageId,
        ...(s.additionalParams !== undefined ? { additionalParams: s.additionalParams } : {}),
      });

    afterEach(async () => {
      // Leave nothing behind on the backend, even after a failed assertion.
      const s = subject;
      subject = null;
      if (!s) return;
      try {
        for (const vnf of records.splice(0)) {
          try {
            const state = await s.vnfm.getVnfState(vnf);
            if (state.instantiationState === 'INSTANTIATED')
              await settle(s.vnfm, await s.vnfm.terminate(vnf), timeoutMs);
            await s.vnfm.deleteVnfRecord(vnf);
          } catch {
            // Already gone, or the test deleted it.
          }
        }
        await s.vnfm.close();
      } finally {
        await s.close();
      }
    });

    it('walks create, instantiate (Inactive), start (Active), stop, terminate, delete', async () => {
      const s = await open();
      const { vnfm } = s;
      const vnf = await createRecord(s, 'lifecycle');
      expect(vnf.vnfInstanceId).not.toBe('');
      expect(vnf.vnfdId).toBe(s.vnfdId);
      expect((await vnfm.getVnfState(vnf)).state).toBe('NOT_INSTANTIATED');

      const instantiation = await instantiate(s, vnf);
      expect(instantiation.operation).toBe('INSTANTIATE');
      expect((await settle(vnfm, instantiation, timeoutMs)).state).toBe('COMPLETED');
      expect(await vnfm.getVnfState(vnf)).toMatchObject({
        state: 'INACTIVE',
        instantiationState: 'INSTANTIATED',
        vnfState: 'STOPPED',
      });

      const vnfd = await vnfm.getVnfdVResourceList(s.vnfdId);
      expect(vnfd.vnfdId).toBe(s.vnfdId);
      expect(vnfd.flavourId).toBe(s.flavourId);
      expect(vnfd.vdus.some((vdu) => vdu.swImageId === s.swImageId)).toBe(true);
      for (const vdu of vnfd.vdus) {
        expect(vdu.vCpu).toBeGreaterThan(0);
        expect(vdu.memoryMiB).toBeGreaterThan(0);
      }

      const start = await vnfm.start(vnf);
      expect(start.operation).toBe('OPERATE');
      expect((await settle(vnfm, start, timeoutMs)).state).toBe('COMPLETED');
      expect(await vnfm.getVnfState(vnf)).toMatchObject({ state: 'ACTIVE', vnfState: 'STARTED' });

      const resources = await vnfm.getVResourceList(vnf);
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) {
        expect(r.id).not.toBe('');
        expect(r.host).not.toBe('');
        expect(r.vnfcId).not.toBe('');
        expect(r.computeResourceId).not.toBe('');
      }
      expect(new Set(resources.map((r) => `${r.kind}/${r.id}`)).size).toBe(resources.length);
      // Where a kind is itemised, it adds up to what the VNFD declares.
      const declared = {
        vCPU: vnfd.vdus.reduce((a, v) => a + v.vCpu, 0),
        vMemory: vnfd.vdus.reduce((a, v) => a + v.memoryMiB, 0),
        vStorage: vnfd.vdus.reduce((a, v) => a + v.storageGiB, 0),
        vNIC: vnfd.vdus.reduce((a, v) => a + v.nics, 0),
      };
      for (const kind of ['vCPU', 'vMemory', 'vStorage', 'vNIC'] as const) {
        const ofKind = resources.filter((r) => r.kind === kind);
        if (ofKind.length > 0) expect(ofKind.reduce((a, r) => a + r.amount, 0)).toBe(declared[kind]);
      }

      const stop = await vnfm.stop(vnf);
      expect((await settle(vnfm, stop, timeoutMs)).state).toBe('COMPLETED');
      expect((await vnfm.getVnfState(vnf)).state).toBe('INACTIVE');

      const termination = await vnfm.terminate(vnf);
      expect(termination.operation).toBe('TERMINATE');
      expect((await settle(vnfm, termination, timeoutMs)).state).toBe('COMPLETED');
      expect((await vnfm.getVnfState(vnf)).state).toBe('NOT_INSTANTIATED');
      expect(await vnfm.getVResourceList(vnf)).toEqual([]);

      await vnfm.deleteVnfRecord(vnf);
      await expect(vnfm.getVnfState(vnf)).rejects.toThrow();
    });

    it('fails instantiation from a software image the VNFD does not declare, with a reason', async () => {
      const s = await open();
      const vnf = await createRecord(s, 'bad-image');
      const wrongImage = `${s.swImageId}-no-such-image`;
      // Either the request is refused or the operation fails; both must name the image.
      const reason = await instantiate(s, vnf, wrongImage).then(
        async (op) => {
          const settled = await settle(s.vnfm, op, timeoutMs);
          expect(settled.state).not.toBe('COMPLETED');
          return settled.error ?? '';
        },
        (err: Error) => err.message,
      );
      expect(reason).toContain(wrongImage);
      const state = await s.vnfm.getVnfState(vnf);
      expect(state.instantiationState).toBe('NOT_INSTANTIATED');
      // The record can still be deleted (the cleanup path of a failed run).
      await s.vnfm.deleteVnfRecord(vnf);
      await expect(s.vnfm.getVnfState(vnf)).rejects.toThrow();
    });

    it('refuses to delete an instantiated VNF, and to start one that is not instantiated', async () => {
      const s = await open();
      const vnf = await createRecord(s, 'refusals');
      await expect(s.vnfm.start(vnf)).rejects.toThrow();
      expect((await settle(s.vnfm, await instantiate(s, vnf), timeoutMs)).state).toBe('COMPLETED');
      await expect(s.vnfm.deleteVnfRecord(vnf)).rejects.toThrow();
      expect((await s.vnfm.getVnfState(vnf)).state).toBe('INACTIVE');
    });

    it('reports an unknown VNF instance as an error', async () => {
      const s = await open();
      const ghost: VnfRecord = {
        vnfInstanceId: '00000000-0000-4000-8000-000000000000',
        vnfdId: s.vnfdId,
        vnfInstanceName: 'ghost',
      };
      await expect(s.vnfm.getVnfState(ghost)).rejects.toThrow();
      await expect(s.vnfm.getVResourceList(ghost)).rejects.toThrow();
      await expect(s.vnfm.start(ghost)).rejects.toThrow();
      await expect(s.vnfm.getLcmOperation('00000000-0000-4000-8000-000000000001')).rejects.toThrow();
    });
  });
}
