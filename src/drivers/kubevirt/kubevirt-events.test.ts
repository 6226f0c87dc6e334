/**
 * KubeVirt's migration timestamps as VIM events. The VMI is KubeVirt's own
 * round-trip fixture (test/fakes/kubevirt/VirtualMachineInstance.roundtrip.json,
 * kubevirt/api apitesting/testdata/HEAD: every field set, timestamps
 * placeholders); kubevirt/api has no VMIM fixture, so the VMIM below follows
 * `VirtualMachineInstanceMigrationStatus` in kubevirt/api core/v1/types.go
 * (phases `VirtualMachineInstanceMigrationPhase`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toVimEvents } from '../vim-events.js';
import { KUBEVIRT_RESOLUTION_MS, kubevirtVimEvents } from './kubevirt-events.js';
import { vmimSchema, vmiSchema } from './resources.js';

const ROUNDTRIP = fileURLToPath(
  new URL('../../../test/fakes/kubevirt/VirtualMachineInstance.roundtrip.json', import.meta.url),
);
const roundtrip = vmiSchema.parse(JSON.parse(readFileSync(ROUNDTRIP, 'utf8')));

const vmim = vmimSchema.parse({
  metadata: { name: 'mig-1', uid: 'u-1' },
  spec: { vmiName: 'vnfc' },
  status: {
    phase: 'Succeeded',
    phaseTransitionTimestamps: [
      { phase: 'Pending', phaseTransitionTimestamp: '2026-01-01T00:00:00Z' },
      { phase: 'Scheduling', phaseTransitionTimestamp: '2026-01-01T00:00:00Z' },
      { phase: 'Scheduled', phaseTransitionTimestamp: '2026-01-01T00:00:02Z' },
      { phase: 'PreparingTarget', phaseTransitionTimestamp: '2026-01-01T00:00:02Z' },
      { phase: 'TargetReady', phaseTransitionTimestamp: '2026-01-01T00:00:03Z' },
      { phase: 'Running', phaseTransitionTimestamp: '2026-01-01T00:00:03Z' },
      { phase: 'Succeeded', phaseTransitionTimestamp: '2026-01-01T00:00:09Z' },
    ],
  },
});

describe('KubeVirt migration timestamps as VIM events', () => {
  it("reads every timestamp of the round-trip fixture's migrationState, preferring targetState's domain-ready", () => {
    const state = { ...roundtrip.status.migrationState!, completed: true, failed: false };
    const events = kubevirtVimEvents('ns/vmi', null, state);
    expect(events.map((e) => [e.name, e.marks, e.at])).toEqual([
      ['migrationState.startTimestamp', 'moveStart', '1986-01-01T01:01:01Z'],
      ['migrationState.targetState.domainReadyTimestamp', 'switchOverEnded', '1980-01-01T01:01:01Z'],
      ['migrationState.endTimestamp', 'moveEnd', '1988-01-01T01:01:01Z'],
    ]);
    expect(
      events.every((e) => e.resolutionMs === KUBEVIRT_RESOLUTION_MS && e.source.includes('ns/vmi')),
    ).toBe(true);
    // An older KubeVirt has only targetNodeDomainReadyTimestamp.
    const older = { ...state, targetState: null };
    expect(kubevirtVimEvents('ns/vmi', null, older)[1]).toMatchObject({
      name: 'migrationState.targetNodeDomainReadyTimestamp',
      at: '1970-01-01T01:01:01Z',
    });
  });

  it('a failed migration ends nothing: its end and domain-ready are info', () => {
    // The fixture sets both completed and failed.
    const events = kubevirtVimEvents('ns/vmi', null, roundtrip.status.migrationState!);
    expect(events.map((e) => [e.name, e.marks])).toEqual([
      ['migrationState.startTimestamp', 'moveStart'],
      ['migrationState.targetState.domainReadyTimestamp', 'info'],
      ['migrationState.endTimestamp (failed)', 'info'],
    ]);
  });

  it("marks the VMIM's phases up to Running as before the switch-over, Succeeded as the end", () => {
    const events = kubevirtVimEvents('ns/vmi', vmim, null);
    expect(events.map((e) => e.marks)).toEqual([
      'moveStart',
      'moveStart',
      'moveStart',
      'moveStart',
      'moveStart',
      'moveStart',
      'moveEnd',
    ]);
    const failed = vmimSchema.parse({
      ...vmim,
      status: {
        phaseTransitionTimestamps: [{ phase: 'Failed', phaseTransitionTimestamp: '2026-01-01T00:00:09Z' }],
      },
    });
    expect(kubevirtVimEvents('ns/vmi', failed, null).map((e) => e.marks)).toEqual(['info']);
  });

  it('puts whole-second times on the harness clock with the allowance', () => {
    const pair = { wallMs: Date.UTC(2026, 0, 1, 0, 0, 10), monoMs: 7_000 };
    const ev = toVimEvents(kubevirtVimEvents('ns/vmi', vmim, null), { clockOffsetAllowanceMs: 0, pair });
    expect(ev.events.at(-1)).toMatchObject({
      name: 'phaseTransitionTimestamps Succeeded',
      atMs: 6_000,
      precisionMs: 1_001,
    });
  });
});
