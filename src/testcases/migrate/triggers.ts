/**
 * tcInput.triggerType: who starts the migration (DESIGN.md "Who moves the VNF").
 * - vnfm: the harness commands it through the VNFM's VIM (the Migrator driver);
 * - em:   the element manager asks the VNFM;
 * - vnf:  the VNF asks the VNFM through its own management interface;
 * - load: the harness raises the traffic load and the VNFM's policy decides.
 * For the last three the harness did not start the migration itself: it waits
 * for the VIM to show one for the VNF, started after the trigger.
 */
import type { MigrationHandle, MigrationSubject } from '../../ports/migrator.js';
import { StepFailed } from '../../runner/errors.js';
import { pollUntil } from '../../runner/poll.js';
import type { Stamp } from '../../record/result.js';
import { monoMs } from '../../util/clock.js';
import type { MigrateContext } from './context.js';
import { requireVnf } from './context.js';

export interface IssuedTrigger {
  readonly handle: MigrationHandle;
  readonly initiatedBy: string;
}

export async function issueTrigger(
  ctx: MigrateContext,
  subject: MigrationSubject,
  triggeredAt: string,
): Promise<IssuedTrigger> {
  const { vResourceType, triggerType } = ctx.config.tcInput;
  switch (triggerType) {
    case 'vnfm': {
      const opts =
        ctx.config.migration.targetHost !== undefined ? { targetHost: ctx.config.migration.targetHost } : {};
      const handle = await ctx.migrator.triggerMigration(subject, vResourceType, opts);
      return { handle, initiatedBy: `harness: command to the VNFM's VIM (${ctx.migrator.name})` };
    }
    case 'em': {
      if (!ctx.em.requestMigration)
        throw new StepFailed(`the element manager '${ctx.em.name}' cannot request a migration`);
      const asked = await ctx.em.requestMigration(requireVnf(ctx), vResourceType);
      if (!asked.ok)
        throw new StepFailed(
          `Unable to trigger the migration: the EM's request was refused: ${asked.reason}`,
        );
      return {
        handle: await awaitForeignMigration(ctx, subject, triggeredAt, 'the EM'),
        initiatedBy: `EM (${ctx.em.name})`,
      };
    }
    case 'vnf': {
      const plane = await ctx.vnfm.getDataPlane(requireVnf(ctx));
      if (!plane?.managementUrl) {
        throw new StepFailed(
          'Unable to trigger the migration: the VNFM reports no management interface for the VNF',
        );
      }
      const asked = await ctx.vnfAgent.requestMigration(plane.managementUrl, vResourceType);
      if (!asked.ok) throw new StepFailed(`Unable to trigger the migration: ${asked.reason}`);
      return {
        handle: await awaitForeignMigration(ctx, subject, triggeredAt, 'the VNF'),
        initiatedBy: 'VNF (its management interface)',
      };
    }
    case 'load': {
      // The trigger is the raised load: its time stamp is when the higher load
      // starts, not when the step began (stopping the low load takes a while).
      const raisedAt = await raiseLoad(ctx);
      ctx.result.timeRecord.startvResourceMigration = raisedAt;
      return {
        handle: await awaitForeignMigration(ctx, subject, raisedAt.at, "the VNFM's load policy"),
        initiatedBy: 'VNFM load policy (sustained higher traffic load)',
      };
    }
  }
}

/**
 * "Higher traffic load over a longer period of time": restart the generator
 * at the trigger load level. The window of the move opens with it; returns
 * the instant the higher load was started.
 */
async function raiseLoad(ctx: MigrateContext): Promise<Stamp> {
  const tc = ctx.config.traffic;
  const level = tc.triggerLoadLevel;
  if (!ctx.state.trafficRunning || !ctx.state.trafficTarget) {
    throw new StepFailed('Unable to trigger the migration by load: no traffic is running to raise');
  }
  await ctx.traffic.stopTraffic().then((totals) => ctx.recordTrafficTotals(totals));
  await ctx.traffic.configTrafficLoad(level, {
    loadLevels: tc.loadLevels,
    packetSizeBytes: tc.packetSizeBytes,
    flows: tc.flows,
    target: ctx.state.trafficTarget,
  });
  await ctx.traffic.startTraffic('duringMigration');
  // The higher load began when the generator sent its first packet, which is
  // when the move's window opened (starting the sender's thread takes a while).
  const openedAtMs = (await ctx.traffic.readWindow()).openedAtMs;
  const raisedAt: Stamp = {
    at: new Date(Date.now() - (monoMs() - openedAtMs)).toISOString(),
    monoMs: openedAtMs,
  };
  ctx.result.traffic.loadLevel = level;
  ctx.result.traffic.targetRateHz = tc.loadLevels[level];
  ctx.log.info(`Traffic load raised to ${level}: ${tc.loadLevels[level]} packets/s`);
  return raisedAt;
}

async function awaitForeignMigration(
  ctx: MigrateContext,
  subject: MigrationSubject,
  startedAfter: string,
  who: string,
): Promise<MigrationHandle> {
  const find = ctx.migrator.findMigration?.bind(ctx.migrator);
  if (!find)
    throw new StepFailed(`the migrator '${ctx.migrator.name}' cannot find a migration started by ${who}`);
  const vResourceType = ctx.config.tcInput.vResourceType;
  return pollUntil(
    async () => {
      const handle = await find(subject, { startedAfter, vResourceType });
      return handle ? { done: true, value: handle } : { done: false, last: 'no migration yet' };
    },
    {
      timeoutMs: ctx.config.timeouts.maxTriggerWaitMs,
      intervalMs: ctx.config.timeouts.pollIntervalMs,
      signal: ctx.signal,
      what: `a migration started by ${who}`,
    },
  );
}
