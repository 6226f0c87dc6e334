/**
 * Cleanup stack: what a run acquired (VNF record, instance, traffic, a
 * running migration, the lab) is released in reverse order of acquisition,
 * on success, on failure and on Ctrl-C. Each entry runs once; a failing
 * entry is recorded and the rest still run.
 */
import { monoMs } from '../util/clock.js';
import type { CleanupRecord } from '../record/result.js';

export interface CleanupHandle {
  /** The resource was released by the normal flow: drop the entry without running it. */
  dismiss(): void;
  /** Run the entry now (and remove it). */
  run(): Promise<CleanupRecord | null>;
}

interface Entry {
  readonly name: string;
  readonly fn: () => Promise<unknown>;
  done: boolean;
}

export class CleanupStack {
  readonly #entries: Entry[] = [];
  readonly records: CleanupRecord[] = [];

  /** Register a release action; it runs before anything registered earlier. */
  defer(name: string, fn: () => Promise<unknown>): CleanupHandle {
    const entry: Entry = { name, fn, done: false };
    this.#entries.push(entry);
    return {
      dismiss: () => {
        entry.done = true;
      },
      run: () => this.#run(entry),
    };
  }

  get pending(): string[] {
    return this.#entries.filter((e) => !e.done).map((e) => e.name);
  }

  /** Run every pending entry, newest first. Never throws. */
  async unwind(): Promise<CleanupRecord[]> {
    const ran: CleanupRecord[] = [];
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i];
      if (entry === undefined) continue;
      const record = await this.#run(entry);
      if (record) ran.push(record);
    }
    return ran;
  }

  async #run(entry: Entry): Promise<CleanupRecord | null> {
    if (entry.done) return null;
    entry.done = true;
    const t0 = monoMs();
    let record: CleanupRecord;
    try {
      await entry.fn();
      record = { name: entry.name, status: 'DONE', message: null, durationMs: monoMs() - t0 };
    } catch (err) {
      record = {
        name: entry.name,
        status: 'FAILED',
        message: (err as Error).message,
        durationMs: monoMs() - t0,
      };
    }
    this.records.push(record);
    return record;
  }
}
