/**
 * Nova's migration record and instance action as VIM events, read from
 * Nova's own API samples (test/fixtures/nova-api-samples: openstack/nova
 * doc/api_samples, os-migrations/ and os-instance-actions/v2.84/). The
 * samples' action is a `stop`; a live migration's events (names from
 * nova/compute/manager.py and nova/conductor/manager.py) are built on the
 * sample's shape below.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toVimEvents } from '../vim-events.js';
import { actionNameOf, NOVA_RESOLUTION_MS, novaVimEvents } from './nova-events.js';
import { instanceActionSchema, osMigrationsSchema, type NovaInstanceAction } from './schemas.js';

const SAMPLES = new URL('../../../test/fixtures/nova-api-samples/', import.meta.url);
const load = (file: string): unknown =>
  JSON.parse(readFileSync(fileURLToPath(new URL(file, SAMPLES)), 'utf8'));

const migrations = osMigrationsSchema.parse(load('os-migrations/v2.23/migrations-get.json')).migrations;
const sampleAction = instanceActionSchema.parse(
  load('os-instance-actions/v2.84/instance-action-get-resp.json'),
).instanceAction;

/** The sample's action made a live migration: its events as Nova names them, a second apart. */
function liveMigrationAction(): NovaInstanceAction {
  const ev = (event: string, start: string, finish: string, result = 'Success') => ({
    ...sampleAction.events[0]!,
    event,
    start_time: `2016-01-29T13:42:${start}.123456`,
    finish_time: `2016-01-29T13:42:${finish}.654321`,
    result,
  });
  return {
    ...sampleAction,
    action: 'live-migration',
    start_time: '2016-01-29T13:42:01.500000',
    events: [
      ev('conductor_live_migrate_instance', '02', '03'),
      ev('compute_pre_live_migration', '03', '04'),
      ev('compute_live_migration', '04', '04'),
      ev('compute_post_live_migration_at_destination', '09', '10'),
    ],
  };
}

describe('Nova migration record and instance action as VIM events', () => {
  it("reads the sample migration record: created_at starts the move, a running one's updated_at ends nothing", () => {
    const running = migrations.find((m) => m.status === 'running')!;
    const events = novaVimEvents('srv', running, null);
    expect(events.map((e) => [e.name, e.marks, e.at])).toEqual([
      [`migration ${running.id} created_at`, 'moveStart', '2016-01-29T13:42:02.000000'],
      [`migration ${running.id} updated_at (running)`, 'info', '2016-01-29T13:42:02.000000'],
    ]);
    expect(events.every((e) => e.resolutionMs === NOVA_RESOLUTION_MS)).toBe(true);
    const done = { ...running, status: 'completed' };
    expect(novaVimEvents('srv', done, null)[1]!.marks).toBe('moveEnd');
  });

  it("keeps the sample's stop action's events, marked info (they say nothing of a move)", () => {
    const m = migrations[0]!;
    const events = novaVimEvents('srv', m, sampleAction).slice(2);
    expect(events.map((e) => [e.name, e.marks])).toEqual([
      ['stop action start_time', 'moveStart'],
      ['compute_stop_instance start_time', 'info'],
      ['compute_stop_instance finish_time (Success)', 'info'],
    ]);
    expect(events[1]!.source).toBe(
      'nova os-instance-actions req-0d819d5c-1527-4669-bdf0-ffad31b5105b (server srv)',
    );
  });

  it("marks a live migration's events: pre / live start the move, post_at_destination ends the switch-over then the move", () => {
    const m = { ...migrations.find((x) => x.migration_type === 'live-migration')!, status: 'completed' };
    const events = novaVimEvents('srv', m, liveMigrationAction());
    const marks = Object.fromEntries(events.map((e) => [e.name, e.marks]));
    expect(marks).toMatchObject({
      'live-migration action start_time': 'moveStart',
      'compute_pre_live_migration start_time': 'moveStart',
      'compute_live_migration start_time': 'moveStart',
      // Returns once the transfer is queued: not the end of anything.
      'compute_live_migration finish_time (Success)': 'info',
      'compute_post_live_migration_at_destination start_time': 'switchOverEnded',
      'compute_post_live_migration_at_destination finish_time (Success)': 'moveEnd',
      'migration 1 updated_at (completed)': 'moveEnd',
    });
  });

  it('does not let a failed event end anything', () => {
    const action = liveMigrationAction();
    const failed = {
      ...action,
      events: [{ ...action.events[3]!, result: 'Error' }],
    };
    const events = novaVimEvents('srv', migrations[0]!, failed);
    expect(events.find((e) => e.name.includes('finish_time (Error)'))?.marks).toBe('info');
  });

  it('puts the microsecond strings on the harness clock at whole-second precision plus the allowance', () => {
    const m = { ...migrations[0]!, status: 'completed' };
    const pair = { wallMs: Date.UTC(2016, 0, 29, 13, 42, 20), monoMs: 100_000 };
    const ev = toVimEvents(novaVimEvents('srv', m, liveMigrationAction()), {
      clockOffsetAllowanceMs: 50,
      pair,
    });
    const post = ev.events.find((e) => e.name === 'compute_post_live_migration_at_destination start_time')!;
    // 13:42:09.123 is 10.877 s before the pair's 13:42:20.
    expect(post.atMs).toBeCloseTo(100_000 - 10_877, 6);
    expect(post.precisionMs).toBe(1_000 + 50 + 1);
    expect(ev.events.map((e) => e.atMs)).toEqual([...ev.events.map((e) => e.atMs)].sort((a, b) => a - b));
  });

  it('names the instance action of each migration type', () => {
    expect(actionNameOf('live-migration', false)).toBe('live-migration');
    expect(actionNameOf('migration', true)).toBe('migrate');
    expect(actionNameOf(undefined, true)).toBe('migrate');
    expect(actionNameOf(undefined, false)).toBe('live-migration');
  });
});
