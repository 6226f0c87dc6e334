import { describe, expect, it } from 'vitest';
import { guestKernelFault } from './guest-console.js';

describe('guestKernelFault', () => {
  it('names the panic and the first fault before it', () => {
    const console = [
      'VNFLAB-VNF-READY',
      '[    5.073873] kernel tried to execute NX-protected page - exploit attempt? (uid: 0)',
      '[    5.085458] BUG: unable to handle page fault for address: ffff8e9c07833100',
      '[    5.102198] Call Trace:',
      '[    5.121833] Kernel panic - not syncing: Fatal exception in interrupt',
    ].join('\n');
    expect(guestKernelFault(console)).toBe(
      'Kernel panic - not syncing: Fatal exception in interrupt (first fault: kernel tried to execute NX-protected page - exploit attempt? (uid: 0))',
    );
  });

  it('a panic without an earlier fault line is named alone', () => {
    expect(guestKernelFault('[ 1.0] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n')).toBe(
      'Kernel panic - not syncing: VFS: Unable to mount root fs',
    );
  });

  it('a guest that did not panic but broke is named by its first fault', () => {
    const console = [
      '[    4.631584] BUG: scheduling while atomic: swapper/0/0/0x00000302',
      '[    4.644295] virtio_net virtio1: output.0:id 44 is not a head!',
    ].join('\n');
    expect(guestKernelFault(console)).toBe(
      'kernel fault: BUG: scheduling while atomic: swapper/0/0/0x00000302',
    );
  });

  it('a healthy console is null', () => {
    expect(guestKernelFault('VNFLAB-VNF-READY\n')).toBeNull();
    expect(guestKernelFault('')).toBeNull();
  });
});
