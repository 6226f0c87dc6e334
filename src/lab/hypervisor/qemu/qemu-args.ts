/**
 * The QEMU command line of a guest VNF. Source and destination of a
 * migration must get the same one (same devices, same MACs, same kernel
 * command line); only `-S` (created, not booted) or `-incoming` differ.
 */
import type { QemuGuestAssets } from './guest-assets.js';

export interface QemuGuestSpec {
  readonly name: string;
  readonly vCpu: number;
  readonly memoryMiB: number;
  /** Tap name and MAC per virtio NIC; NIC 0 is the ingress, NIC 1 the egress. */
  readonly nics: readonly { readonly tap: string; readonly mac: string }[];
  /** IPv4 address/len of NIC 0 and NIC 1, and the guest's default route. */
  readonly ingressCidr: string;
  readonly egressCidr: string;
  readonly gateway: string;
  /**
   * Devices that block live migration, standing for specialized NICs (SR-IOV
   * / PCI passthrough, which QEMU cannot migrate either): ivshmem-plain
   * without `master=on` registers a migration blocker ("Migration is disabled
   * when using feature 'peer mode' in device 'ivshmem'", hw/misc/ivshmem.c).
   */
  readonly migrationBlockers: number;
  readonly qmpSocket: string;
  readonly consoleLog: string;
}

/** `incoming` with `paused`: the guest stays stopped after the migration until `cont` (-S). */
export type QemuStart =
  | { readonly kind: 'paused' }
  | { readonly kind: 'incoming'; readonly uri: string; readonly paused?: boolean };

/** argv of qemu-system-x86_64 (without the binary). */
export function qemuArgs(
  g: QemuGuestSpec,
  assets: QemuGuestAssets,
  start: QemuStart,
  accel: 'tcg' | 'kvm',
): string[] {
  const args = [
    '-name',
    g.name,
    '-accel',
    accel,
    '-machine',
    'pc',
    '-cpu',
    accel === 'kvm' ? 'host' : 'qemu64',
    '-smp',
    String(g.vCpu),
    '-m',
    String(g.memoryMiB),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-vga',
    'none',
    '-kernel',
    assets.kernelPath,
    '-initrd',
    assets.initramfsPath,
    '-append',
    [
      'console=ttyS0',
      'quiet',
      'panic=-1',
      `vnflab.a=${g.ingressCidr},${g.nics[0]?.mac ?? ''}`,
      `vnflab.b=${g.egressCidr},${g.nics[1]?.mac ?? ''}`,
      `vnflab.gw=${g.gateway}`,
    ].join(' '),
    '-serial',
    `file:${g.consoleLog}`,
    '-qmp',
    `unix:${g.qmpSocket},server=on,wait=off`,
    // A guest that panics or shuts down stops instead of vanishing, so the host reports it.
    '-no-reboot',
    '-action',
    'panic=pause',
  ];
  g.nics.forEach((nic, i) => {
    // romfile= : no iPXE option ROM (the kernel boots directly; ipxe-qemu is not installed).
    args.push('-netdev', `tap,id=n${i},ifname=${nic.tap},script=no,downscript=no`);
    args.push('-device', `virtio-net-pci,netdev=n${i},mac=${nic.mac},romfile=`);
  });
  for (let i = 0; i < g.migrationBlockers; i++) {
    args.push('-object', `memory-backend-memfd,id=blk${i},size=1M,share=on`);
    args.push('-device', `ivshmem-plain,memdev=blk${i}`);
  }
  if (start.kind === 'paused') args.push('-S');
  else {
    if (start.paused === true) args.push('-S');
    args.push('-incoming', start.uri);
  }
  return args;
}
