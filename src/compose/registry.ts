/**
 * The one place that says which implementation serves which port, by the
 * name the config gives (`vnfm.driver`, `migrator.driver`, `traffic.driver`).
 * Each factory builds its driver from the driver's own configuration
 * (driver-configs.ts) and, for 'lab', from the running embedded lab. Drivers
 * load on demand: a run against external systems never loads the lab's or
 * another driver's code.
 */
import type { LabProcess } from '../lab/lab-process.js';
import type { Migrator } from '../ports/migrator.js';
import type { Traffic } from '../ports/traffic.js';
import type { Vnfm } from '../ports/vnfm.js';
import { VnflabBugError } from '../util/errors.js';
import type { Sol003VnfmConfig } from '../drivers/sol003/sol003-vnfm.js';
import type { DriverConfigs } from './driver-configs.js';
import { labSol003Config } from './lab-drivers.js';
import { requireKubernetesClient } from '../drivers/kubevirt/kubernetes-client.js';
import type { TrafficIoChoice } from '../traffic/udp-batch.js';

/** A driver and what the result record says about it. */
export interface Built<P> {
  readonly port: P;
  readonly description: Record<string, unknown>;
  /** Said once in the run's log when the driver is up (e.g. which I/O path the builtin traffic took). */
  readonly note?: string;
}

/** What a factory may use besides its own configuration. */
export interface FactoryInput {
  /** The embedded lab, when the run started one. */
  readonly lab: LabProcess | null;
  /** The run's traffic settings the builtin generator takes directly; absent: its defaults. */
  readonly traffic?: { readonly sinkHost: string; readonly sinkPort: number; readonly graceMs: number };
}

type Factories<D extends { readonly driver: string }, P> = {
  readonly [K in D['driver']]: (
    config: Extract<D, { readonly driver: K }>,
    input: FactoryInput,
  ) => Promise<Built<P>>;
};

function requireLab(input: FactoryInput): LabProcess {
  if (!input.lab) throw new VnflabBugError("driver 'lab' needs the embedded lab, and none was started");
  return input.lab;
}

/** The SOL003 configuration a `vnfm` driver name resolves to. */
export function vnfmConfigOf(config: DriverConfigs['vnfm'], lab: LabProcess | null): Sol003VnfmConfig {
  return config.driver === 'lab' ? labSol003Config(requireLab({ lab }).info) : config.config;
}

async function sol003(config: Sol003VnfmConfig): Promise<Built<Vnfm>> {
  const { Sol003Vnfm } = await import('../drivers/sol003/sol003-vnfm.js');
  const vnfm = new Sol003Vnfm(config);
  return {
    port: vnfm,
    description: { driver: vnfm.name, baseUrl: config.baseUrl, auth: config.auth?.type ?? 'none' },
  };
}

/** vnfm.driver: 'lab' is the SOL003 driver against the lab's VNFM, through the same client as Tacker. */
export const VNFM_DRIVERS: Factories<DriverConfigs['vnfm'], Vnfm> = {
  lab: async (config, input) => sol003(vnfmConfigOf(config, input.lab)),
  sol003: async (config) => sol003(config.config),
};

/** migrator.driver: 'lab' is the Nova driver against the lab's Nova-compatible API. */
export const MIGRATOR_DRIVERS: Factories<DriverConfigs['migrator'], Migrator> = {
  lab: async (_config, input) => {
    const { NovaMigrator } = await import('../drivers/nova/nova-migrator.js');
    const { keystone } = requireLab(input).info;
    const migrator = new NovaMigrator({ ...keystone });
    return { port: migrator, description: { driver: migrator.name, authUrl: keystone.authUrl } };
  },
  nova: async (config) => {
    const { NovaMigrator } = await import('../drivers/nova/nova-migrator.js');
    const migrator = new NovaMigrator(config.config);
    return { port: migrator, description: { driver: migrator.name, authUrl: config.config.authUrl } };
  },
  kubevirt: async (config) => {
    await requireKubernetesClient();
    const { KubevirtMigrator } = await import('../drivers/kubevirt/kubevirt-migrator.js');
    const migrator = new KubevirtMigrator(config.config);
    return {
      port: migrator,
      description: { driver: migrator.name, server: migrator.server, namespace: migrator.namespace },
    };
  },
};

/**
 * traffic.driver. A lab that says where the traffic must bind and arrive
 * (the QEMU lab: its fabric's address, so packets pass through the guest)
 * overrides loopback.
 */
export const TRAFFIC_DRIVERS: Factories<DriverConfigs['traffic'], Traffic> = {
  builtin: async (_config, input) => {
    const { BuiltinTraffic } = await import('../traffic/builtin-traffic.js');
    const labTraffic = input.lab?.info.traffic;
    const run = input.traffic;
    const traffic = new BuiltinTraffic({
      ...(run !== undefined ? { sinkHost: run.sinkHost, sinkPort: run.sinkPort, graceMs: run.graceMs } : {}),
      ...(labTraffic !== undefined
        ? { sinkHost: labTraffic.sinkHost, sourceHost: labTraffic.sourceHost }
        : {}),
    });
    return {
      port: traffic,
      description: { driver: traffic.name, io: traffic.io.io, ioReason: traffic.io.reason },
      note: describeTrafficIo(traffic.io),
    };
  },
  none: async () => {
    const { NoTraffic } = await import('../traffic/no-traffic.js');
    const traffic = new NoTraffic();
    return { port: traffic, description: { driver: traffic.name } };
  },
  iperf3: async (config, input) => {
    const { Iperf3Traffic } = await import('../drivers/iperf3/index.js');
    const labTraffic = input.lab?.info.traffic;
    const traffic = new Iperf3Traffic({
      ...config.options,
      ...(labTraffic !== undefined ? { sinkHost: labTraffic.sinkHost } : {}),
    });
    return { port: traffic, description: { driver: traffic.name } };
  },
};

/**
 * The optional packages the chosen drivers need are installed
 * (OptionalDependencyMissing names the one that is not): checked before a
 * run starts anything.
 */
export async function requireDriverPackages(configs: DriverConfigs): Promise<void> {
  if (configs.migrator.driver === 'kubevirt') await requireKubernetesClient();
}

/** Build the driver a configuration names, from its table. */
export function build<D extends { readonly driver: string }, P>(
  table: Factories<D, P>,
  config: D,
  input: FactoryInput,
): Promise<Built<P>> {
  const factory = table[config.driver as D['driver']] as (c: D, i: FactoryInput) => Promise<Built<P>>;
  return factory(config, input);
}

/** The log line saying which socket I/O the builtin traffic took. */
export function describeTrafficIo(choice: TrafficIoChoice): string {
  return choice.io === 'native'
    ? `Traffic I/O: native (udp_batch addon: sendmmsg/recvmmsg batches, kernel receive stamps, socket drop counter) - ${choice.reason}`
    : `Traffic I/O: node:dgram (user-space stamps, one syscall per datagram) - ${choice.reason}`;
}

/** The builtin generator alone, on loopback (calibration: no lab, no VNF). */
export async function loopbackTraffic(): Promise<Traffic> {
  const built = await build(TRAFFIC_DRIVERS, { driver: 'builtin' }, { lab: null });
  return built.port;
}
