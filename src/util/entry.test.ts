import { describe, expect, it } from 'vitest';
import { fork } from 'node:child_process';
import { siblingEntry, startWorker } from './entry.js';

describe('siblingEntry / startWorker', () => {
  it('runs a TypeScript sibling in a worker thread from sources', async () => {
    const worker = await startWorker(import.meta.url, 'entry.fixture', { workerData: 20 });
    const reply = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(reply).toBe(21);
  });

  it('runs a TypeScript sibling in a child process from sources', async () => {
    const { file, execArgv } = siblingEntry(import.meta.url, 'entry.fixture');
    const child = fork(file, [], { execArgv });
    const reply = await new Promise((resolve) => child.once('message', resolve));
    child.kill();
    expect(reply).toBe('child');
  });
});
