import { describe, expect, it } from 'vitest';
import { firstVersusRepeats, type MoveRecord } from './ping-pong.js';

const move = (n: number, disruption: number, migration: number): MoveRecord => ({
  n,
  migrationId: `m${n}`,
  fromHost: n % 2 ? 'a' : 'b',
  toHost: n % 2 ? 'b' : 'a',
  triggeredAt: null,
  completedAt: null,
  migrationTimeMs: migration,
  targetDowntimeMs: disruption - 1,
  serviceDisruptionMs: disruption,
  timestampMethodMs: null,
  lost: disruption * 10,
  switchOverMs: disruption,
  degradationMs: 0,
  disruption: null,
  episodes: [],
});

describe('firstVersusRepeats', () => {
  it('keeps the first move apart and summarises moves 2..N', () => {
    const r = firstVersusRepeats([move(1, 40, 900), move(2, 10, 300), move(3, 20, 500)]);
    expect(r.first?.serviceDisruptionMs).toBe(40);
    expect(r.first?.migrationTimeMs).toBe(900);
    expect(r.repeats.serviceDisruptionMs).toMatchObject({ n: 2, mean: 15, min: 10, max: 20 });
    expect(r.repeats.migrationTimeMs?.mean).toBe(400);
    expect(r.repeats.timestampMethodMs).toBeNull();
  });

  it('no moves: no first, no repeats', () => {
    const r = firstVersusRepeats([]);
    expect(r.first).toBeNull();
    expect(r.repeats.serviceDisruptionMs).toBeNull();
  });
});
