import { describe, expect, it } from 'vitest';
import { VnflabBugError } from '../../../util/errors.js';
import { fromWireError, HostError, toWireError } from './errors.js';

/** As the IPC channel (JSON) and a worker's postMessage (structured clone) carry it: no class survives. */
const cross = (err: unknown): ReturnType<typeof fromWireError> =>
  fromWireError(JSON.parse(JSON.stringify(toWireError(err))) as Parameters<typeof fromWireError>[0]);

describe('HostError across a process or thread boundary', () => {
  it('keeps the class, code, message and data of a HostError', () => {
    const back = cross(new HostError('CAPACITY_EXCEEDED', 'no room for vm-1', { short: ['vCpu'] }));
    expect(back).toBeInstanceOf(HostError);
    expect(back).toMatchObject({
      code: 'CAPACITY_EXCEEDED',
      message: 'no room for vm-1',
      data: { short: ['vCpu'] },
    });
  });

  it('keeps a bug a bug', () => {
    const back = cross(new VnflabBugError('this migration thread is in use'));
    expect(back).toBeInstanceOf(VnflabBugError);
    expect(back).toMatchObject({ code: 'VNFLAB_INTERNAL', message: 'this migration thread is in use' });
  });

  it('gives anything else the code INTERNAL and its message', () => {
    expect(cross(new RangeError('page 9 outside guest memory'))).toMatchObject({
      code: 'INTERNAL',
      message: 'page 9 outside guest memory',
    });
    expect(cross('a string')).toMatchObject({ code: 'INTERNAL', message: 'a string' });
  });
});
