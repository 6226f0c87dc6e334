/**
 * The embedded lab's configuration (the run config's `lab` section): the lab
 * contributes its own schema, as each driver does; config/schema.ts
 * assembles them.
 */
import { z } from 'zod';
import { LOOPBACK_CALLBACK_HOSTS, parseAllowEntry } from './vnfm/callback-allow-list.js';
import { parseLabFault } from './faults.js';
import { DEFAULT_COOLDOWN_MS, DEFAULT_SUSTAIN_MS } from './vnfm/load-policy.js';

/** The embedded lab (used when `vnfm.driver` is 'lab'). */
export const labSchema = z
  .object({
    hypervisor: z
      .enum(['process', 'qemu'])
      .default('process')
      .describe(
        "The compute hosts: 'process' (OS processes) or 'qemu' (a Linux guest under QEMU, root only; docs/qemu-lab.md) (--lab).",
      ),
    hosts: z.number().int().min(2).max(8).default(2).describe('Compute hosts.'),
    hostCapacity: z
      .object({
        vCpu: z.number().int().positive().default(8).describe('vCPUs of each host.'),
        memoryMiB: z.number().int().positive().default(4096).describe('Memory of each host, MiB.'),
        storageGiB: z.number().int().positive().default(100).describe('Storage of each host, GiB.'),
        nics: z.number().int().positive().default(8).describe('NICs of each host.'),
      })
      .strict()
      .default({ vCpu: 8, memoryMiB: 4096, storageGiB: 100, nics: 8 })
      .describe('What each compute host offers the scheduler.'),
    dirtyPagesPerSec: z
      .number()
      .min(0)
      .default(2_000)
      .describe("Background page-dirtying rate of the VNF's workload, 4 KiB pages/s."),
    // The three below are QEMU-like migrate-set-parameters for the lab's hypervisor.
    migrationBandwidthMiBps: z
      .number()
      .positive()
      .default(256)
      .describe('Bandwidth limit of the migration stream, MiB/s (QEMU max-bandwidth).'),
    downtimeLimitMs: z
      .number()
      .positive()
      .default(30)
      .describe('Stop and copy once the rest fits in this long, ms (QEMU downtime-limit).'),
    maxRounds: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe('Stop and copy after this many pre-copy rounds at the latest.'),
    // Each call the lab makes into a compute host or fabric process has this
    // deadline: a host that is stopped or hung fails the VIM's call (and so
    // the Nova / SOL003 request) instead of hanging it. A migration is not
    // bound by it: its host is polled this often instead.
    rpcTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(5_000)
      .describe('Deadline of each call the lab makes into a compute host or fabric process, ms.'),
    // The work goes on behind the 503.
    apiTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(15_000)
      .describe(
        "The lab's Nova API and VNFM answer a request they could not serve within this long with 503, ms.",
      ),
    // Default loopback only, so a client cannot make the VNFM send requests
    // into the network it sits in.
    callbackAllowList: z
      .array(
        z
          .string()
          .superRefine((entry, ctx) => {
            const parsed = parseAllowEntry(entry);
            if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
          })
          .describe('An IP address, a CIDR range or a host name.'),
      )
      .default([...LOOPBACK_CALLBACK_HOSTS])
      .describe(
        "Where the lab VNFM may call back (a subscription's callbackUri and its OAuth 2.0 token endpoint); default loopback only.",
      ),
    loadPolicy: z
      .object({
        thresholdPps: z
          .number()
          .positive()
          .optional()
          .describe(
            'Packet rate above which the VNFM migrates, packets/s; default halfway between the rates of traffic.loadLevel and traffic.triggerLoadLevel.',
          ),
        sustainMs: z
          .number()
          .int()
          .min(0)
          .default(DEFAULT_SUSTAIN_MS)
          .describe('How long the rate must stay above the threshold before the VNFM migrates, ms.'),
        cooldownMs: z
          .number()
          .int()
          .min(0)
          .default(DEFAULT_COOLDOWN_MS)
          .describe('Then the VNFM leaves that VNF alone this long (so step 10 sees no second move), ms.'),
      })
      .strict()
      .optional()
      .describe(
        "The lab VNFM's load policy, on for triggerType 'load' only (\"higher traffic load over a longer period of time\").",
      ),
    faults: z
      .array(
        z
          .string()
          .superRefine((spec, ctx) => {
            const parsed = parseLabFault(spec);
            if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
          })
          .describe(
            'One fault: TARGET=FAULT[@stepN[+MSms]], e.g. vnfm.instantiate=http500, migration=fail-halfway, host.source=sigkill@step8 (docs/faults.md).',
          ),
      )
      .default([])
      .describe(
        'Faults the embedded lab injects (--lab-fault, repeatable; docs/faults.md): VNFM errors, a migration that fails half-way, a host or the fabric killed or frozen at a step, the traffic generator dying.',
      ),
  })
  .strict();

export type LabConfig = z.infer<typeof labSchema>;
