import { createHash, randomBytes, randomInt } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../util/errors.js';
import { DirtyTrackedBuffer } from './dirty-tracked-buffer.js';

const UNIT = 1024;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** 64 units; its digest of chosen units is the hash of their contents, one after the other. */
class Units extends DirtyTrackedBuffer {
  constructor() {
    super(64 * UNIT, UNIT, { unit: 'unit', buffer: 'the buffer' });
  }
  digestOf(units: Uint32Array): Promise<string> {
    return this.digestAsOfNow(units, { chunkBytes: 3 * UNIT, pauseMs: 0 }, (hash, _first, bytes) =>
      hash.update(bytes),
    );
  }
}

it('a digest of scattered units sees them as of the call while they are written and loaded meanwhile', async () => {
  const b = new Units();
  b.write(0, randomBytes(b.sizeBytes));
  const units = Uint32Array.from([1, 2, 3, 7, 8, 20, 21, 22, 23, 40, 63]);
  const atCall = Buffer.concat([...units].map((u) => Buffer.from(b.unit(u))));
  const digest = b.digestOf(units);
  let done = false;
  void digest.finally(() => (done = true));
  let changes = 0;
  while (!done) {
    b.write(randomInt(0, b.sizeBytes - 16), randomBytes(16));
    b.loadUnit(randomInt(0, b.unitCount), randomBytes(UNIT), 0);
    changes += 2;
    await yieldToLoop();
  }
  expect(changes).toBeGreaterThan(4);
  expect(await digest).toBe(sha256(atCall));
});

it('dirties what the guest writes, not what is loaded, and refuses units outside', () => {
  const b = new Units();
  b.startDirtyLog();
  b.loadUnit(5, randomBytes(UNIT), 0);
  b.writeF64(9 * UNIT, 1);
  expect([...b.syncDirtyLog()]).toEqual([9]);
  expect(() => b.loadUnit(64, randomBytes(UNIT), 0)).toThrow(InvalidArgumentError);
  expect(() => b.writeF64(64 * UNIT - 4, 1)).toThrow(InvalidArgumentError);
});
