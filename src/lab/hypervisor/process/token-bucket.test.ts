import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst through, then paces to the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 500, () => now);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(250)).toBe(250); // 250 bytes in debt at 1000 B/s
    now = 250;
    expect(bucket.take(100)).toBe(100);
    now = 10_000; // refills only up to the burst
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(1)).toBe(1);
  });

  it('averages to the rate over many takes', () => {
    let now = 0;
    const bucket = new TokenBucket(1e6, 64 * 1024, () => now);
    let sent = 0;
    while (now < 1000) {
      now += bucket.take(256 * 1024);
      sent += 256 * 1024;
    }
    expect(sent / (now / 1000)).toBeGreaterThan(0.95e6);
    expect(sent / (now / 1000)).toBeLessThan(1.1e6);
  });
});
