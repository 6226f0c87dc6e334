/**
 * The ping-pong part of result.json (`vnflab run --ping-pong N`): the same
 * VNF moved back and forth N times under continuous traffic, each move's
 * figures with its loss placed on its own timeline, and the first move
 * against the repeats (a VM's first migration is often the slow one).
 */
import type { LossEpisode } from '../ports/traffic.js';
import { sampleStats, type SampleStats } from './statistics.js';
import type { LossPlacement } from './verdict.js';

/** An instant (result.ts's Stamp, restated so this file and result.ts do not import each other). */
export interface MoveStamp {
  readonly at: string;
  readonly monoMs: number;
}

export interface MoveRecord {
  /** 1-based. */
  readonly n: number;
  readonly migrationId: string | null;
  readonly fromHost: string | null;
  readonly toHost: string | null;
  readonly triggeredAt: MoveStamp | null;
  readonly completedAt: MoveStamp | null;
  /** Trigger to completion as the harness saw it, ms. */
  readonly migrationTimeMs: number | null;
  /** The target's own downtime (pause to first forward), ms. */
  readonly targetDowntimeMs: number | null;
  /** RFC 6201 frame-loss method over this move's window, ms. */
  readonly serviceDisruptionMs: number | null;
  /** RFC 6201 timestamp method over this move's window, ms. */
  readonly timestampMethodMs: number | null;
  readonly lost: number | null;
  /** Switch-over (blackout), frame-loss method, ms. */
  readonly switchOverMs: number | null;
  /** Loss during the move outside the switch-over, frame-loss method, ms. */
  readonly degradationMs: number | null;
  /** This move's loss on its own timeline (events relative to its own trigger). */
  readonly disruption: LossPlacement | null;
  readonly episodes: readonly LossEpisode[];
}

export const MOVE_FIGURES = [
  'serviceDisruptionMs',
  'timestampMethodMs',
  'switchOverMs',
  'degradationMs',
  'migrationTimeMs',
  'targetDowntimeMs',
] as const satisfies readonly (keyof MoveRecord)[];
export type MoveFigure = (typeof MOVE_FIGURES)[number];

export interface PingPongRecord {
  /** Moves asked for. */
  readonly movesPlanned: number;
  readonly moves: MoveRecord[];
  /** The first move's figures, and the repeats' (moves 2..N) statistics. */
  readonly firstVersusRepeats: {
    readonly first: Readonly<Record<MoveFigure, number | null>> | null;
    readonly repeats: Readonly<Record<MoveFigure, SampleStats | null>>;
  };
}

export function firstVersusRepeats(moves: readonly MoveRecord[]): PingPongRecord['firstVersusRepeats'] {
  const first = moves[0];
  const repeats = moves.slice(1);
  return {
    first: first
      ? (Object.fromEntries(MOVE_FIGURES.map((f) => [f, first[f]])) as Record<MoveFigure, number | null>)
      : null,
    repeats: Object.fromEntries(
      MOVE_FIGURES.map((f) => [f, sampleStats(repeats.map((m) => m[f]))]),
    ) as Record<MoveFigure, SampleStats | null>,
  };
}
