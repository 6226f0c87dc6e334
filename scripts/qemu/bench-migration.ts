/**
 * QEMU lab benchmark for BENCHMARKS.md: N live migrations (default 5) of one
 * routing guest back and forth between two host namespaces under the
 * built-in traffic, through LabVim; per trial QEMU's downtime / total-time
 * and the measured disruption (RFC 6201 frame-loss and timestamp methods),
 * then mean, min, max.
 *
 *   npx tsx scripts/qemu/bench-migration.ts [trials=5] [rateHz=10000] [memoryMiB=128] \
 *     [bandwidthMiBps=128] [downtimeLimitMs=300]
 *
 * (npm run bench:qemu -- ...). The defaults are QEMU's own max-bandwidth and
 * downtime-limit; `vnflab run --lab qemu` uses the config's (256, 30).
 */
import { cpus, loadavg } from 'node:os';
import { cleanupQemuLabs } from '../../src/lab/hypervisor/qemu/cleanup.js';
import { startQemuLab } from '../../src/lab/hypervisor/qemu/qemu-lab.js';
import { LabVim } from '../../src/lab/vim/lab-vim.js';
import type { VimMigration } from '../../src/lab/vim/vim.js';
import { BuiltinTraffic } from '../../src/traffic/builtin-traffic.js';
import { sleep } from '../../src/util/clock.js';

const trials = Number(process.argv[2] ?? 5);
const rateHz = Number(process.argv[3] ?? 10_000);
const memoryMiB = Number(process.argv[4] ?? 128);
const bandwidthMiBps = Number(process.argv[5] ?? 128);
const downtimeLimitMs = Number(process.argv[6] ?? 300);
const packetSizeBytes = 64;

interface Trial {
  readonly qemuDowntimeMs: number | null;
  readonly qemuTotalTimeMs: number | null;
  readonly qemuSetupTimeMs: number | null;
  readonly ramTransferredMiB: number | null;
  readonly vimDowntimeMs: number | null;
  readonly lossDerivedMs: number | null;
  readonly gapDerivedMs: number | null;
  readonly lost: number | null;
}

async function finished(vim: LabVim, serverId: string, id: number): Promise<VimMigration> {
  for (;;) {
    const m = await vim.getMigration(serverId, id);
    if (m !== null && !['queued', 'preparing', 'running'].includes(m.status)) return m;
    await sleep(50);
  }
}

function summary(values: readonly (number | null)[]): string {
  const v = values.filter((x): x is number => x !== null);
  if (v.length === 0) return 'n/a';
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return `${mean.toFixed(1)} (${Math.min(...v).toFixed(1)} - ${Math.max(...v).toFixed(1)})`;
}

await cleanupQemuLabs();
const lab = await startQemuLab({ hosts: 2 });
const vim = new LabVim({
  hosts: lab.hosts,
  fabric: lab.fabric,
  migrationDefaults: { bandwidthBytesPerSec: bandwidthMiBps * 1024 * 1024, downtimeLimitMs },
  incomingTimeoutMs: 30_000,
  firstForwardTimeoutMs: 5_000,
});
const traffic = new BuiltinTraffic({
  sinkHost: lab.trafficEndpoints.sinkHost,
  sourceHost: lab.trafficEndpoints.sourceHost,
});
const results: Trial[] = [];
// The TCG guest competes with everything else for 2 cores: say how loaded the machine was.
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadAtStart = load();
try {
  const { sink } = await traffic.prepare();
  const created = await vim.createServer({
    name: 'vnf-bench',
    imageId: 'vnflab-busybox-router',
    flavor: { vCpu: 1, memoryMiB, storageGiB: 1, nics: 2 },
    vnf: { egress: sink, dirtyPagesPerSec: 0 },
    liveMigratable: true,
  });
  const server = await vim.startServer(created.id);
  await traffic.configTrafficLoad('NORMAL', {
    loadLevels: { LOW: 1000, NORMAL: rateHz, MAX: rateHz },
    packetSizeBytes,
    flows: 1,
    target: server.dataPlane!.ingress,
  });
  await traffic.startTraffic('warmup');
  await sleep(1000);
  for (let t = 1; t <= trials; t++) {
    await traffic.clearCounters(`migration-${t}`);
    const started = await vim.liveMigrate(server.id);
    const m = await finished(vim, server.id, started.id);
    if (m.status !== 'completed') throw new Error(`trial ${t}: migration ${m.status}: ${m.error ?? ''}`);
    await sleep(500);
    await traffic.clearCounters(`settle-${t}`);
    await sleep(1000);
    // A guest that forwards nothing after the move died (docs/qemu-lab.md, known problem): its figures mean nothing.
    const settled = await traffic.clearCounters(`between-${t}`);
    if (settled !== null && settled.received === 0)
      throw new Error(`trial ${t}: the guest forwards nothing since the migration (guest dead)`);
    const d = await traffic.calculateServiceDisruptionLength(`migration-${t}`);
    const q = lab.migrationRecord(server.id);
    const trial: Trial = {
      qemuDowntimeMs: q?.stats.downtimeMs ?? null,
      qemuTotalTimeMs: q?.stats.totalTimeMs ?? null,
      qemuSetupTimeMs: q?.stats.setupTimeMs ?? null,
      ramTransferredMiB: q?.stats.ramTransferredBytes == null ? null : q.stats.ramTransferredBytes / 1048576,
      vimDowntimeMs: m.downtimeMs,
      lossDerivedMs: d?.lossDerivedMs ?? null,
      gapDerivedMs: d?.gapDerivedMs ?? null,
      lost: d?.lost ?? null,
    };
    results.push(trial);
    console.log(`trial ${t}: ${m.sourceHost} -> ${m.destHost} ${JSON.stringify(trial)}`);
  }
  const totals = await traffic.stopTraffic();
  const settleLost = totals.windows
    .filter((w) => w.name.startsWith('settle-'))
    .reduce((a, w) => a + w.lost, 0);
  console.log(
    `\nguest ${memoryMiB} MiB, 1 vCPU (TCG), ${rateHz} packets/s x ${packetSizeBytes} B, ${trials} trials; ` +
      `max-bandwidth ${bandwidthMiBps} MiB/s, downtime-limit ${downtimeLimitMs} ms; lost outside the migrations: ${settleLost}`,
  );
  console.log(
    `${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average at start ${loadAtStart}, at end ${load()}`,
  );
  console.log('mean (min - max):');
  console.log(`  QEMU downtime ms            ${summary(results.map((r) => r.qemuDowntimeMs))}`);
  console.log(`  QEMU total-time ms          ${summary(results.map((r) => r.qemuTotalTimeMs))}`);
  console.log(`  QEMU setup-time ms          ${summary(results.map((r) => r.qemuSetupTimeMs))}`);
  console.log(`  RAM transferred MiB         ${summary(results.map((r) => r.ramTransferredMiB))}`);
  console.log(`  lab pause->first forward ms ${summary(results.map((r) => r.vimDowntimeMs))}`);
  console.log(`  disruption, frame-loss ms   ${summary(results.map((r) => r.lossDerivedMs))}`);
  console.log(`  disruption, timestamp ms    ${summary(results.map((r) => r.gapDerivedMs))}`);
  console.log(`  packets lost                ${summary(results.map((r) => r.lost))}`);
} finally {
  await traffic.close();
  await vim.close().catch(() => undefined);
  await lab.stop();
}
