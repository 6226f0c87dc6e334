/**
 * The run configuration: the spec's tcInput and trafficConfigParameter, the
 * spec's timeouts (MAX_VNF_INSTANTIATION_TIME, ...), and where the VNFM, VIM
 * and traffic are. One zod schema; YAML files and CLI flags both land here.
 */
import { z } from 'zod';
import { iperf3ConfigSchema } from '../drivers/iperf3/config.js';
import { checkKubevirtAccess, kubevirtConfigShape } from '../drivers/kubevirt/config.js';
import { checkNovaCredentials, novaConfigShape } from '../drivers/nova/config.js';
import { checkSol003Auth, sol003ConfigShape } from '../drivers/sol003/config.js';
import { labSchema } from '../lab/config.js';
import { V_RESOURCE_TYPES } from '../ports/vnfm.js';

const endpoint = z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict();

/** tcInput of the spec. */
export const tcInputSchema = z
  .object({
    /** SwImageID: the VNFD's software image the VNF is instantiated from. */
    swImageId: z.string().min(1).default('sw-vnflab-udp-fwd-1.0'),
    /** Default: the test case's (a live-migratable VNF for 001/002, an offline-only one for 003/004). */
    vnfdId: z.string().min(1).optional(),
    flavourId: z.string().min(1).default('default'),
    vnfInstanceName: z.string().min(1).default('vnflab-tc-vnf'),
    /** triggerType: who starts the migration. */
    triggerType: z.enum(['vnfm', 'load', 'em', 'vnf']).default('vnfm'),
    /** vResourceType: the vResource to migrate. */
    vResourceType: z.enum(V_RESOURCE_TYPES).default('vMemory'),
    /** EM_VNF_SYSTEM: configure the VNF through an element manager. */
    emVnfSystem: z.boolean().default(false),
    emConfigFile: z.string().min(1).optional(),
    vnfConfigFile: z.string().min(1).optional(),
    vnfLicenseFile: z.string().min(1).optional(),
  })
  .strict();

/** trafficConfigParameter of the spec. */
export const trafficSchema = z
  .object({
    /** 'builtin' (vnflab's own generator and analyzer) or 'iperf3' (docs/traffic.md). */
    driver: z.enum(['builtin', 'iperf3']).default('builtin'),
    /** Options of the iperf3 driver. */
    iperf3: iperf3ConfigSchema.exactOptional(),
    /** The plan's "low traffic load" of step 6. */
    loadLevel: z.enum(['LOW', 'NORMAL', 'MAX']).default('LOW'),
    loadLevels: z
      .object({
        LOW: z.number().positive().default(10_000),
        NORMAL: z.number().positive().default(50_000),
        MAX: z.number().positive().default(100_000),
      })
      .strict()
      .default({ LOW: 10_000, NORMAL: 50_000, MAX: 100_000 }),
    packetSizeBytes: z.number().int().min(32).max(8192).default(64),
    flows: z.number().int().min(1).max(64).default(1),
    /** How long steps 7 and 10 watch the traffic before judging it. */
    validationPeriodMs: z.number().int().min(100).default(1_000),
    /** triggerType 'load': the "higher traffic load over a longer period" the trigger raises to. */
    triggerLoadLevel: z.enum(['LOW', 'NORMAL', 'MAX']).default('NORMAL'),
    /**
     * How long a packet may be in flight before it counts as lost (RFC 2680
     * Tmax); one that arrives later is still lost but also counted as 'late'
     * (delayed, not dropped). 1 s: a VNF or host that queues packets for
     * 100-200 ms while busy (seen in the process lab on a loaded 2-core
     * machine) delays them, it does not drop them, and a shorter wait turned
     * that queueing into loss episodes that had nothing to do with the
     * migration. The latency histograms show such delays.
     */
    graceMs: z.number().int().min(1).max(10_000).default(1_000),
    /** Where to send; default: the data-plane address the VNFM reports (the lab does). */
    target: endpoint.optional(),
    /** Address the receiver binds; the VNF must forward there. */
    sinkHost: z.string().min(1).default('127.0.0.1'),
    sinkPort: z.number().int().min(0).max(65535).default(0),
  })
  .strict()
  .superRefine((t, ctx) => {
    // Options nothing would read are more likely a forgotten `driver: iperf3` than intended.
    if (t.iperf3 !== undefined && t.driver !== 'iperf3')
      ctx.addIssue({
        code: 'custom',
        path: ['iperf3'],
        message: "only used with driver 'iperf3': set traffic.driver: iperf3 or remove traffic.iperf3",
      });
  });

/** The spec's timeouts, in ms instead of the pseudo-code's 1 s loop counts. */
export const timeoutsSchema = z
  .object({
    maxVnfInstantiationTimeMs: z.number().int().positive().default(60_000),
    maxVnfActivateTimeMs: z.number().int().positive().default(30_000),
    maxMigrationTimeMs: z.number().int().positive().default(120_000),
    maxVnfTerminateTimeMs: z.number().int().positive().default(60_000),
    pollIntervalMs: z.number().int().positive().default(100),
    /** triggerType em / vnf / load: how long to wait for the migration they cause to appear in the VIM. */
    maxTriggerWaitMs: z.number().int().positive().default(30_000),
  })
  .strict();

/**
 * Pass criteria (docs/configuration.md): limits on what the run measures.
 * Each one set is judged and recorded with value, limit and outcome; none
 * set, the disruption is measured but not judged (the run says so). Loss
 * during the move outside the switch-over is judged with limit 0 unless
 * maxLossOutsideSwitchOverPackets allows more.
 */
export const criteriaSchema = z
  .object({
    /** Service disruption over the move, RFC 6201 frame-loss method (step 11), ms. */
    maxServiceDisruptionMs: z.number().positive().optional(),
    /** Loss in the switch-over (blackout: pause to the path's switch), frame-loss method, ms. */
    maxSwitchOverMs: z.number().positive().optional(),
    /** Migration time, trigger to completion, ms. */
    maxMigrationTimeMs: z.number().positive().optional(),
    /** Packets lost during the move outside the switch-over (pre-copy, after the switch); default 0. */
    maxLossOutsideSwitchOverPackets: z.number().int().min(0).optional(),
    /** One-way latency p99 of the worst flow over the run, ms. */
    maxLatencyP99Ms: z.number().positive().optional(),
    /** Largest error bound on the disruption figure (tester self-checks) the verdict accepts, ms; default max(1, 5 % of the figure). */
    maxMeasurementErrorMs: z.number().min(0).optional(),
  })
  .strict();

export const vnfmSchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('lab') }).strict(),
  // docs/tacker.md: every field and how it maps onto the driver.
  z
    .object({ driver: z.literal('sol003'), ...sol003ConfigShape })
    .strict()
    .superRefine(checkSol003Auth),
]);

export const migratorSchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('lab') }).strict(),
  // docs/openstack.md
  z
    .object({ driver: z.literal('nova'), ...novaConfigShape })
    .strict()
    .superRefine(checkNovaCredentials),
  // docs/kubevirt.md
  z
    .object({ driver: z.literal('kubevirt'), ...kubevirtConfigShape })
    .strict()
    .superRefine(checkKubevirtAccess),
]);

export const configSchema = z
  .object({
    testCase: z.string().min(1).default('TC_VNF_MIGRATE_002'),
    tcInput: tcInputSchema.default(tcInputSchema.parse({})),
    traffic: trafficSchema.default(trafficSchema.parse({})),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
    criteria: criteriaSchema.default({}),
    lab: labSchema.default(labSchema.parse({})),
    /** 'lab' = the embedded lab's SOL003 VNFM over HTTP. */
    vnfm: vnfmSchema.default({ driver: 'lab' }),
    /** 'lab' = nova driver against the embedded lab's Nova-compatible API. */
    migrator: migratorSchema.default({ driver: 'lab' }),
    migration: z
      .object({ targetHost: z.string().min(1).optional() })
      .strict()
      .default({}),
  })
  .strict();

export type VnflabConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type TrafficConfig = z.infer<typeof trafficSchema>;

/** A config with the test case's defaults applied (what a run uses). */
export type RunConfig = VnflabConfig & {
  readonly tcInput: VnflabConfig['tcInput'] & { readonly vnfdId: string };
};
