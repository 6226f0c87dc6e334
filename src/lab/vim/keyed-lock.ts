/**
 * Serializes async operations per key: an operation on a key starts after
 * every earlier one on that key settled (fulfilled or rejected). The VIM
 * uses one key per server (start / stop / delete / migrate never interleave)
 * and one for placement (read the load, then claim, atomically).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
