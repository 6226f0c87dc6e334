/**
 * What a run shows while a step runs: read from the ports a few times a
 * second, for the console's live view only (never written to the record).
 */
import type { MigrationProgress } from '../ports/migrator.js';

/** The open traffic window's counters at one instant (Traffic.readWindow). */
export interface TrafficSnapshot {
  readonly window: string;
  readonly sent: number;
  readonly received: number;
  /** Lost so far: packets past their grace period (traffic.graceMs), not the ones still in flight. */
  readonly lost: number;
  /** Monotonic ms of the read. */
  readonly atMs: number;
}

/** One sample: what the run's ports show now; null where a port shows nothing (no traffic, no move). */
export interface ProgressSample {
  readonly traffic: TrafficSnapshot | null;
  readonly migration: MigrationProgress | null;
}

/** A sample taken while step `step` runs. */
export interface LiveProgress extends ProgressSample {
  readonly step: number;
}
