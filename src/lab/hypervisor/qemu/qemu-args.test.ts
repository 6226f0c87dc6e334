import { describe, expect, it } from 'vitest';
import { qemuArgs, type QemuGuestSpec } from './qemu-args.js';

const assets = {
  cacheDir: '/c',
  kernelPath: '/c/vmlinuz',
  initramfsPath: '/c/initramfs.cpio',
  kernelVersion: '6.1',
};
const guest: QemuGuestSpec = {
  name: 'vnflab-vm1',
  vCpu: 1,
  memoryMiB: 128,
  nics: [
    { tap: 't1n0', mac: '52:54:00:d5:00:01' },
    { tap: 't1n1', mac: '52:54:00:d5:01:01' },
  ],
  ingressCidr: '10.213.1.11/24',
  egressCidr: '10.213.2.11/24',
  gateway: '10.213.2.1',
  migrationBlockers: 0,
  qmpSocket: '/run/x.qmp',
  consoleLog: '/run/x.console',
};

const after = (args: string[], flag: string): string[] =>
  args.flatMap((a, i) => (a === flag ? [args[i + 1] ?? ''] : []));

describe('qemuArgs', () => {
  it('boots the guest kernel with its addresses on the command line, TCG, QMP and serial to a file', () => {
    const args = qemuArgs(guest, assets, { kind: 'paused' }, 'tcg');
    expect(after(args, '-accel')).toEqual(['tcg']);
    expect(after(args, '-kernel')).toEqual(['/c/vmlinuz']);
    expect(after(args, '-append')[0]).toContain('vnflab.a=10.213.1.11/24,52:54:00:d5:00:01');
    expect(after(args, '-append')[0]).toContain('vnflab.b=10.213.2.11/24,52:54:00:d5:01:01');
    expect(after(args, '-append')[0]).toContain('vnflab.gw=10.213.2.1');
    expect(after(args, '-qmp')).toEqual(['unix:/run/x.qmp,server=on,wait=off']);
    expect(after(args, '-device')).toEqual([
      'virtio-net-pci,netdev=n0,mac=52:54:00:d5:00:01,romfile=',
      'virtio-net-pci,netdev=n1,mac=52:54:00:d5:01:01,romfile=',
    ]);
    expect(args).toContain('-S');
    expect(args).not.toContain('-incoming');
  });

  it('the destination gets the same devices and -incoming instead of -S', () => {
    const src = qemuArgs(guest, assets, { kind: 'paused' }, 'tcg');
    const dst = qemuArgs(guest, assets, { kind: 'incoming', uri: 'tcp:10.213.9.12:4401' }, 'tcg');
    expect(after(dst, '-incoming')).toEqual(['tcp:10.213.9.12:4401']);
    expect(dst).not.toContain('-S');
    expect(src.filter((a) => a !== '-S')).toEqual(dst.slice(0, -2));
  });

  it('a destination that must wait for its RAM check (verifyMemory) gets -S as well as -incoming', () => {
    const dst = qemuArgs(
      guest,
      assets,
      { kind: 'incoming', uri: 'tcp:10.213.9.12:4401', paused: true },
      'tcg',
    );
    expect(dst.slice(-3)).toEqual(['-S', '-incoming', 'tcp:10.213.9.12:4401']);
  });

  it('adds one ivshmem-plain device (a migration blocker) per specialized NIC', () => {
    const args = qemuArgs({ ...guest, migrationBlockers: 2 }, assets, { kind: 'paused' }, 'tcg');
    expect(after(args, '-device').filter((d) => d.startsWith('ivshmem-plain'))).toEqual([
      'ivshmem-plain,memdev=blk0',
      'ivshmem-plain,memdev=blk1',
    ]);
    expect(after(args, '-object')).toHaveLength(2);
  });
});
