/**
 * Build what a run talks to from the config: the embedded lab (in its own
 * process) or external systems, and one driver per port. Everything acquired
 * is registered on the cleanup stack, so it is released on every path.
 */
import type { VnflabConfig } from '../config/schema.js';
import type { Sol003VnfmConfig } from '../drivers/sol003/sol003-vnfm.js';
import { FileVnfConfigurator } from '../drivers/vnf-files/file-vnf-configurator.js';
import { HttpVnfAgent } from '../drivers/vnf-mgmt/http-vnf-agent.js';
import { LabElementManager } from '../drivers/em/lab-element-manager.js';
import type { Migrator } from '../ports/migrator.js';
import type { Traffic } from '../ports/traffic.js';
import type { Ports } from '../ports/ports.js';
import type { Vnfm } from '../ports/vnfm.js';
import type { CleanupStack } from '../runner/cleanup-stack.js';
import { driverConfigs } from './driver-configs.js';
import { labLoadPolicy } from './lab-load-policy.js';

export interface RunEnvironment extends Ports {
  /** additionalParams the harness adds to instantiation. */
  readonly harnessInstantiateParams: Record<string, unknown>;
  /** For the result record: what was driven, where. */
  readonly description: Record<string, unknown>;
}

/** `baseDir`: the config file's folder, which relative paths in the config are relative to. */
export async function createEnvironment(
  config: VnflabConfig,
  cleanup: CleanupStack,
  baseDir: string = process.cwd(),
): Promise<RunEnvironment> {
  // Before anything starts: a config mistake (an unset secret variable) costs nothing.
  const drivers = driverConfigs(config, baseDir);
  // Drivers load on demand: a run against external systems never loads the lab.
  const { Sol003Vnfm } = await import('../drivers/sol003/sol003-vnfm.js');
  const { NovaMigrator } = await import('../drivers/nova/nova-migrator.js');
  const { BuiltinTraffic } = await import('../traffic/index.js');
  const { startLabProcess } = await import('../lab/lab-process.js');
  const description: Record<string, unknown> = {};
  const needsLab = config.vnfm.driver === 'lab' || config.migrator.driver === 'lab';
  // OAuth 2.0 on, as a VNFM under test would have it (SOL013 §8.3): the lab's
  // VNFM is reached through the same authenticated driver path as Tacker.
  const loadPolicy = labLoadPolicy(config);
  const lab = needsLab
    ? await startLabProcess(config.lab, { vnfmAuth: 'oauth2', ...(loadPolicy ? { loadPolicy } : {}) })
    : null;
  if (lab) {
    cleanup.defer('stop embedded lab', () => lab.stop());
    description.lab = {
      hypervisor: config.lab.hypervisor,
      pid: lab.pid,
      hosts: lab.info.hosts.map((h) => h.name),
      hostPids: lab.info.hosts.map((h) => h.pid),
      ...(lab.info.qemuLabId !== undefined ? { qemuLabId: lab.info.qemuLabId } : {}),
    };
  }

  let vnfmConfig: Sol003VnfmConfig;
  if (drivers.vnfm.driver === 'lab') {
    if (!lab) throw new Error('lab not started');
    const { labSol003Config } = await import('../lab/lab.js');
    vnfmConfig = labSol003Config(lab.info);
  } else vnfmConfig = drivers.vnfm.config;
  const vnfm: Vnfm = new Sol003Vnfm(vnfmConfig);
  cleanup.defer('close VNFM driver', () => vnfm.close());
  description.vnfm = {
    driver: vnfm.name,
    baseUrl: vnfmConfig.baseUrl,
    auth: vnfmConfig.auth?.type ?? 'none',
  };

  let migrator: Migrator;
  if (drivers.migrator.driver === 'lab') {
    if (!lab) throw new Error('lab not started');
    migrator = new NovaMigrator({ ...lab.info.keystone });
    description.migrator = { driver: migrator.name, authUrl: lab.info.keystone.authUrl };
  } else if (drivers.migrator.driver === 'nova') {
    migrator = new NovaMigrator(drivers.migrator.config);
    description.migrator = { driver: migrator.name, authUrl: drivers.migrator.config.authUrl };
  } else {
    const { KubevirtMigrator } = await import('../drivers/kubevirt/kubevirt-migrator.js');
    const kubevirt = new KubevirtMigrator(drivers.migrator.config);
    migrator = kubevirt;
    description.migrator = { driver: kubevirt.name, server: kubevirt.server, namespace: kubevirt.namespace };
  }
  cleanup.defer('close migrator driver', () => migrator.close());

  // A lab that says where the traffic must bind and arrive (the QEMU lab: its
  // fabric's address, so packets pass through the guest) overrides loopback.
  const labTraffic = lab?.info.traffic;
  let traffic: Traffic;
  if (drivers.traffic.driver === 'iperf3') {
    const { Iperf3Traffic } = await import('../drivers/iperf3/index.js');
    traffic = new Iperf3Traffic({
      ...drivers.traffic.options,
      ...(labTraffic !== undefined ? { sinkHost: labTraffic.sinkHost } : {}),
    });
  } else {
    traffic = new BuiltinTraffic({
      sinkHost: labTraffic?.sinkHost ?? config.traffic.sinkHost,
      ...(labTraffic !== undefined ? { sourceHost: labTraffic.sourceHost } : {}),
      sinkPort: config.traffic.sinkPort,
      graceMs: config.traffic.graceMs,
    });
  }
  cleanup.defer('close traffic', () => traffic.close());
  const { sink } = await traffic.prepare();
  description.traffic = { driver: traffic.name, sink };

  return {
    vnfm,
    migrator,
    traffic,
    // The lab's EM asks the lab VNFM for EM-triggered migrations; a real VNFM serves no such request.
    em: new LabElementManager(drivers.vnfm.driver === 'lab' ? { vnfm: vnfmConfig } : {}),
    vnfConfigurator: new FileVnfConfigurator(),
    vnfAgent: new HttpVnfAgent(),
    // The lab's VNF learns where to forward from instantiation; a real VNF from its own config.
    harnessInstantiateParams: lab ? { egress: sink } : {},
    description,
  };
}
