// The Fabric contract on QemuFabric: the fabric namespace's bridge, which
// learns where a VM is from its frames. A VM "announces itself" here as QEMU's
// self-announce does after a migration (net/announce.c): a RARP broadcast
// with the VM's ingress MAC, sent from the host bridge of the place it is at.
// No guest needed. Same gate as qemu-lab.test.ts (vitest.qemu.config.ts),
// and python3 to send the raw frame.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cleanupQemuLabs } from '../../src/lab/hypervisor/qemu/cleanup.js';
import { startQemuLab } from '../../src/lab/hypervisor/qemu/qemu-lab.js';
import { runFabricContract } from '../contracts/lab-fabric.contract.js';
import { qemuSkipReason } from './skip-reason.js';

/** Send one RARP frame (QEMU's self-announce) with source `mac` out of `dev`. */
const RARP = [
  'import socket, sys',
  "mac = bytes.fromhex(sys.argv[2].replace(':', ''))",
  's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)',
  's.bind((sys.argv[1], 0))',
  "arp = b'\\x00\\x01\\x08\\x00\\x06\\x04\\x00\\x03' + mac + bytes(4) + mac + bytes(4)",
  "s.send(b'\\xff' * 6 + mac + b'\\x80\\x35' + arp + bytes(18))",
].join('\n');

function python3Missing(): string | null {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'python3 is needed to send the announcement frames';
  }
}

runFabricContract({
  name: 'QemuFabric (QEMU lab)',
  skip: qemuSkipReason() ?? python3Missing() ?? false,
  learnTimeoutMs: 10_000,
  async create() {
    await cleanupQemuLabs();
    const lab = await startQemuLab({ hosts: 2 });
    const { names } = lab;
    return {
      fabric: lab.fabric,
      async announce(vmId, place) {
        const host = lab.hosts[place];
        // attach gave the VM its service address P.3.(10 + slot): the slot names its MACs.
        const service = await lab.fabric.attach(vmId);
        const slot = Number(service.host.split('.')[3]) - 10;
        if (host === undefined || !(slot >= 1)) throw new Error(`no place ${place} or slot for ${vmId}`);
        await promisify(execFile)('ip', [
          'netns',
          'exec',
          names.hostNs(host.index),
          'python3',
          '-c',
          RARP,
          names.hostBridge,
          names.vmMac(slot, 0),
        ]);
        return { host: host.address, port: 0 };
      },
      close: () => lab.stop(),
    };
  },
});
