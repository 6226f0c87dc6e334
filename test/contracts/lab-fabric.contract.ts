/**
 * The lab's Fabric contract (src/lab/hypervisor/hypervisor.ts): one suite
 * every Fabric runs (hono's `common.case.test.ts` pattern, see STYLE.md).
 * What it checks is what LabVim and its migration runs rely on: a fixed
 * ingress per VM from attach on, the location learnt from the VM's latest
 * announcement (a migration's switch-over instant is read from it),
 * detach forgetting the VM, the management relay that survives a move, and,
 * where the fabric carries datagrams, delivery to the latest location only.
 * This module imports vitest: load it from test files only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { monoNs, sleep } from '../../src/util/clock.js';
import type { Endpoint } from '../../src/util/outcome.js';
import type { Fabric } from '../../src/lab/hypervisor/hypervisor.js';

/** Two places a VM can be (its data endpoint on one compute host or another). */
export type Place = 0 | 1;

/** The fabric under test, built once per suite. */
export interface FabricContractFixture {
  readonly fabric: Fabric;
  /**
   * Make the VM announce itself at `place` now, as a compute host does when
   * the VM starts or resumes there; resolves with the endpoint the fabric
   * should learn.
   */
  announce(vmId: string, place: Place): Promise<Endpoint>;
  /**
   * Replay an announcement of `place` stamped before the VM's latest one (a
   * late RARP). The stale-announcement test is skipped without it.
   */
  announceStale?(vmId: string, place: Place): Promise<void>;
  /** The data path, for a fabric that carries datagrams; the forwarding tests are skipped without it. */
  readonly dataPath?: {
    send(to: Endpoint, payload: string): Promise<void>;
    /** Payloads received at `place` so far, in arrival order. */
    received(place: Place): readonly string[];
  };
  /** Release everything the fixture started (the fabric may already be shut down). */
  close(): Promise<void>;
}

export interface FabricContractOptions {
  readonly name: string;
  create(): Promise<FabricContractFixture>;
  /** Longest the fabric may take to learn an announcement or deliver a datagram, ms (default 5000). */
  readonly learnTimeoutMs?: number;
  /** Skip the whole suite, saying why. */
  readonly skip?: string | false;
}

const sameEndpoint = (a: Endpoint | undefined, b: Endpoint): boolean =>
  a !== undefined && a.host === b.host && a.port === b.port;

export function runFabricContract(opts: FabricContractOptions): void {
  const learnMs = opts.learnTimeoutMs ?? 5_000;

  describe.skipIf(Boolean(opts.skip))(
    `Fabric contract: ${opts.name}${opts.skip ? ` (skipped: ${opts.skip})` : ''}`,
    () => {
      let fx: FabricContractFixture;
      const attached: string[] = [];
      beforeAll(async () => {
        fx = await opts.create();
      });
      afterEach(async () => {
        for (const vmId of attached.splice(0).reverse()) await fx.fabric.detach(vmId).catch(() => undefined);
      });
      afterAll(async () => {
        await fx?.close();
      });

      /** A VM id of this test, detached after it. */
      const vm = (label: string): string => {
        const vmId = `${label}-${randomUUID().slice(0, 8)}`;
        attached.push(vmId);
        return vmId;
      };

      async function until(cond: () => Promise<boolean> | boolean, what: string): Promise<void> {
        const deadline = Date.now() + learnMs;
        while (!(await cond())) {
          if (Date.now() > deadline) throw new Error(`${what}: not within ${learnMs} ms`);
          await sleep(5);
        }
      }

      /** Announce at `place` and wait until the fabric delivers there. */
      async function learnt(vmId: string, place: Place): Promise<{ endpoint: Endpoint; learntAtNs: string }> {
        const endpoint = await fx.announce(vmId, place);
        await until(
          async () => sameEndpoint((await fx.fabric.location(vmId))?.endpoint, endpoint),
          `location of ${vmId} at place ${place}`,
        );
        const location = await fx.fabric.location(vmId);
        if (location === null) throw new Error(`location of ${vmId} lost`);
        return location;
      }

      it('gives each VM a fixed ingress: the same one again on a second attach, another for another VM', async () => {
        const a = vm('a');
        const b = vm('b');
        const ingressA = await fx.fabric.attach(a);
        expect(ingressA.host).not.toBe('');
        expect(ingressA.port).toBeGreaterThanOrEqual(0);
        expect(await fx.fabric.attach(a)).toEqual(ingressA);
        const ingressB = await fx.fabric.attach(b);
        expect(sameEndpoint(ingressB, ingressA)).toBe(false);
      });

      it('knows no location before the VM announces itself, then the one it announced, stamped when learnt', async () => {
        const a = vm('a');
        await fx.fabric.attach(a);
        expect(await fx.fabric.location(a)).toBeNull();
        const beforeNs = monoNs();
        const at = await learnt(a, 0);
        expect(BigInt(at.learntAtNs)).toBeGreaterThanOrEqual(beforeNs);
        expect(BigInt(at.learntAtNs)).toBeLessThanOrEqual(monoNs());
      });

      it('follows the VM to where it announced itself last (a migration switch-over)', async () => {
        const a = vm('a');
        await fx.fabric.attach(a);
        const first = await learnt(a, 0);
        const second = await learnt(a, 1);
        expect(sameEndpoint(second.endpoint, first.endpoint)).toBe(false);
        expect(BigInt(second.learntAtNs)).toBeGreaterThan(BigInt(first.learntAtNs));
        const back = await learnt(a, 0);
        expect(back.endpoint).toEqual(first.endpoint);
      });

      it('ignores an announcement older than the one it learnt from', async (ctx) => {
        const announceStale = fx.announceStale?.bind(fx);
        if (announceStale === undefined) return ctx.skip();
        const a = vm('a');
        const barrier = vm('barrier');
        await fx.fabric.attach(a);
        await fx.fabric.attach(barrier);
        await learnt(a, 0);
        const current = await learnt(a, 1);
        await announceStale(a, 0);
        // Announcements are handled in order: once a later one is learnt, the stale one was seen.
        await learnt(barrier, 0);
        expect((await fx.fabric.location(a))?.endpoint).toEqual(current.endpoint);
      });

      it('forgets a detached VM: no location, detach again (or of a stranger) is harmless, a new attach starts afresh', async () => {
        const a = vm('a');
        await fx.fabric.attach(a);
        await learnt(a, 0);
        await fx.fabric.detach(a);
        expect(await fx.fabric.location(a)).toBeNull();
        await fx.fabric.detach(a);
        await fx.fabric.detach(`never-attached-${randomUUID()}`);
        const again = await fx.fabric.attach(a);
        expect(again.host).not.toBe('');
        expect(await fx.fabric.location(a)).toBeNull();
        await learnt(a, 1);
      });

      it('relays management at one address from attach on, through a move; none when not attached', async (ctx) => {
        const management = fx.fabric.management?.bind(fx.fabric);
        if (management === undefined) return ctx.skip();
        const a = vm('a');
        expect(await management(a)).toBeNull();
        await fx.fabric.attach(a);
        const relay = await management(a);
        expect(relay).not.toBeNull();
        await learnt(a, 0);
        await learnt(a, 1);
        expect(await management(a)).toEqual(relay);
        await fx.fabric.detach(a);
        expect(await management(a)).toBeNull();
      });

      // Whether a datagram sent before the location is known is dropped cannot be checked from outside:
      // the fabric judges it when it reads it, which on a loaded machine can be after it learnt the
      // location from the (separate) announcement socket. The process fabric's own test counts those drops.
      it("delivers what reaches the ingress to the VM's latest location only", async (ctx) => {
        const path = fx.dataPath;
        if (path === undefined) return ctx.skip();
        const a = vm('a');
        const ingress = await fx.fabric.attach(a);
        const tag = randomUUID().slice(0, 8);
        const seen = (place: Place, payload: string): boolean => path.received(place).includes(payload);
        await learnt(a, 0);
        await path.send(ingress, `${tag}-p0`);
        await until(() => seen(0, `${tag}-p0`), 'datagram at place 0');
        await learnt(a, 1);
        await path.send(ingress, `${tag}-p1`);
        await until(() => seen(1, `${tag}-p1`), 'datagram at place 1');
        expect(seen(0, `${tag}-p1`)).toBe(false);
        expect(path.received(0).filter((p) => p.startsWith(tag))).toEqual([`${tag}-p0`]);
      });

      it('delivers nothing for a detached VM', async (ctx) => {
        const path = fx.dataPath;
        if (path === undefined) return ctx.skip();
        const a = vm('a');
        const b = vm('b');
        const tag = randomUUID().slice(0, 8);
        const ingressA = await fx.fabric.attach(a);
        await learnt(a, 1);
        await fx.fabric.detach(a);
        await path.send(ingressA, `${tag}-after-detach`).catch(() => undefined);
        // A datagram through another VM's port to the same place marks when the first would have arrived.
        const ingressB = await fx.fabric.attach(b);
        await learnt(b, 1);
        await path.send(ingressB, `${tag}-barrier`);
        await until(() => path.received(1).includes(`${tag}-barrier`), 'barrier datagram');
        await sleep(20);
        expect(path.received(1).filter((p) => p.startsWith(tag))).toEqual([`${tag}-barrier`]);
      });

      // Last: the fabric is gone afterwards.
      it('shuts down; a second shutdown is harmless', async () => {
        const a = vm('a');
        await fx.fabric.attach(a);
        attached.length = 0;
        await fx.fabric.shutdown();
        await fx.fabric.shutdown();
      });
    },
  );
}
