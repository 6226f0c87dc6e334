/**
 * The memory-diff experiment of the QEMU lab (docs/qemu-lab.md, "Guest
 * faults after a move"): N live migrations of one routing guest back and
 * forth under the built-in traffic, with the lab's verifyMemory on: the
 * destination waits paused after each migration until the guest's RAM on
 * both sides is dumped (QMP pmemsave). Prints, per move, the 4 KiB pages
 * that differ between the source's RAM (stopped for good) and the
 * destination's, and whether the guest still forwards afterwards. A correct
 * migration leaves 0 differing pages.
 *
 *   npx tsx scripts/qemu/memory-diff.ts [moves=10] [rateHz=10000] [memoryMiB=128]
 */
import { open, readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cleanupQemuLabs, QEMU_RUN_ROOT } from '../../src/lab/hypervisor/qemu/cleanup.js';
import { startQemuLab } from '../../src/lab/hypervisor/qemu/qemu-lab.js';
import { LabVim } from '../../src/lab/vim/lab-vim.js';
import type { VimMigration } from '../../src/lab/vim/vim.js';
import { BuiltinTraffic } from '../../src/traffic/builtin-traffic.js';
import { sleep } from '../../src/util/clock.js';

const moves = Number(process.argv[2] ?? 10);
const rateHz = Number(process.argv[3] ?? 10_000);
const memoryMiB = Number(process.argv[4] ?? 128);
const PAGE = 4096;

async function finished(vim: LabVim, serverId: string, id: number): Promise<VimMigration> {
  for (;;) {
    const m = await vim.getMigration(serverId, id);
    if (m !== null && !['queued', 'preparing', 'running'].includes(m.status)) return m;
    await sleep(50);
  }
}

/** 4 KiB pages that differ between two RAM dumps (and the first few, as guest-physical addresses). */
async function differingPages(a: string, b: string): Promise<{ pages: number; first: string[] }> {
  const fa = await open(a, 'r');
  const fb = await open(b, 'r');
  const chunk = 1024 * PAGE;
  const ba = Buffer.alloc(chunk);
  const bb = Buffer.alloc(chunk);
  let pages = 0;
  const first: string[] = [];
  try {
    for (let off = 0; ; off += chunk) {
      const { bytesRead: na } = await fa.read(ba, 0, chunk, off);
      const { bytesRead: nb } = await fb.read(bb, 0, chunk, off);
      if (na === 0 && nb === 0) break;
      for (let p = 0; p < Math.max(na, nb); p += PAGE) {
        if (ba.compare(bb, p, p + PAGE, p, p + PAGE) !== 0) {
          pages++;
          if (first.length < 5) first.push(`0x${(off + p).toString(16)}`);
        }
      }
    }
  } finally {
    await fa.close();
    await fb.close();
  }
  return { pages, first };
}

const qemuVersion = execFileSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' }).split('\n')[0];
await cleanupQemuLabs();
const lab = await startQemuLab({ hosts: 2, verifyMemory: true });
const runDir = join(QEMU_RUN_ROOT, lab.labId);
const vim = new LabVim({
  hosts: lab.hosts,
  fabric: lab.fabric,
  migrationDefaults: { bandwidthBytesPerSec: 128 * 1024 * 1024, downtimeLimitMs: 300 },
  incomingTimeoutMs: 60_000,
  firstForwardTimeoutMs: 5_000,
});
const traffic = new BuiltinTraffic({
  sinkHost: lab.trafficEndpoints.sinkHost,
  sourceHost: lab.trafficEndpoints.sourceHost,
});
const loadAtStart = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
let corrupted = 0;
let dead = 0;
let done = 0;
try {
  const { sink } = await traffic.prepare();
  const created = await vim.createServer({
    name: 'vnf-memdiff',
    imageId: 'vnflab-busybox-router',
    flavor: { vCpu: 1, memoryMiB, storageGiB: 1, nics: 2 },
    vnf: { egress: sink, dirtyPagesPerSec: 0 },
    liveMigratable: true,
  });
  const server = await vim.startServer(created.id);
  await traffic.configTrafficLoad('NORMAL', {
    loadLevels: { LOW: 1000, NORMAL: rateHz, MAX: rateHz },
    packetSizeBytes: 64,
    flows: 1,
    target: server.dataPlane!.ingress,
  });
  await traffic.startTraffic('warmup');
  await sleep(1000);
  for (let t = 1; t <= moves; t++) {
    const started = await vim.liveMigrate(server.id);
    const m = await finished(vim, server.id, started.id);
    if (m.status !== 'completed') throw new Error(`move ${t}: migration ${m.status}: ${m.error ?? ''}`);
    const files = await readdir(runDir);
    const src = files.find((f) => f.endsWith('.source.ram'));
    const dst = files.find((f) => f.endsWith('.destination.ram'));
    const diff =
      src && dst ? await differingPages(join(runDir, src), join(runDir, dst)) : { pages: -1, first: [] };
    await traffic.clearCounters(`settle-${t}`);
    await sleep(1500);
    const settled = await traffic.clearCounters(`after-${t}`);
    let alive = settled !== null && settled.received > 0;
    if (!alive) {
      // Late or dead? Another 5 s, then the destination's console.
      await sleep(5000);
      const later = await traffic.clearCounters(`late-${t}`);
      console.log(
        `move ${t}: nothing forwarded within 1.5 s; in the next 5 s: ${later?.received ?? 0} received`,
      );
      alive = (later?.received ?? 0) > 0;
      for (const f of (await readdir(runDir)).filter((x) => x.endsWith('.console')))
        console.log(
          `--- ${f}:\n${execFileSync('tail', ['-n', '15', join(runDir, f)], { encoding: 'utf8' })}`,
        );
    }
    done++;
    if (diff.pages > 0) corrupted++;
    if (!alive) dead++;
    console.log(
      `move ${t}: ${m.sourceHost} -> ${m.destHost}: ${diff.pages} differing 4 KiB pages${diff.first.length ? ` (first at ${diff.first.join(', ')})` : ''}, memoryVerified ${String(m.memoryVerified ?? null)}, guest ${alive ? 'forwards' : 'DEAD (forwards nothing)'}`,
    );
    if (!alive) break;
  }
} finally {
  await traffic.close().catch(() => undefined);
  await vim.close().catch(() => undefined);
  await lab.stop();
}
console.log(
  `${qemuVersion}; guest ${memoryMiB} MiB TCG, ${rateHz} packets/s; ${done} moves: ${corrupted} with differing RAM, ${dead} guest deaths; load average at start ${loadAtStart}, at end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
