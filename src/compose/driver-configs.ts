/**
 * What each port's driver is built from, computed from the run
 * configuration alone: no network, no processes, so a config's effect can
 * be checked (and its mistakes reported as ConfigError, CLI exit 2) before
 * anything starts. createEnvironment builds the drivers from this.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../util/errors.js';
import type { VnflabConfig } from '../config/schema.js';
import { toIperf3TrafficOptions } from '../drivers/iperf3/config.js';
import type { Iperf3TrafficOptions } from '../drivers/iperf3/iperf3-traffic.js';
import { toKubevirtMigratorConfig } from '../drivers/kubevirt/config.js';
import type { KubevirtMigratorConfig } from '../drivers/kubevirt/kubevirt-migrator.js';
import { toNovaMigratorConfig } from '../drivers/nova/config.js';
import type { NovaMigratorConfig } from '../drivers/nova/nova-migrator.js';
import { toSol003VnfmConfig } from '../drivers/sol003/config.js';
import type { Sol003VnfmConfig } from '../drivers/sol003/sol003-vnfm.js';

/** 'lab': the embedded lab's, known once it is up (its URLs and generated credentials). */
export interface DriverConfigs {
  readonly vnfm:
    { readonly driver: 'lab' } | { readonly driver: 'sol003'; readonly config: Sol003VnfmConfig };
  readonly migrator:
    | { readonly driver: 'lab' }
    | { readonly driver: 'nova'; readonly config: NovaMigratorConfig }
    | { readonly driver: 'kubevirt'; readonly config: KubevirtMigratorConfig };
  readonly traffic:
    | { readonly driver: 'builtin' }
    | { readonly driver: 'none' }
    | { readonly driver: 'iperf3'; readonly options: Iperf3TrafficOptions };
}

/**
 * The driver configurations of a parsed run configuration. Relative paths
 * (vnfdFile, CA files, kubeconfig, the iperf3 binary) resolve against
 * `baseDir`, the config file's folder; secrets named by environment
 * variable come from `env`. ConfigError (one line naming the field) when a
 * named variable is unset or the drivers cannot work together.
 */
export function driverConfigs(
  config: VnflabConfig,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): DriverConfigs {
  const resolveFile = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  return {
    vnfm:
      config.vnfm.driver === 'sol003'
        ? { driver: 'sol003', config: toSol003VnfmConfig(config.vnfm, resolveFile) }
        : { driver: 'lab' },
    migrator: migratorConfig(config.migrator, resolveFile, env),
    traffic: trafficConfig(config, resolveFile),
  };
}

function migratorConfig(
  m: VnflabConfig['migrator'],
  resolveFile: (path: string) => string,
  env: Readonly<Record<string, string | undefined>>,
): DriverConfigs['migrator'] {
  switch (m.driver) {
    case 'lab':
      return { driver: 'lab' };
    case 'nova': {
      const { driver: _driver, ...nova } = m;
      return { driver: 'nova', config: toNovaMigratorConfig(nova, resolveFile, env) };
    }
    case 'kubevirt': {
      const { driver: _driver, ...kubevirt } = m;
      return { driver: 'kubevirt', config: toKubevirtMigratorConfig(kubevirt, resolveFile) };
    }
  }
}

function trafficConfig(
  config: VnflabConfig,
  resolveFile: (path: string) => string,
): DriverConfigs['traffic'] {
  const t = config.traffic;
  if (t.driver === 'builtin') return { driver: 'builtin' };
  if (t.driver === 'none') {
    // The load trigger raises the traffic: with none there is nothing to raise.
    if (config.tcInput.triggerType === 'load')
      throw new ConfigError(
        'traffic.driver: none cannot go with tcInput.triggerType: load (the trigger raises the traffic): set traffic.driver: builtin or another triggerType',
      );
    // Every criterion but the migration time judges traffic: with none there is nothing to judge it on.
    const judged = (
      [
        'maxServiceDisruptionMs',
        'maxSwitchOverMs',
        'maxLossOutsideSwitchOverPackets',
        'maxLatencyP99Ms',
      ] as const
    ).find((k) => config.criteria[k] !== undefined);
    if (judged !== undefined)
      throw new ConfigError(
        `criteria.${judged}: traffic.driver: none sends no traffic, so nothing can judge it: remove criteria.${judged} (or its --max-* option), or set traffic.driver: builtin`,
      );
    return { driver: 'none' };
  }
  // docs/traffic.md: iperf3's TCP control connection goes to the VNF's data-plane address, and
  // the process lab's VNF forwards UDP only, so every run would fail at StartTraffic.
  if (config.vnfm.driver === 'lab' && config.lab.hypervisor === 'process')
    throw new ConfigError(
      "traffic.driver: iperf3 cannot run through the process lab's VNF (it forwards UDP only, iperf3 needs TCP too): use traffic.driver: builtin, or a VNF that routes",
    );
  return { driver: 'iperf3', options: toIperf3TrafficOptions(t.iperf3 ?? {}, t, resolveFile) };
}
