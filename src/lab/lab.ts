/**
 * The embedded lab, assembled: a fabric, compute hosts, the VIM with its
 * Nova-compatible API and Keystone, and the SOL003 VNFM, all on 127.0.0.1.
 * The hosts are OS processes (hypervisor 'process'), or network namespaces
 * running QEMU guests (hypervisor 'qemu', lab-compute.ts); the VIM and the
 * VNFM above them are the same. `startLab` runs it in this process;
 * `lab-process.ts` runs it in a child process for the harness.
 */
import { randomBytes } from 'node:crypto';
import type { LabConfig } from './config.js';
import { startLabCompute, type LabTrafficEndpoints } from './lab-compute.js';
import { LabVim } from './vim/lab-vim.js';
import { startNovaApi } from './vim/nova/nova-api.js';
import { DEFAULT_VNFD_ID } from './vnfm/lab-vnfd.js';
import type { LoadPolicyConfig, LoadSource } from './vnfm/load-policy.js';
import { startLabVnfm } from './vnfm/server.js';
import { parseLabFaults } from './faults.js';
import { injectProcessFault, type ProcessFault } from './process-faults.js';

/** How clients authenticate to the lab's SOL003 VNFM. */
export type LabVnfmAuthMode = 'oauth2' | 'none';

/** What a user (or the harness) needs to reach the lab. Printed by `vnflab lab up --json`. */
export interface LabInfo {
  readonly sol003: {
    /** `{apiRoot}/vnflcm/v2` */
    readonly baseUrl: string;
    /** OAuth 2.0 client-credentials token endpoint (RFC 6749 §4.4); absent when auth is off. */
    readonly tokenUrl?: string;
    readonly clientId?: string;
    readonly clientSecret?: string;
  };
  readonly keystone: {
    readonly authUrl: string;
    readonly username: string;
    readonly password: string;
    readonly projectName: string;
  };
  readonly nova: { readonly baseUrl: string };
  /** A VNFD the lab can instantiate. */
  readonly vnfdId: string;
  readonly hosts: readonly { readonly name: string; readonly pid: number | null }[];
  /** Which compute layer the lab runs (absent in older LabInfo: 'process'). */
  readonly hypervisor?: LabConfig['hypervisor'];
  /**
   * Where the built-in traffic must bind and send for its packets to flow
   * through the VNF; absent: anywhere on loopback (the process lab).
   */
  readonly traffic?: LabTrafficEndpoints;
  /** The QEMU lab's id: its namespaces are vnflab-<id>-*, cleanupQemuLabs({ labId }) removes them. */
  readonly qemuLabId?: string;
}

export interface RunningLab {
  readonly info: LabInfo;
  /** Kill or freeze a lab process now (a timed fault of lab.faults); says what was done. */
  injectProcessFault(fault: ProcessFault): Promise<string>;
  /** Tear everything down, newest first. Idempotent. */
  stop(): Promise<void>;
}

/** How the lab is started, beyond its LabConfig. */
export interface LabStartOptions {
  /** TCP port of the SOL003 VNFM on 127.0.0.1; default 0 (any free port). */
  readonly sol003Port?: number;
  /**
   * 'oauth2' (default): the VNFM issues client-credentials tokens to
   * generated credentials (in LabInfo.sol003) and requires them as bearer
   * tokens; 'none' leaves it open, for local exploration.
   */
  readonly vnfmAuth?: LabVnfmAuthMode;
  /**
   * The VNFM's load policy (trigger type `load`); off without it. The load
   * is each server's forwarded-packet rate from the lab VIM (serverStats)
   * unless another `source` is given.
   */
  readonly loadPolicy?: LoadPolicyConfig & { readonly source?: LoadSource };
}

export async function startLab(config: LabConfig, options: LabStartOptions = {}): Promise<RunningLab> {
  const teardown: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    while (teardown.length > 0) {
      const step = teardown.pop();
      try {
        await step?.();
      } catch {
        // Keep tearing down: a failing part must not leave the others running.
      }
    }
  };
  const faults = parseLabFaults(config.faults);
  const migrationFault = faults.find((f) => f.kind === 'migration');
  try {
    const compute = await startLabCompute(config);
    teardown.push(() => compute.stop());
    const { hosts } = compute;
    const vim = new LabVim({
      hosts,
      fabric: compute.fabric,
      ...compute.vimTiming,
      migrationDefaults: {
        bandwidthBytesPerSec: config.migrationBandwidthMiBps * 1024 * 1024,
        downtimeLimitMs: config.downtimeLimitMs,
        maxRounds: config.maxRounds,
      },
      ...(migrationFault ? { migrationFault: migrationFault.spec } : {}),
    });
    teardown.push(() => vim.close());
    const credentials = {
      username: 'vnflab',
      password: randomBytes(12).toString('base64url'),
      projectName: 'vnflab',
    };
    const nova = await startNovaApi({ vim, credentials, requestTimeoutMs: config.apiTimeoutMs });
    teardown.push(() => nova.close());
    const oauth2 =
      (options.vnfmAuth ?? 'oauth2') === 'oauth2'
        ? { clientId: 'vnflab', clientSecret: randomBytes(18).toString('base64url') }
        : null;
    const vnfm = await startLabVnfm({
      vim,
      defaultDirtyPagesPerSec: config.dirtyPagesPerSec,
      requestTimeoutMs: config.apiTimeoutMs,
      callbackAllowList: config.callbackAllowList,
      faults: faults.flatMap((f) => (f.kind === 'vnfm' ? [f] : [])),
      ...(options.sol003Port !== undefined ? { port: options.sol003Port } : {}),
      ...(oauth2 ? { auth: { oauth2 } } : {}),
      ...(options.loadPolicy
        ? {
            loadPolicy: {
              ...options.loadPolicy,
              source: options.loadPolicy.source ?? {
                packetRateHz: async (serverId: string) => (await vim.serverStats(serverId)).packetRateHz,
              },
            },
          }
        : {}),
    });
    teardown.push(() => vnfm.close());
    const info: LabInfo = {
      sol003: {
        baseUrl: vnfm.baseUrl,
        ...(oauth2 && vnfm.tokenUrl !== null ? { tokenUrl: vnfm.tokenUrl, ...oauth2 } : {}),
      },
      keystone: { authUrl: nova.authUrl, ...credentials },
      nova: { baseUrl: nova.baseUrl },
      vnfdId: DEFAULT_VNFD_ID,
      hosts: hosts.map((h) => ({ name: h.name, pid: (h as { pid?: number }).pid ?? null })),
      hypervisor: config.hypervisor,
      ...(compute.traffic !== undefined ? { traffic: compute.traffic } : {}),
      ...(compute.qemuLabId !== undefined ? { qemuLabId: compute.qemuLabId } : {}),
    };
    const pidOf = (part: object): number | null => (part as { pid?: number }).pid ?? null;
    const processes = {
      fabricPid: config.hypervisor === 'process' ? pidOf(compute.fabric) : null,
      hostPids: new Map(
        hosts.flatMap((h) => {
          const pid = config.hypervisor === 'process' ? pidOf(h) : null;
          return pid === null ? [] : [[h.name, pid] as const];
        }),
      ),
    };
    return { info, stop, injectProcessFault: (fault) => injectProcessFault(fault, vim, processes) };
  } catch (err) {
    await stop();
    throw err;
  }
}
