import { describe, expect, it } from 'vitest';
import { CleanupStack } from './cleanup-stack.js';

describe('CleanupStack', () => {
  it('unwinds in reverse order of acquisition and keeps going past a failure', async () => {
    const order: string[] = [];
    const stack = new CleanupStack();
    stack.defer('delete record', async () => void order.push('delete'));
    stack.defer('terminate', async () => {
      order.push('terminate');
      throw new Error('VNFM down');
    });
    stack.defer('stop traffic', async () => void order.push('stop'));
    const records = await stack.unwind();
    expect(order).toEqual(['stop', 'terminate', 'delete']);
    expect(records.map((r) => [r.name, r.status])).toEqual([
      ['stop traffic', 'DONE'],
      ['terminate', 'FAILED'],
      ['delete record', 'DONE'],
    ]);
    expect(records[1]?.message).toBe('VNFM down');
  });

  it('runs an entry once: dismissed or already run entries are skipped', async () => {
    const calls: string[] = [];
    const stack = new CleanupStack();
    const a = stack.defer('a', async () => void calls.push('a'));
    const b = stack.defer('b', async () => void calls.push('b'));
    a.dismiss();
    await b.run();
    await stack.unwind();
    expect(calls).toEqual(['b']);
    expect(stack.pending).toEqual([]);
  });
});
