import { describe, expect, it } from 'vitest';
import { ForwardLog } from './forward-log.js';

describe('ForwardLog', () => {
  it('finds the first forward after an instant, in the ring and across resumes', () => {
    const log = new ForwardLog();
    log.markResume();
    for (let ns = 100n; ns <= 200n; ns += 10n) log.record(ns);
    expect(log.firstAfter(0n)).toBe(100n);
    expect(log.firstAfter(135n)).toBe(140n);
    expect(log.firstAfter(200n)).toBeNull();
    log.markResume();
    log.record(500n);
    log.record(510n);
    expect(log.firstAfter(300n)).toBe(500n);
  });

  it('keeps the first forward after each resume beyond the ring', () => {
    const log = new ForwardLog();
    log.markResume();
    log.record(1n);
    for (let i = 0; i < 70_000; i++) log.record(BigInt(1000 + i));
    // The ring lost instant 1, the resume record did not.
    expect(log.firstAfter(0n)).toBe(1n);
    expect(log.firstAfter(10_000n)).toBe(10_001n);
  });

  it('waits for the next forward, or times out with null', async () => {
    const log = new ForwardLog();
    const waiting = log.waitFirstAfter(50n, 1000);
    log.record(40n);
    log.record(60n);
    expect(await waiting).toBe(60n);
    expect(await log.waitFirstAfter(100n, 20)).toBeNull();
    const closed = log.waitFirstAfter(100n, 10_000);
    log.close();
    expect(await closed).toBeNull();
  });
});
