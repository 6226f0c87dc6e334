/**
 * Build what a run talks to from the config: the embedded lab (in its own
 * process) or external systems, and one driver per port. Everything acquired
 * is registered on the cleanup stack, so it is released on every path.
 */
import type { VnflabConfig } from '../config/schema.js';
import { FileVnfConfigurator } from '../drivers/vnf-files/file-vnf-configurator.js';
import { HttpVnfAgent } from '../drivers/vnf-mgmt/http-vnf-agent.js';
import { LabElementManager } from '../drivers/em/lab-element-manager.js';
import { LabDropMonitor } from '../lab/hop-drops.js';
import { describeQemu, qemuVersionLine } from '../lab/hypervisor/qemu/qemu-version.js';
import type { LabDropWatch } from '../ports/lab-drops.js';
import type { CleanupStack } from '../runner/cleanup-stack.js';
import type { MigratePorts } from '../testcases/migrate/setup.js';
import { driverConfigs } from './driver-configs.js';
import type { StrikeFault } from './lab-faults.js';
import { startEmbeddedLab } from './embedded-lab.js';
import {
  build,
  MIGRATOR_DRIVERS,
  TRAFFIC_DRIVERS,
  VNFM_DRIVERS,
  vnfmConfigOf,
  type FactoryInput,
} from './registry.js';

function watchLabDrops(labPid: number, cleanup: CleanupStack): LabDropWatch {
  const watch = new LabDropMonitor(labPid);
  cleanup.defer('stop watching the lab', async () => void (await watch.stop()));
  return watch;
}

export interface RunEnvironment extends MigratePorts {
  /** For the result record: what was driven, where. */
  readonly description: Record<string, unknown>;
  /** Strike a timed fault of lab.faults (a lab process, the traffic generator); absent without the lab. */
  readonly strikeFault?: StrikeFault;
  /** Lines the run's log says once the environment is up (the traffic's I/O path). */
  readonly notes?: readonly string[];
}

/** The traffic driver's own fault hook (the builtin generator's), if it has one. */
function killGeneratorOf(traffic: object): (() => Promise<boolean>) | null {
  const kill = (traffic as { killGenerator?: () => Promise<boolean> }).killGenerator;
  return typeof kill === 'function' ? () => kill.call(traffic) : null;
}

/** Does the run start the embedded lab (a port served by it)? */
export function usesEmbeddedLab(config: VnflabConfig): boolean {
  return config.vnfm.driver === 'lab' || config.migrator.driver === 'lab';
}

/**
 * `baseDir`: the config file's folder, which relative paths in the config
 * are relative to. `signal` cuts the embedded lab's start short (Ctrl-C):
 * it is stopped and this rejects.
 */
export async function createEnvironment(
  config: VnflabConfig,
  cleanup: CleanupStack,
  baseDir: string = process.cwd(),
  signal?: AbortSignal,
): Promise<RunEnvironment> {
  // Before anything starts: a config mistake (an unset secret variable) costs nothing.
  const drivers = driverConfigs(config, baseDir);
  const description: Record<string, unknown> = {};
  const lab = usesEmbeddedLab(config) ? await startEmbeddedLab(config, signal) : null;
  if (lab) {
    cleanup.defer('stop embedded lab', () => lab.stop());
    description.lab = {
      hypervisor: config.lab.hypervisor,
      pid: lab.pid,
      hosts: lab.info.hosts.map((h) => h.name),
      hostPids: lab.info.hosts.map((h) => h.pid),
      ...(config.lab.faults.length > 0 ? { faults: config.lab.faults } : {}),
      ...(lab.info.qemuLabId !== undefined
        ? { qemuLabId: lab.info.qemuLabId, qemu: describeQemu(qemuVersionLine()) }
        : {}),
    };
  }
  const input: FactoryInput = { lab, traffic: config.traffic };

  const vnfm = await build(VNFM_DRIVERS, drivers.vnfm, input);
  cleanup.defer('close VNFM driver', () => vnfm.port.close());
  description.vnfm = vnfm.description;

  const migrator = await build(MIGRATOR_DRIVERS, drivers.migrator, input);
  cleanup.defer('close migrator driver', () => migrator.port.close());
  description.migrator = migrator.description;

  const traffic = await build(TRAFFIC_DRIVERS, drivers.traffic, input);
  cleanup.defer('close traffic', () => traffic.port.close());
  const { sink } = await traffic.port.prepare();
  description.traffic = { ...traffic.description, sink };

  return {
    vnfm: vnfm.port,
    migrator: migrator.port,
    traffic: traffic.port,
    // The lab's EM asks the lab VNFM for EM-triggered migrations; a real VNFM serves no such request.
    em: new LabElementManager(drivers.vnfm.driver === 'lab' ? { vnfm: vnfmConfigOf(drivers.vnfm, lab) } : {}),
    vnfConfigurator: new FileVnfConfigurator(),
    vnfAgent: new HttpVnfAgent(),
    // The lab's VNF learns where to forward from instantiation; a real VNF from its own config.
    harnessInstantiateParams: lab ? { egress: sink } : {},
    // The process lab's queues are its processes' sockets: watched from here (/proc), at no cost to it.
    labDrops: lab && config.lab.hypervisor === 'process' ? watchLabDrops(lab.pid, cleanup) : null,
    description,
    notes: traffic.note !== undefined ? [traffic.note] : [],
    ...(lab
      ? {
          strikeFault: async (fault) => {
            if (fault.kind === 'process') return lab.injectProcessFault(fault);
            const kill = killGeneratorOf(traffic.port);
            if (kill === null)
              return `fault ${fault.spec}: this traffic driver cannot be killed: nothing done`;
            return (await kill())
              ? `fault ${fault.spec}: the traffic generator was killed`
              : `fault ${fault.spec}: no traffic was running: nothing done`;
          },
        }
      : {}),
  };
}
