/**
 * The embedded lab's configuration (the run config's `lab` section): the lab
 * contributes its own schema, as each driver does; config/schema.ts
 * assembles them.
 */
import { z } from 'zod';
import { LOOPBACK_CALLBACK_HOSTS, parseAllowEntry } from './vnfm/callback-allow-list.js';
import { DEFAULT_COOLDOWN_MS, DEFAULT_SUSTAIN_MS } from './vnfm/load-policy.js';

/** The embedded lab (used when `vnfm.driver` is 'lab'). */
export const labSchema = z
  .object({
    hypervisor: z.enum(['process', 'qemu']).default('process'),
    hosts: z.number().int().min(2).max(8).default(2),
    hostCapacity: z
      .object({
        vCpu: z.number().int().positive().default(8),
        memoryMiB: z.number().int().positive().default(4096),
        storageGiB: z.number().int().positive().default(100),
        nics: z.number().int().positive().default(8),
      })
      .strict()
      .default({ vCpu: 8, memoryMiB: 4096, storageGiB: 100, nics: 8 }),
    /** Background page-dirtying rate of the VNF's workload (4 KiB pages/s). */
    dirtyPagesPerSec: z.number().min(0).default(2_000),
    /** QEMU-like migrate-set-parameters for the lab's hypervisor. */
    migrationBandwidthMiBps: z.number().positive().default(256),
    downtimeLimitMs: z.number().positive().default(30),
    maxRounds: z.number().int().positive().default(30),
    /**
     * Deadline of each call the lab makes into a compute host or fabric
     * process, ms: a host that is stopped or hung fails the VIM's call (and
     * so the Nova / SOL003 request) instead of hanging it. A migration is
     * not bound by it: its host is polled this often instead.
     */
    rpcTimeoutMs: z.number().int().positive().default(5_000),
    /**
     * The lab's Nova API and VNFM answer a request they could not serve
     * within this many ms with 503 (Nova fault / ProblemDetails) instead of
     * keeping the client waiting; the work goes on behind it.
     */
    apiTimeoutMs: z.number().int().positive().default(15_000),
    /**
     * Where the lab VNFM may call back (a subscription's callbackUri and its
     * OAuth 2.0 token endpoint): IP addresses, CIDR ranges and host names.
     * Default loopback only, so a client cannot make the VNFM send requests
     * into the network it sits in.
     */
    callbackAllowList: z
      .array(
        z.string().superRefine((entry, ctx) => {
          const parsed = parseAllowEntry(entry);
          if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
        }),
      )
      .default([...LOOPBACK_CALLBACK_HOSTS]),
    /**
     * The lab VNFM's load policy, on for triggerType 'load' only ("higher
     * traffic load over a longer period of time"): it migrates a VNF whose
     * packet rate stayed above thresholdPps for sustainMs, then leaves it
     * alone for cooldownMs. Default threshold: halfway between the rates of
     * traffic.loadLevel and traffic.triggerLoadLevel.
     */
    loadPolicy: z
      .object({
        thresholdPps: z.number().positive().optional(),
        sustainMs: z.number().int().min(0).default(DEFAULT_SUSTAIN_MS),
        cooldownMs: z.number().int().min(0).default(DEFAULT_COOLDOWN_MS),
      })
      .strict()
      .optional(),
  })
  .strict();

export type LabConfig = z.infer<typeof labSchema>;
