/**
 * The lab's compute layer, per `lab.hypervisor`: the hosts and the fabric
 * LabVim runs on.
 *
 * - 'process': a fabric process and one OS process per host (no root, no
 *   packages); the VNF forwards on loopback.
 * - 'qemu': the QEMU lab (hypervisor/qemu/, docs/qemu-lab.md): host network
 *   namespaces, a real Linux guest per VNF, QEMU's own live migration. The
 *   traffic must bind and send where the lab says (`traffic`), or its
 *   packets do not pass through the guest.
 */
import type { LabConfig } from './config.js';
import { startFabric } from './fabric/fabric-client.js';
import type { ComputeHost, Fabric } from './hypervisor/hypervisor.js';
import { startProcessHost } from './hypervisor/process/host-client.js';

/** Where the built-in traffic binds (source) and receives (sink) so that it flows through the VNF. */
export interface LabTrafficEndpoints {
  readonly sourceHost: string;
  readonly sinkHost: string;
}

export interface LabCompute {
  readonly hosts: readonly ComputeHost[];
  readonly fabric: Fabric;
  /** LabVim's waits for this hypervisor (its defaults suit the process lab). */
  readonly vimTiming: { readonly incomingTimeoutMs?: number; readonly firstForwardTimeoutMs?: number };
  readonly traffic?: LabTrafficEndpoints;
  /** The QEMU lab's id (its namespaces are vnflab-<id>-*). */
  readonly qemuLabId?: string;
  /** Stop the hosts and the fabric. Idempotent. */
  stop(): Promise<void>;
}

/**
 * LabVim's waits on the QEMU lab. A TCG guest resumes slowly after the last
 * bytes arrived (seconds on a loaded 2-core machine), and its first routed
 * packet after the switch-over comes later than a process host's.
 */
const QEMU_VIM_TIMING = { incomingTimeoutMs: 30_000, firstForwardTimeoutMs: 5_000 } as const;

export async function startLabCompute(config: LabConfig): Promise<LabCompute> {
  return config.hypervisor === 'qemu' ? startQemuCompute(config) : startProcessCompute(config);
}

async function startQemuCompute(config: LabConfig): Promise<LabCompute> {
  // Loaded on demand: the process lab never needs the QEMU code.
  const { startQemuLab } = await import('./hypervisor/qemu/qemu-lab.js');
  // startQemuLab removes whatever it created when it fails half-way.
  const lab = await startQemuLab({ hosts: config.hosts, hostCapacity: config.hostCapacity });
  return {
    hosts: lab.hosts,
    fabric: lab.fabric,
    vimTiming: QEMU_VIM_TIMING,
    traffic: lab.trafficEndpoints,
    qemuLabId: lab.labId,
    stop: () => lab.stop(),
  };
}

async function startProcessCompute(config: LabConfig): Promise<LabCompute> {
  const started: { shutdown(): Promise<void> }[] = [];
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      // Newest first; a host that fails to stop must not keep the others running.
      for (const part of [...started].reverse()) await part.shutdown().catch(() => undefined);
    })();
    return stopped;
  };
  try {
    const rpc = { callTimeoutMs: config.rpcTimeoutMs };
    const fabric = await startFabric({ rpc });
    started.push(fabric);
    const hosts: ComputeHost[] = [];
    for (let i = 1; i <= config.hosts; i++) {
      const host = await startProcessHost({
        name: `compute-${i}`,
        capacity: config.hostCapacity,
        fabricControl: fabric.controlEndpoint,
        rpc,
      });
      hosts.push(host);
      started.push(host);
    }
    return { hosts, fabric, vimTiming: {}, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
