/**
 * Build what a run talks to from the config: the embedded lab (in its own
 * process) or external systems, and one driver per port. Everything acquired
 * is registered on the cleanup stack, so it is released on every path.
 */
import type { VnflabConfig } from '../config/schema.js';
import { FileVnfConfigurator } from '../drivers/vnf-files/file-vnf-configurator.js';
import { HttpVnfAgent } from '../drivers/vnf-mgmt/http-vnf-agent.js';
import type { VnfAgent } from '../ports/vnf-agent.js';
import { LabElementManager } from '../lab/em/lab-element-manager.js';
import type { ElementManager } from '../ports/element-manager.js';
import type { Migrator } from '../ports/migrator.js';
import type { Traffic } from '../ports/traffic.js';
import type { VnfConfigurator } from '../ports/vnf-configurator.js';
import type { Vnfm } from '../ports/vnfm.js';
import type { CleanupStack } from './cleanup-stack.js';

export interface RunEnvironment {
  readonly vnfm: Vnfm;
  readonly migrator: Migrator;
  readonly traffic: Traffic;
  readonly em: ElementManager;
  readonly vnfConfigurator: VnfConfigurator;
  readonly vnfAgent: VnfAgent;
  /** additionalParams the harness adds to instantiation. */
  readonly harnessInstantiateParams: Record<string, unknown>;
  /** For the result record: what was driven, where. */
  readonly description: Record<string, unknown>;
}

export async function createEnvironment(
  config: VnflabConfig,
  cleanup: CleanupStack,
): Promise<RunEnvironment> {
  // Drivers load on demand: a run against external systems never loads the lab.
  const { Sol003Vnfm } = await import('../drivers/sol003/sol003-vnfm.js');
  const { NovaMigrator } = await import('../drivers/nova/nova-migrator.js');
  const { BuiltinTraffic } = await import('../traffic/index.js');
  const { startLabProcess } = await import('../lab/lab-process.js');
  const description: Record<string, unknown> = {};
  const needsLab = config.vnfm.driver === 'lab' || config.migrator.driver === 'lab';
  const lab = needsLab ? await startLabProcess(config.lab) : null;
  if (lab) {
    cleanup.defer('stop embedded lab', () => lab.stop());
    description.lab = {
      hypervisor: config.lab.hypervisor,
      pid: lab.pid,
      hosts: lab.info.hosts.map((h) => h.name),
      hostPids: lab.info.hosts.map((h) => h.pid),
    };
  }

  let vnfm: Vnfm;
  if (config.vnfm.driver === 'lab') {
    if (!lab) throw new Error('lab not started');
    vnfm = new Sol003Vnfm({ baseUrl: lab.info.sol003.baseUrl });
  } else {
    const c = config.vnfm;
    vnfm = new Sol003Vnfm({
      baseUrl: c.baseUrl,
      apiVersion: c.apiVersion,
      requestTimeoutMs: c.requestTimeoutMs,
      ...(c.vnfdFile !== undefined ? { vnfdFile: c.vnfdFile } : {}),
      ...(c.token !== undefined
        ? { auth: { type: 'bearer' as const, token: c.token } }
        : c.username !== undefined && c.password !== undefined
          ? { auth: { type: 'basic' as const, username: c.username, password: c.password } }
          : {}),
    });
  }
  cleanup.defer('close VNFM driver', () => vnfm.close());
  description.vnfm = {
    driver: vnfm.name,
    ...(config.vnfm.driver === 'lab'
      ? { baseUrl: lab?.info.sol003.baseUrl }
      : { baseUrl: config.vnfm.baseUrl }),
  };

  let migrator: Migrator;
  if (config.migrator.driver === 'lab') {
    if (!lab) throw new Error('lab not started');
    migrator = new NovaMigrator({ ...lab.info.keystone });
  } else {
    const { driver: _driver, computeUrl, microversion, ...novaConfig } = config.migrator;
    migrator = new NovaMigrator({
      ...novaConfig,
      ...(computeUrl !== undefined ? { computeUrl } : {}),
      ...(microversion !== undefined ? { microversion } : {}),
    });
  }
  cleanup.defer('close migrator driver', () => migrator.close());
  description.migrator = {
    driver: migrator.name,
    authUrl: config.migrator.driver === 'lab' ? lab?.info.keystone.authUrl : config.migrator.authUrl,
  };

  const traffic = new BuiltinTraffic({
    sinkHost: config.traffic.sinkHost,
    sinkPort: config.traffic.sinkPort,
    graceMs: config.traffic.graceMs,
  });
  cleanup.defer('close traffic', () => traffic.close());
  const { sink } = await traffic.prepare();
  description.traffic = { driver: traffic.name, sink };

  return {
    vnfm,
    migrator,
    traffic,
    em: new LabElementManager(),
    vnfConfigurator: new FileVnfConfigurator(),
    vnfAgent: new HttpVnfAgent(),
    // The lab's VNF learns where to forward from instantiation; a real VNF from its own config.
    harnessInstantiateParams: lab ? { egress: sink } : {},
    description,
  };
}
