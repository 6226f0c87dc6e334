/**
 * Ping-pong: the case's move (steps "trigger", "validate migrated",
 * "traffic after", "disruption") repeated N times on the same VNF under
 * continuous traffic, so it goes A -> B -> A ... (the VIM's scheduler picks
 * the destination: with the lab's two hosts, the other one). After each move
 * one more step records it and hands its hosts to the next. Everything
 * before the first move and after the last is the case's own steps.
 */
import type { StepDefinition, TestCaseDefinition } from '../../runner/step.js';
import { firstVersusRepeats, type MoveRecord } from '../../record/ping-pong.js';
import { ConfigError } from '../../util/errors.js';
import { requireVnf, type MigrateContext } from './context.js';
import { migrationSubject } from './steps.js';
import { DISRUPTION, TRAFFIC_AFTER, TRIGGER, VALIDATE_MIGRATED } from './step-defs.js';

type Step = Omit<StepDefinition<MigrateContext>, 'n'>;

/** The steps of one move, in the case's order. */
const MOVE = [TRIGGER, VALIDATE_MIGRATED, TRAFFIC_AFTER, DISRUPTION] as const;

/** After move `k` of `of`: its figures into result.pingPong.moves, the VNF's new place into the state. */
export async function recordMove(ctx: MigrateContext, k: number, of: number): Promise<void> {
  const r = ctx.result;
  const pp = (r.pingPong ??= {
    movesPlanned: of,
    moves: [],
    firstVersusRepeats: firstVersusRepeats([]),
  });
  const complete = r.traffic.disruptionWindow?.partial === false;
  const move: MoveRecord = {
    n: k,
    migrationId: r.migration.migrationId,
    fromHost: r.migration.fromHost ?? null,
    toHost: r.migration.toHost ?? null,
    triggeredAt: r.timeRecord.startvResourceMigration,
    completedAt: r.timeRecord.completevResourceMigration,
    migrationTimeMs: r.timeRecord.migrationTimeMs,
    targetDowntimeMs: r.migration.downtimeMs ?? null,
    serviceDisruptionMs: complete ? r.traffic.serviceDisruptionMs : null,
    timestampMethodMs: complete ? r.traffic.gapDerivedMs : null,
    lost: r.traffic.disruptionWindow?.lost ?? null,
    switchOverMs: r.disruption?.switchOver.lossDerivedMs ?? null,
    degradationMs: r.disruption?.degradation.lossDerivedMs ?? null,
    disruption: r.disruption,
    episodes: [...r.traffic.episodes],
  };
  pp.moves.push(move);
  Object.assign(pp, { firstVersusRepeats: firstVersusRepeats(pp.moves) });
  ctx.log.info(
    `Move ${k} of ${of}: ${move.fromHost ?? '?'} -> ${move.toHost ?? '?'}, disruption ${move.serviceDisruptionMs?.toFixed(3) ?? 'n/a'} ms, migration ${move.migrationTimeMs?.toFixed(0) ?? 'n/a'} ms`,
  );
  // The next move starts from where this one ended.
  const now = r.resourceList.afterMigration ?? [];
  ctx.state.activeResources = now;
  ctx.state.subject = migrationSubject(requireVnf(ctx).vnfInstanceId, now);
  if (k < of) {
    // So that a later move cut short records its own partial figures, not this move's (stopTrafficAfterFailure).
    Object.assign(r.traffic, {
      serviceDisruptionMs: null,
      lossDerivedMs: null,
      gapDerivedMs: null,
      disruptionWindow: null,
      episodes: [],
    });
    r.disruption = null;
  }
}

function recordMoveStep(k: number, of: number): Step {
  // Named so the record's step name reads 'recordMove' (a step's name is its function's).
  const { recordMove: run } = { recordMove: (ctx: MigrateContext) => recordMove(ctx, k, of) };
  return {
    title: `Record move ${k} of ${of} (its disruption on its own timeline)`,
    logLine: `Recording move ${k} of ${of}`,
    run,
  };
}

/** `testCase` with its move repeated `moves` times; a ConfigError for a case that moves without traffic. */
export function pingPong(
  testCase: TestCaseDefinition<MigrateContext>,
  moves: number,
): TestCaseDefinition<MigrateContext> {
  const at = testCase.steps.findIndex((s) => s.run === TRIGGER.run);
  const block = testCase.steps.slice(at, at + MOVE.length).map((s) => s.run);
  if (at < 0 || block.join() !== MOVE.map((s) => s.run).join())
    throw new ConfigError(
      `--ping-pong: ${testCase.id} does not measure a move under traffic (trigger, validate, traffic after, disruption) (004 measures its disruption after the traffic stopped): use TC_VNF_MIGRATE_002`,
    );
  const repeated: Step[] = [];
  for (let k = 1; k <= moves; k++) {
    for (const s of MOVE) repeated.push({ ...s, title: `${s.title} [move ${k} of ${moves}]` });
    repeated.push(recordMoveStep(k, moves));
  }
  const steps: Step[] = [
    ...testCase.steps.slice(0, at),
    ...repeated,
    ...testCase.steps.slice(at + MOVE.length),
  ];
  return { ...testCase, steps: steps.map((s, i) => ({ ...s, n: i + 1 })) };
}
