/**
 * What the SOL003 driver knows of occurrences from notifications: the latest
 * notice per occurrence, and waiting for the next one. The VNF LCM API stays
 * the authority (the driver reads the occurrence after each notice); the
 * notices only say when reading is worth it.
 */
import type { NotificationListener, OpOccNotice } from './notification-listener.js';

export class OpOccTracker {
  private readonly latest = new Map<string, OpOccNotice>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly unsubscribe: () => void;

  constructor(listener: NotificationListener) {
    this.unsubscribe = listener.onOpOcc((notice) => {
      this.latest.set(notice.vnfLcmOpOccId, notice);
      for (const wake of this.waiters.get(notice.vnfLcmOpOccId) ?? []) wake();
    });
  }

  /** The latest notice about an occurrence, if any arrived. */
  latestOf(id: string): OpOccNotice | undefined {
    return this.latest.get(id);
  }

  /** Resolves on the next notice about `id`, or after `timeoutMs`, or when `signal` aborts. */
  next(id: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  close(): void {
    this.unsubscribe();
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }
}
