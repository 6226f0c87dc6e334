/**
 * The embedded lab, assembled: a fabric, compute hosts (each its own OS
 * process), the VIM with its Nova-compatible API and Keystone, and the
 * SOL003 VNFM, all on 127.0.0.1. `startLab` runs it in this process;
 * `lab-process.ts` runs it in a child process for the harness.
 */
import { randomBytes } from 'node:crypto';
import type { LabConfig } from '../config/schema.js';
import { startFabric } from './fabric/fabric-client.js';
import type { ComputeHost, Fabric } from './hypervisor/hypervisor.js';
import { startProcessHost } from './hypervisor/process/host-client.js';
import { LabVim } from './vim/lab-vim.js';
import { startNovaApi } from './vim/nova/nova-api.js';
import { DEFAULT_VNFD_ID } from './vnfm/lab-vnfd.js';
import { startLabVnfm } from './vnfm/server.js';

/** What a user (or the harness) needs to reach the lab. Printed by `vnflab lab up --json`. */
export interface LabInfo {
  readonly sol003: { readonly baseUrl: string };
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
}

export interface RunningLab {
  readonly info: LabInfo;
  /** Tear everything down, newest first. Idempotent. */
  stop(): Promise<void>;
}

export async function startLab(config: LabConfig): Promise<RunningLab> {
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
  try {
    const fabric: Fabric = await startFabric();
    teardown.push(() => fabric.shutdown());
    const hosts: ComputeHost[] = [];
    for (let i = 1; i <= config.hosts; i++) {
      const host = await startProcessHost({
        name: `compute-${i}`,
        capacity: config.hostCapacity,
        fabricControl: fabric.controlEndpoint,
      });
      hosts.push(host);
      teardown.push(() => host.shutdown());
    }
    const vim = new LabVim({
      hosts,
      fabric,
      migrationDefaults: {
        bandwidthBytesPerSec: config.migrationBandwidthMiBps * 1024 * 1024,
        downtimeLimitMs: config.downtimeLimitMs,
        maxRounds: config.maxRounds,
      },
    });
    teardown.push(() => vim.close());
    const credentials = {
      username: 'vnflab',
      password: randomBytes(12).toString('base64url'),
      projectName: 'vnflab',
    };
    const nova = await startNovaApi({ vim, credentials });
    teardown.push(() => nova.close());
    const vnfm = await startLabVnfm({ vim, defaultDirtyPagesPerSec: config.dirtyPagesPerSec });
    teardown.push(() => vnfm.close());
    const info: LabInfo = {
      sol003: { baseUrl: vnfm.baseUrl },
      keystone: { authUrl: nova.authUrl, ...credentials },
      nova: { baseUrl: nova.baseUrl },
      vnfdId: DEFAULT_VNFD_ID,
      hosts: hosts.map((h) => ({ name: h.name, pid: (h as { pid?: number }).pid ?? null })),
    };
    return { info, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
