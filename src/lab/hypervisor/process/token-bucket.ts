/**
 * Rate limit of the migration stream (QEMU's max-bandwidth): a token bucket
 * in bytes that may go into debt; the caller waits until the debt is paid.
 */
import { InvalidArgumentError } from '../../../util/errors.js';

export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    readonly rateBytesPerSec: number,
    readonly burstBytes: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(rateBytesPerSec > 0))
      throw new InvalidArgumentError(`rate must be > 0 bytes/s, got ${rateBytesPerSec}`);
    this.tokens = burstBytes;
    this.lastMs = now();
  }

  /** Take `bytes`; returns how long to wait (ms) before sending them, 0 if at once. */
  take(bytes: number): number {
    const nowMs = this.now();
    this.tokens = Math.min(
      this.burstBytes,
      this.tokens + ((nowMs - this.lastMs) * this.rateBytesPerSec) / 1000,
    );
    this.lastMs = nowMs;
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.rateBytesPerSec;
  }
}
