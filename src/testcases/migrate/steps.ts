/**
 * The steps of the MIGRATE family (TC_VNF_MIGRATE_001..004), one named
 * function per step of the spec. TC_VNF_MIGRATE_002.ts lists them in the
 * spec's order. Where the spec's pseudo-code has a known bug, the function
 * does what the spec means and says so in a comment.
 */
import type { MigrationSubject, MigrationType } from '../../ports/migrator.js';
import { describeHopDrops, labDropsIn } from '../../ports/lab-drops.js';
import {
  NO_TRAFFIC_REASON,
  type TesterSelfCheck,
  type TrafficTotals,
  type WindowStats,
} from '../../ports/traffic.js';
import type { VResource, VnfdResources } from '../../ports/vnfm.js';
import { StepFailed, StepInconclusive, StepSkipped } from '../../runner/errors.js';
import { untilAborted } from '../../runner/abortable.js';
import { pollUntil } from '../../runner/poll.js';
import type { Stamp } from '../../record/result.js';
import { isoNow, monoMs, sleep } from '../../util/clock.js';
import { VnflabBugError } from '../../util/errors.js';
import { terminateVnf, waitForVnfState } from './lcm.js';
import { requireVnf, type MigrateContext } from './context.js';
import { issueTrigger } from './triggers.js';
import { placeMoveLoss } from './verdict/verdict.js';

const stamp = (): Stamp => ({ at: isoNow(), monoMs: monoMs() });

/** Step 1: create the VNF record, configure it (EM or config file), set its license, instantiate it. */
export async function instantiateVnf(ctx: MigrateContext): Promise<void> {
  const { vnfm, config, cleanup, state } = ctx;
  const input = config.tcInput;
  const timeouts = config.timeouts;

  // VNFRECORD.Create
  const vnf = await vnfm.createVnfRecord({ vnfdId: input.vnfdId, vnfInstanceName: input.vnfInstanceName });
  state.vnfRecord = vnf;
  ctx.result.vnfInstanceId = vnf.vnfInstanceId;
  ctx.log.info(`VNF record created: vnfInstanceId ${vnf.vnfInstanceId} (VNFD ${vnf.vnfdId})`);
  state.deleteRecord = cleanup.defer('delete VNF record', () => vnfm.deleteVnfRecord(vnf));

  const params: Record<string, unknown> = {};
  if (input.emVnfSystem) {
    // EM_VNF_SYSTEM == TRUE: the element manager configures the VNF.
    const emFile = ctx.resolveFile(input.emConfigFile ?? '');
    const set = await ctx.em.setEmConfiguration(vnf, emFile);
    if (!set.ok) throw new StepFailed(`Unable to set EM config file ${emFile}: ${set.reason}`);
    Object.assign(params, set.value.additionalParams);
    const started = await ctx.em.startEm(vnf);
    if (!started.ok) throw new StepFailed(`Unable to start EM: ${started.reason}`);
    cleanup.defer('stop EM', () => ctx.em.stopEm());
  } else if (input.vnfConfigFile !== undefined) {
    const file = ctx.resolveFile(input.vnfConfigFile);
    const set = await ctx.vnfConfigurator.setVnfConfigFile(vnf, file);
    if (!set.ok) throw new StepFailed(`Unable to set VNF config file ${file}: ${set.reason}`);
    Object.assign(params, set.value);
  } else {
    ctx.log.info('No vnfConfigFile given: the VNF runs with its built-in configuration');
  }

  if (input.vnfLicenseFile !== undefined) {
    const file = ctx.resolveFile(input.vnfLicenseFile);
    const set = await ctx.vnfConfigurator.setVnfLicense(vnf, file);
    if (!set.ok) throw new StepFailed(`Unable to set VNF License file ${file}: ${set.reason}`);
    Object.assign(params, set.value);
  }

  Object.assign(params, ctx.harnessInstantiateParams, { swImageId: input.swImageId });
  // The spec never sets startInstantiation; it is the instant the request is sent.
  ctx.result.timeRecord.startInstantiation = stamp();
  // Registered before the request: once accepted, the VNFM may allocate resources even if we never see the answer.
  state.terminate = cleanup.defer('terminate VNF', () =>
    terminateVnf(vnfm, vnf, {
      timeoutMs: timeouts.maxVnfTerminateTimeMs,
      intervalMs: timeouts.pollIntervalMs,
    }),
  );
  state.instantiateOp = await vnfm.instantiate(vnf, {
    flavourId: input.flavourId,
    swImageId: input.swImageId,
    additionalParams: params,
  });
  ctx.log.info(`Instantiation requested: lcmOpOcc ${state.instantiateOp.id}`);
}

/** Step 2: wait until the VNF is Inactive (INSTANTIATED + STOPPED); record the VNFD's initial vResources. */
export async function validateVnfStateIsInactive(ctx: MigrateContext): Promise<void> {
  const vnf = requireVnf(ctx);
  const t = ctx.config.timeouts;
  await waitForVnfState(ctx.vnfm, vnf, ctx.state.instantiateOp, 'INACTIVE', {
    timeoutMs: t.maxVnfInstantiationTimeMs,
    intervalMs: t.pollIntervalMs,
    signal: ctx.signal,
    what: `VNF transition into "Inactive" state`,
  });
  const tr = ctx.result.timeRecord;
  tr.completeInstantiation = stamp();
  tr.instantiationTimeMs = tr.startInstantiation
    ? tr.completeInstantiation.monoMs - tr.startInstantiation.monoMs
    : null;

  const vnfd = await ctx.vnfm.getVnfdVResourceList(vnf.vnfdId);
  const swImageId = ctx.config.tcInput.swImageId;
  if (!vnfd.vdus.some((v) => v.swImageId === swImageId)) {
    throw new StepFailed(`VNFD ${vnfd.vnfdId} declares no software image ${swImageId} (tcInput.swImageId)`);
  }
  ctx.result.resourceList.initialVnfd = vnfd;
}

/** Step 3: start the VNF (SOL003 operate, changeStateTo STARTED). */
export async function startVnf(ctx: MigrateContext): Promise<void> {
  const vnf = requireVnf(ctx);
  ctx.result.timeRecord.startVNFStart = stamp();
  ctx.state.startOp = await ctx.vnfm.start(vnf);
}

/** Step 4: wait until Active; check the allocated vResources against the VNFD (ValidateAllocatedvResources). */
export async function validateVnfStateIsActive(ctx: MigrateContext): Promise<void> {
  const vnf = requireVnf(ctx);
  const t = ctx.config.timeouts;
  await waitForVnfState(ctx.vnfm, vnf, ctx.state.startOp, 'ACTIVE', {
    timeoutMs: t.maxVnfActivateTimeMs,
    intervalMs: t.pollIntervalMs,
    signal: ctx.signal,
    what: `VNF transition into "Active" state`,
  });
  const tr = ctx.result.timeRecord;
  tr.startVNFEnd = stamp();
  // The spec computes startVNFStart - startVNFEnd, a negative time: end - start is meant.
  tr.activateTimeMs = tr.startVNFStart ? tr.startVNFEnd.monoMs - tr.startVNFStart.monoMs : null;

  const resources = await ctx.vnfm.getVResourceList(vnf);
  ctx.state.activeResources = resources;
  ctx.result.resourceList.activeResource = resources;
  const vnfd = ctx.result.resourceList.initialVnfd;
  if (vnfd) {
    const mismatch = compareWithVnfd(resources, vnfd);
    if (mismatch) throw new StepFailed(`Unable to validate INITIAL resources: ${mismatch}`);
  }
}

/**
 * ValidateAllocatedvResources(vnfRecord, SwImageID, INITIAL_VRESOURCE_LEVEL):
 * the VNF holds what its VNFD declares, per kind. Returns what differs, or null.
 */
export function compareWithVnfd(resources: readonly VResource[], vnfd: VnfdResources): string | null {
  if (resources.length === 0) return 'the VNFM reports no vResources for the instance';
  const sum = (kind: VResource['kind']): number =>
    resources.filter((r) => r.kind === kind).reduce((a, r) => a + r.amount, 0);
  const has = (kind: VResource['kind']): boolean => resources.some((r) => r.kind === kind);
  const want = {
    vCPU: vnfd.vdus.reduce((a, v) => a + v.vCpu, 0),
    vMemory: vnfd.vdus.reduce((a, v) => a + v.memoryMiB, 0),
    vStorage: vnfd.vdus.reduce((a, v) => a + v.storageGiB, 0),
    vNIC: vnfd.vdus.reduce((a, v) => a + v.nics, 0),
  };
  const diffs: string[] = [];
  for (const [kind, amount] of Object.entries(want) as [VResource['kind'], number][]) {
    // A VNFM that does not itemise a kind (e.g. a real one without the lab's metadata) is not a mismatch.
    if (has(kind) && sum(kind) !== amount)
      diffs.push(`${kind} ${sum(kind)} allocated, VNFD declares ${amount}`);
  }
  return diffs.length > 0 ? diffs.join('; ') : null;
}

const hostsOf = (list: readonly VResource[]): string =>
  [...new Set(list.map((r) => r.host))].sort().join(',');

/** The VIM servers behind the VNF's VNFCs. */
export function migrationSubject(vnfInstanceId: string, resources: readonly VResource[]): MigrationSubject {
  return { vnfInstanceId, computeResourceIds: [...new Set(resources.map((r) => r.computeResourceId))] };
}

/** Step 5 of 001/002: GetMigrationType must answer LIVE_MIGRATION. */
export async function verifyVnfSupportsLiveMigration(ctx: MigrateContext): Promise<void> {
  await verifyMigrationType(ctx, 'LIVE_MIGRATION');
}

/** Step 5 of 003/004: GetMigrationType must answer OFFLINE_MIGRATION. */
export async function verifyVnfSupportsOfflineMigration(ctx: MigrateContext): Promise<void> {
  await verifyMigrationType(ctx, 'OFFLINE_MIGRATION');
}

async function verifyMigrationType(ctx: MigrateContext, want: MigrationType): Promise<void> {
  const vnf = requireVnf(ctx);
  const subject = migrationSubject(vnf.vnfInstanceId, ctx.state.activeResources ?? []);
  ctx.state.subject = subject;
  const { type, reason } = await ctx.migrator.getMigrationType(subject);
  ctx.result.migration.migrationType = type;
  ctx.result.migration.migrationTypeReason = reason;
  ctx.log.info(`Migration type: ${type} (${reason})`);
  if (type !== want) {
    const what = want === 'LIVE_MIGRATION' ? 'live' : 'offline';
    throw new StepFailed(
      `Unable to validate ${what} migration support: migration type is ${type} (${reason})`,
    );
  }
}

/**
 * Step 6 (and 11 of 001/003): configure the low traffic load and start it.
 * Its first window is 'beforeTrigger', or 'afterMigration' once the VNF moved.
 */
export async function generateLowTrafficLoad(ctx: MigrateContext): Promise<void> {
  skipWithoutTraffic(ctx);
  const vnf = requireVnf(ctx);
  const tc = ctx.config.traffic;
  const target = tc.target ?? (await ctx.vnfm.getDataPlane(vnf))?.ingress;
  if (!target) {
    throw new StepFailed(
      'Unable to set traffic config parameters: the VNFM reports no data-plane address; set traffic.target in the config',
    );
  }
  const level = tc.loadLevel;
  await ctx.traffic.configTrafficLoad(level, {
    loadLevels: tc.loadLevels,
    packetSizeBytes: tc.packetSizeBytes,
    flows: tc.flows,
    target,
  });
  ctx.result.traffic.loadLevel = level;
  ctx.result.traffic.targetRateHz = tc.loadLevels[level];
  ctx.state.stopTraffic = ctx.cleanup.defer('stop traffic', () => stopTrafficAfterFailure(ctx));
  // The lab's own queues are watched while traffic flows, so its overload is told from the migration's loss.
  await ctx.labDrops?.start();
  await ctx.traffic.startTraffic(ctx.state.migration ? 'afterMigration' : 'beforeTrigger');
  ctx.state.trafficRunning = true;
  ctx.state.trafficTarget = target;
  ctx.log.info(
    `Traffic started: ${level} load, ${tc.loadLevels[level]} packets/s, ${tc.flows} flow(s) to ${target.host}:${target.port}`,
  );
}

/**
 * traffic.ClearCounters without waiting for the closed window's final stats:
 * the cut is made at the call (a Traffic port contract), the stats wait out
 * the grace period (traffic.graceMs, 1 s by default). Waiting there would
 * put that second between the window cut and step 8's trigger, or between
 * step 9's completion stamp and its vResource checks. settleWindowCuts()
 * collects them (and any error) before traffic is judged again.
 */
function cutTrafficWindow(ctx: MigrateContext, newWindowName: string): void {
  const cut = ctx.traffic.clearCounters(newWindowName);
  cut.catch(() => undefined); // awaited, error and all, in settleWindowCuts
  ctx.state.windowCuts.push(cut);
}

async function settleWindowCuts(ctx: MigrateContext): Promise<void> {
  await Promise.all(ctx.state.windowCuts.splice(0));
}

/** Watch the current window for the validation period; fail on no flow or any loss. */
async function validateTrafficWindow(ctx: MigrateContext, when: string): Promise<void> {
  skipWithoutTraffic(ctx);
  await settleWindowCuts(ctx);
  const period = ctx.config.traffic.validationPeriodMs;
  const window = await ctx.traffic.readWindow();
  const waitMs = period - (monoMs() - window.openedAtMs);
  if (waitMs > 0) await sleep(waitMs, ctx.signal);
  if (!(await ctx.traffic.doesTrafficFlow())) {
    throw new StepFailed(`Traffic flow not detected ${when}`);
  }
  if (await ctx.traffic.anyTrafficLoss()) {
    const w = await ctx.traffic.readWindow();
    const lab = await labOverload(ctx, w);
    // On the embedded lab a packet that arrived after the grace period was queued by the lab or the
    // machine (a frozen hop, an overloaded core), not dropped by the VNF: it counts as lost, but it is
    // the lab's, like its queue drops.
    const late = ctx.labDrops && lab.dropped > 0 ? (w.late ?? 0) : 0;
    const lateText =
      late > 0
        ? `, and ${late} of the lost arrived after the grace period (queued by the lab or the machine, not dropped)`
        : '';
    const message = `Traffic lost ${when}: ${w.lost} of ${w.sent} packets in window '${w.name}'${lab.text}${lateText}`;
    // Every lost packet is accounted for by the lab's own overflowing queues: the VNF was not judged.
    if (lab.dropped + late >= w.lost) throw new StepInconclusive(`${message}; the step cannot judge the VNF`);
    throw new StepFailed(message);
  }
}

/** Where the embedded lab's own queues dropped packets in a window: the lab was overloaded, not the VNF. */
async function labOverload(ctx: MigrateContext, w: WindowStats): Promise<{ dropped: number; text: string }> {
  if (!ctx.labDrops) return { dropped: 0, text: '' };
  const seen = await ctx.labDrops.snapshot();
  const byHop = labDropsIn(seen, w.openedAtMs, w.closedAtMs ?? monoMs());
  const dropped = Object.values(byHop).reduce((a, b) => a + b, 0);
  if (dropped === 0)
    return { dropped, text: seen.observed ? "; the embedded lab's queues dropped none of them" : '' };
  const lost = Math.min(dropped, w.lost);
  return {
    dropped,
    text: `; the embedded lab's own queues dropped ${dropped} in this window (${describeHopDrops(byHop)}: queue overflow): the lab was overloaded, ${lost === w.lost ? "this is not the VNF's loss" : `at most ${lost} of the lost packets are not the VNF's`}`,
  };
}

/** Step 7: traffic flows with no dropped packets before the trigger. */
export async function validateTrafficBeforeMigration(ctx: MigrateContext): Promise<void> {
  await validateTrafficWindow(ctx, 'before the migration');
}

/** Step 8: trigger the migration of the vResource through the VNFM's VIM (time stamp). */
export async function triggerMigration(ctx: MigrateContext): Promise<void> {
  const subject = ctx.state.subject;
  if (!subject) throw new VnflabBugError('no migration subject: step 5 did not run');
  const input = ctx.config.tcInput;
  ctx.result.migration.triggerType = input.triggerType;
  // The window boundary and the time stamp are taken BEFORE the trigger is
  // issued: the spec stamps after TriggerMigration returns, which misses any
  // disruption that begins while the request is in flight.
  // (Trigger 'load' restarts the traffic at the higher load instead: its new session's first window is the move's.)
  if (ctx.state.trafficRunning && input.triggerType !== 'load') cutTrafficWindow(ctx, 'duringMigration');
  const triggeredAt = stamp();
  ctx.result.timeRecord.startvResourceMigration = triggeredAt;
  const issuing = issueTrigger(ctx, subject, triggeredAt.at);
  // Ctrl-C ends the step at once, even with the trigger in flight (the VIM
  // may take seconds to answer); a migration it still starts is aborted on
  // the way out, so this entry is registered before the trigger returns.
  const abortMigration = ctx.cleanup.defer('abort migration', async () => {
    const issued = await issuing.catch(() => null);
    if (issued) await ctx.migrator.abortMigration(issued.handle);
  });
  let issued;
  try {
    issued = await untilAborted(issuing, ctx.signal, 'triggering the migration');
  } catch (err) {
    // Refused: no migration to abort.
    if (!ctx.signal.aborted) abortMigration.dismiss();
    throw err;
  }
  const { handle, initiatedBy } = issued;
  ctx.state.migration = handle;
  ctx.result.migration.migrationId = handle.id;
  ctx.result.migration.initiatedBy = initiatedBy;
  ctx.state.abortMigration = abortMigration;
  ctx.log.info(`Migration ${handle.id} triggered (${handle.type}, vResourceType ${input.vResourceType})`);
}

/**
 * Step 9: ValidateMigrationSuccess, polled while IN_PROGRESS (the spec calls it
 * once, which fails any migration that takes longer than one call); then the
 * new vResources are in use and the old ones released in the VIM (time stamp).
 */
export async function validateVnfHasMigrated(ctx: MigrateContext): Promise<void> {
  const vnf = requireVnf(ctx);
  const handle = ctx.state.migration;
  if (!handle) throw new VnflabBugError('no migration: step 8 did not run');
  const t = ctx.config.timeouts;
  const status = await pollUntil(
    async () => {
      const s = await ctx.migrator.validateMigrationSuccess(handle);
      return s.state === 'IN_PROGRESS' ? { done: false, last: s } : { done: true, value: s };
    },
    {
      timeoutMs: t.maxMigrationTimeMs,
      intervalMs: t.pollIntervalMs,
      signal: ctx.signal,
      what: 'migration completion',
    },
  );
  if (status.state === 'FAILED') {
    ctx.state.abortMigration?.dismiss();
    throw new StepFailed(`Migration process not performed: ${status.reason}`);
  }
  const tr = ctx.result.timeRecord;
  tr.completevResourceMigration = stamp();
  tr.migrationTimeMs = tr.startvResourceMigration
    ? tr.completevResourceMigration.monoMs - tr.startvResourceMigration.monoMs
    : null;
  ctx.state.abortMigration?.dismiss();
  // The after-migration window opens the moment completion is seen.
  if (ctx.state.trafficRunning) cutTrafficWindow(ctx, 'afterMigration');
  // The VIM's figures (hosts, downtime, rounds...) are final once it reports completion.
  await recordMigrationReport(ctx);

  const before = ctx.state.activeResources ?? [];
  const beforeIds = new Set(before.map((r) => r.id));
  const after = await pollUntil(
    async () => {
      const list = await ctx.vnfm.getVResourceList(vnf);
      // New allocation ids (the lab, KubeVirt) or a new host for the same id (a real Nova server keeps its id).
      const moved =
        list.length > 0 && (list.some((r) => !beforeIds.has(r.id)) || hostsOf(list) !== hostsOf(before));
      return moved ? { done: true, value: list } : { done: false, last: list.map((r) => r.id) };
    },
    {
      timeoutMs: 10_000,
      intervalMs: t.pollIntervalMs,
      signal: ctx.signal,
      what: 'the VNFM to report the new vResources',
    },
  );
  ctx.result.resourceList.afterMigration = after;
  const afterIds = new Set(after.map((r) => r.id));
  const oldIds = [...beforeIds].filter((id) => !afterIds.has(id));
  const stillHeld = await ctx.migrator.findAllocatedVResources(oldIds);
  ctx.result.resourceList.released = oldIds.filter((id) => !stillHeld.includes(id));
  if (stillHeld.length > 0) {
    throw new StepFailed(`Old vResources not released by the VIM: ${stillHeld.join(', ')}`);
  }
  ctx.log.info(
    `VNF migrated: ${hostsOf(before)} -> ${hostsOf(after)}; ${oldIds.length} vResources released, ${after.length} in use`,
  );
}

/**
 * Step 10: traffic flows with no dropped packets AFTER the migration. The spec
 * checks AnyTrafficLoss over the whole run, so any loss during the move (which
 * step 11 exists to measure) would fail it; the check covers only the window
 * opened when the migration completed.
 */
export async function validateTrafficAfterMigration(ctx: MigrateContext): Promise<void> {
  await validateTrafficWindow(ctx, 'after the migration');
}

/** Step 11: service disruption by packet drop calculation over the migration window (RFC 6201). */
export async function determineServiceDisruption(ctx: MigrateContext): Promise<void> {
  skipWithoutTraffic(ctx);
  const found = await recordDisruption(ctx, { partial: false });
  if (!found)
    throw new StepFailed(
      'Unable to calculate the service disruption: no packets were offered during the migration',
    );
}

/**
 * Fill the record's disruption fields from the migration window and place
 * its loss on the move's timeline (verdict/phases.ts); false when nothing
 * can be computed. `partial`: the run ended before step 11 (what was
 * measured up to then, not a disruption figure).
 */
async function recordDisruption(ctx: MigrateContext, opts: { partial: boolean }): Promise<boolean> {
  await settleWindowCuts(ctx);
  const window = 'duringMigration';
  const d = await ctx.traffic.calculateServiceDisruptionLength(window);
  if (!d) return false;
  const tr = ctx.result.traffic;
  tr.serviceDisruptionMs = d.lossDerivedMs;
  tr.lossDerivedMs = d.lossDerivedMs;
  tr.gapDerivedMs = d.gapDerivedMs;
  tr.resolutionMs = d.resolutionMs;
  tr.episodes = [...d.episodes];
  tr.disruptionWindow = { name: window, lost: d.lost, offeredRateHz: d.offeredRateHz, partial: opts.partial };
  const placed = placeMoveLoss(ctx.result, ctx.config.timeouts.pollIntervalMs, ctx.config.traffic.flows);
  ctx.result.disruption = placed;
  const what = opts.partial
    ? `Measured before the run stopped (partial window '${window}', not a disruption figure)`
    : 'Service disruption';
  ctx.log.info(
    `${what}: ${d.lossDerivedMs.toFixed(3)} ms by frame loss (${d.lost} lost at ${d.offeredRateHz.toFixed(1)} packets/s), ` +
      `${d.gapDerivedMs === null ? 'n/a' : d.gapDerivedMs.toFixed(3)} ms by timestamps, resolution ${d.resolutionMs.toFixed(3)} ms`,
  );
  if (placed) {
    const ms = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(3)} ms`);
    ctx.log.info(
      `Loss on the move's timeline (events: ${placed.events.source}): switch-over ${placed.switchOver.lost} lost, ` +
        `${ms(placed.switchOver.lossDerivedMs)} by frame loss, ${ms(placed.switchOver.gapDerivedMs)} by timestamps; ` +
        `degradation (during the move, outside the switch-over) ${placed.degradation.lost} lost, ${ms(placed.degradation.lossDerivedMs)}`,
    );
  }
  return true;
}

async function recordMigrationReport(ctx: MigrateContext): Promise<void> {
  const handle = ctx.state.migration;
  if (!handle) return;
  const report = await ctx.migrator.getMigrationReport(handle);
  Object.assign(ctx.result.migration, report);
  if (report.downtimeMs !== null)
    ctx.log.info(`Downtime measured by the VIM/hypervisor: ${report.downtimeMs.toFixed(3)} ms`);
}

/** Stop the traffic and put its totals (and every window) into the record. */
async function stopTrafficAndRecord(ctx: MigrateContext): Promise<void> {
  // A failed cut must not keep the traffic from being stopped.
  await settleWindowCuts(ctx).catch(() => undefined);
  const totals = await ctx.traffic.stopTraffic();
  ctx.state.trafficRunning = false;
  recordTrafficTotals(ctx, totals);
  if (ctx.labDrops) ctx.result.traffic.labDrops = await ctx.labDrops.snapshot();
}

/** Two sessions' self-checks (001 / 003 run traffic twice): counts add up, the worst burst stays. */
function mergeSelfCheck(a: TesterSelfCheck | null, b: TesterSelfCheck): TesterSelfCheck {
  if (!a) return b;
  const add = (x: number | null, y: number | null): number | null =>
    x === null && y === null ? null : (x ?? 0) + (y ?? 0);
  return {
    receiverSocketDrops: add(a.receiverSocketDrops, b.receiverSocketDrops),
    late: add(a.late, b.late),
    skipped: add(a.skipped, b.skipped),
    maxBurstPackets:
      a.maxBurstPackets === null ? b.maxBurstPackets : Math.max(a.maxBurstPackets, b.maxBurstPackets ?? 0),
    sendErrors: add(a.sendErrors, b.sendErrors),
  };
}

/** Add one traffic session's totals to the record. */
export function recordTrafficTotals(ctx: MigrateContext, totals: TrafficTotals): void {
  // 001 / 003 run traffic twice (before and after the move): the record sums both sessions.
  const tr = ctx.result.traffic;
  const add = (a: number | null, b: number): number => (a ?? 0) + b;
  tr.sent = add(tr.sent, totals.sent);
  tr.received = add(tr.received, totals.received);
  tr.lost = add(tr.lost, totals.lost);
  tr.duplicated = add(tr.duplicated, totals.duplicated);
  tr.reordered = add(tr.reordered, totals.reordered);
  tr.rateHz = totals.offeredRateHz;
  tr.windows = [...tr.windows, ...totals.windows];
  tr.latency = totals.latency ? [...totals.latency] : null;
  if (totals.selfCheck) tr.selfCheck = mergeSelfCheck(tr.selfCheck, totals.selfCheck);
  ctx.log.info(`Traffic stopped: ${totals.sent} sent, ${totals.received} received, ${totals.lost} lost`);
}

/**
 * Cleanup action of step 6: on a failed run, traffic is stopped all the
 * same, and what was measured (totals, windows, the disruption of a migration
 * that happened, the VIM's figures) still goes into the record as evidence.
 */
export async function stopTrafficAfterFailure(ctx: MigrateContext): Promise<void> {
  await stopTrafficAndRecord(ctx);
  if (ctx.state.migration && ctx.result.traffic.lossDerivedMs === null) {
    await recordDisruption(ctx, { partial: true }).catch(() => false);
  }
}

/** Step 12: stop the traffic; the totals go into the record. */
export async function stopTraffic(ctx: MigrateContext): Promise<void> {
  skipWithoutTraffic(ctx);
  // On failure the cleanup stack's entry stays, so traffic is still stopped (and closed) on the way out.
  await stopTrafficAndRecord(ctx);
  ctx.state.stopTraffic?.dismiss();
}

/** Step 13: terminate the VNF and delete its record. */
export async function terminateVnfStep(ctx: MigrateContext): Promise<void> {
  const vnf = requireVnf(ctx);
  const t = ctx.config.timeouts;
  // Cleanup entries are dismissed only once their action succeeded: a failed
  // terminate or delete is tried again by the cleanup stack.
  try {
    await terminateVnf(ctx.vnfm, vnf, { timeoutMs: t.maxVnfTerminateTimeMs, intervalMs: t.pollIntervalMs });
  } catch (err) {
    throw new StepFailed(`Unable to terminate VNF: ${(err as Error).message}`, { cause: err });
  }
  ctx.state.terminate?.dismiss();
  try {
    await ctx.vnfm.deleteVnfRecord(vnf);
  } catch (err) {
    throw new StepFailed(`Unable to delete vnfRecord: ${(err as Error).message}`, { cause: err });
  }
  ctx.state.deleteRecord?.dismiss();
}

/** `traffic.driver: none`: a traffic step has nothing to send or judge; SKIPPED with the reason, never PASS. */
function skipWithoutTraffic(ctx: MigrateContext): void {
  if (ctx.config.traffic.driver === 'none') throw new StepSkipped(NO_TRAFFIC_REASON);
}
