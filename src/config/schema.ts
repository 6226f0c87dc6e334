/**
 * The run configuration: the spec's tcInput and trafficConfigParameter, the
 * spec's timeouts (MAX_VNF_INSTANTIATION_TIME, ...), and where the VNFM, VIM
 * and traffic are. One zod schema; YAML files and CLI flags both land here.
 * Every field has a description: `vnflab schema` turns them into the JSON
 * Schema an editor shows (docs/config.schema.json).
 */
import { z } from 'zod';
import { iperf3ConfigSchema } from '../drivers/iperf3/config.js';
import { checkKubevirtAccess, kubevirtConfigShape } from '../drivers/kubevirt/config.js';
import { checkNovaCredentials, novaConfigShape } from '../drivers/nova/config.js';
import { checkSol003Auth, sol003ConfigShape } from '../drivers/sol003/config.js';
import { labSchema } from '../lab/config.js';
import { V_RESOURCE_TYPES } from '../ports/vnfm.js';

const endpoint = z
  .object({
    host: z.string().min(1).describe('Host name or IP address.'),
    port: z.number().int().min(1).max(65535).describe('UDP port.'),
  })
  .strict();

const LOAD_LEVEL = z.enum(['LOW', 'NORMAL', 'MAX']);

/** tcInput of the spec. */
export const tcInputSchema = z
  .object({
    swImageId: z
      .string()
      .min(1)
      .default('sw-vnflab-udp-fwd-1.0')
      .describe("SwImageID: the VNFD's software image the VNF is instantiated from."),
    vnfdId: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The VNFD to instantiate (--vnfd). Default: the test case's (a live-migratable VNF for 001/002, an offline-only one for 003/004).",
      ),
    flavourId: z.string().min(1).default('default').describe('The deployment flavour of the VNFD.'),
    vnfInstanceName: z.string().min(1).default('vnflab-tc-vnf').describe('Name of the VNF instance.'),
    triggerType: z
      .enum(['vnfm', 'load', 'em', 'vnf'])
      .default('vnfm')
      .describe(
        "triggerType: who starts the migration (--trigger): vnfm (a command to the VNFM), load (a higher load; the VNFM's policy decides), em (the element manager asks the VNFM), vnf (the VNF asks).",
      ),
    vResourceType: z
      .enum(V_RESOURCE_TYPES)
      .default('vMemory')
      .describe('vResourceType: the vResource to migrate (--resource).'),
    emVnfSystem: z
      .boolean()
      .default(false)
      .describe('EM_VNF_SYSTEM: configure the VNF through an element manager (needs emConfigFile).'),
    emConfigFile: z
      .string()
      .min(1)
      .optional()
      .describe('emConfigFile: the element manager configuration, relative to this file (--em-config).'),
    vnfConfigFile: z
      .string()
      .min(1)
      .optional()
      .describe("vnfConfigFile: the VNF's own configuration, relative to this file (--vnf-config)."),
    vnfLicenseFile: z
      .string()
      .min(1)
      .optional()
      .describe("vnfLicenseFile: the VNF's license, relative to this file (--license)."),
  })
  .strict();

/** trafficConfigParameter of the spec. */
export const trafficSchema = z
  .object({
    driver: z
      .enum(['builtin', 'iperf3', 'none'])
      .default('builtin')
      .describe(
        "Traffic generator and analyzer: 'builtin' (vnflab's own), 'iperf3' (docs/traffic.md), or 'none' (no data plane: the traffic steps are SKIPPED, the verdict covers the control plane only).",
      ),
    iperf3: iperf3ConfigSchema
      .exactOptional()
      .describe('Options of the iperf3 driver (with driver: iperf3).'),
    loadLevel: LOAD_LEVEL.default('LOW').describe('The load level of step 6 ("Generate low traffic load").'),
    loadLevels: z
      .object({
        LOW: z.number().positive().default(10_000).describe('Packets/s of the LOW load level.'),
        NORMAL: z.number().positive().default(50_000).describe('Packets/s of the NORMAL load level.'),
        MAX: z.number().positive().default(100_000).describe('Packets/s of the MAX load level.'),
      })
      .strict()
      .default({ LOW: 10_000, NORMAL: 50_000, MAX: 100_000 })
      .describe("Packets/s of each load level (--rate sets the chosen level's)."),
    packetSizeBytes: z
      .number()
      .int()
      .min(32)
      .max(8192)
      .default(64)
      .describe("UDP payload size, bytes (at least 32: vnflab's header)."),
    flows: z.number().int().min(1).max(64).default(1).describe('Flows, each with its own sequence numbers.'),
    validationPeriodMs: z
      .number()
      .int()
      .min(100)
      .default(1_000)
      .describe('How long steps 7 and 10 watch the traffic before judging it, ms.'),
    triggerLoadLevel: LOAD_LEVEL.default('NORMAL').describe(
      "triggerType 'load': the higher load level the trigger raises the traffic to.",
    ),
    // 1 s: a VNF or host that queues packets for 100-200 ms while busy (seen
    // in the process lab on a loaded 2-core machine) delays them, it does not
    // drop them, and a shorter wait turned that queueing into loss episodes
    // that had nothing to do with the migration. The latency histograms show
    // such delays.
    graceMs: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(1_000)
      .describe(
        "How long a packet may be in flight before it counts as lost (RFC 2680 Tmax), ms; one arriving later is also counted 'late'.",
      ),
    target: endpoint
      .optional()
      .describe(
        'Where the generator sends; default: the data-plane address the VNFM reports (the lab does).',
      ),
    sinkHost: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address the receiver binds; the VNF must forward there.'),
    sinkPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(0)
      .describe('UDP port the receiver binds; 0: any free port.'),
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
    maxVnfInstantiationTimeMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('MAX_VNF_INSTANTIATION_TIME: longest wait for the VNF to be instantiated (Inactive), ms.'),
    maxVnfActivateTimeMs: z
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe('MAX_VNF_ACTIVATE_TIME: longest wait for the started VNF to be Active, ms.'),
    maxMigrationTimeMs: z
      .number()
      .int()
      .positive()
      .default(120_000)
      .describe('Longest a migration may stay IN_PROGRESS; then it is aborted and the step fails, ms.'),
    maxVnfTerminateTimeMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Longest wait for termination, also during cleanup, ms.'),
    pollIntervalMs: z.number().int().positive().default(100).describe('Polling period of every wait, ms.'),
    maxTriggerWaitMs: z
      .number()
      .int()
      .positive()
      .default(30_000)
      .describe(
        'triggerType em / vnf / load: how long the VIM may take to show the migration they cause, ms.',
      ),
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
    maxServiceDisruptionMs: z
      .number()
      .positive()
      .optional()
      .describe(
        'Fail above this service disruption over the move, RFC 6201 frame-loss method (step 11), ms (--max-disruption-ms).',
      ),
    maxSwitchOverMs: z
      .number()
      .positive()
      .optional()
      .describe(
        "Fail above this loss in the switch-over (blackout: the pause to the path's switch), frame-loss method, ms (--max-switchover-ms).",
      ),
    maxMigrationTimeMs: z
      .number()
      .positive()
      .optional()
      .describe('Fail above this migration time, trigger to completion, ms (--max-migration-ms).'),
    maxLossOutsideSwitchOverPackets: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'Fail above this many packets lost during the move outside the switch-over (pre-copy, after the switch); default 0 when traffic flows through the move.',
      ),
    maxLatencyP99Ms: z
      .number()
      .positive()
      .optional()
      .describe('Fail above this one-way latency p99 of the worst flow over the run, ms (--max-latency-ms).'),
    maxMeasurementErrorMs: z
      .number()
      .min(0)
      .optional()
      .describe(
        "Not a limit on the system: the largest error bound the tester's self-checks may put on the disruption figure before the run is INCONCLUSIVE, ms; default the larger of 1 ms and 5 % of the figure.",
      ),
    baseline: z
      .object({
        tag: z
          .string()
          .min(1)
          .default('default')
          .describe("The baseline's tag (vnflab baseline set RUN --tag TAG)."),
        factor: z
          .number()
          .positive()
          .default(4)
          .describe("The limit is this many times the baseline's largest disruption..."),
        capMs: z.number().positive().default(5000).describe('...but never above this, ms.'),
        runId: z.string().min(1).optional().describe('Filled by vnflab from the history: the baseline run.'),
        maxMs: z
          .number()
          .min(0)
          .optional()
          .describe("Filled by vnflab: the largest disruption over the baseline's passing trials, ms."),
        trials: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('Filled by vnflab: how many trials measured it.'),
      })
      .strict()
      .optional()
      .describe(
        "Derive maxServiceDisruptionMs from recorded trials (--baseline TAG): min(factor x the baseline's largest disruption, capMs), as OpenShift's stuntime tests do (docs/trials-and-history.md).",
      ),
  })
  .strict();

const LAB_DRIVER = z.literal('lab');

export const vnfmSchema = z.discriminatedUnion('driver', [
  z
    .object({
      driver: LAB_DRIVER.describe("The embedded lab's SOL003 VNFM over HTTP (OAuth 2.0 on)."),
    })
    .strict(),
  // docs/tacker.md: every field and how it maps onto the driver.
  z
    .object({
      driver: z.literal('sol003').describe('An ETSI SOL003 VNFM such as Tacker (docs/tacker.md).'),
      ...sol003ConfigShape,
    })
    .strict()
    .superRefine(checkSol003Auth),
]);

export const migratorSchema = z.discriminatedUnion('driver', [
  z
    .object({
      driver: LAB_DRIVER.describe("The nova driver against the embedded lab's Nova-compatible API."),
    })
    .strict(),
  // docs/openstack.md
  z
    .object({
      driver: z.literal('nova').describe("OpenStack Nova's os-migrateLive (docs/openstack.md)."),
      ...novaConfigShape,
    })
    .strict()
    .superRefine(checkNovaCredentials),
  // docs/kubevirt.md
  z
    .object({
      driver: z
        .literal('kubevirt')
        .describe(
          'KubeVirt VirtualMachineInstanceMigrations (docs/kubevirt.md; needs the optional @kubernetes/client-node).',
        ),
      ...kubevirtConfigShape,
    })
    .strict()
    .superRefine(checkKubevirtAccess),
]);

export const configSchema = z
  .object({
    testCase: z
      .string()
      .min(1)
      .default('TC_VNF_MIGRATE_002')
      .describe('The test case to run (vnflab list shows them).'),
    tcInput: tcInputSchema
      .default(tcInputSchema.parse({}))
      .describe("tcInput: the test case's inputs, named as in the test plan."),
    traffic: trafficSchema
      .default(trafficSchema.parse({}))
      .describe('trafficConfigParameter: the traffic sent through the VNF during the run.'),
    timeouts: timeoutsSchema
      .default(timeoutsSchema.parse({}))
      .describe("The test plan's timeouts, in ms instead of the pseudo-code's 1 s loop counts."),
    criteria: criteriaSchema
      .default({})
      .describe(
        'Pass criteria: limits on what the run measures; each one set is judged and recorded (docs/configuration.md).',
      ),
    lab: labSchema
      .default(labSchema.parse({}))
      .describe("The embedded lab (used when vnfm.driver is 'lab')."),
    vnfm: vnfmSchema
      .default({ driver: 'lab' })
      .describe("The VNF Manager the steps drive: 'lab' (the embedded lab's) or 'sol003'."),
    migrator: migratorSchema
      .default({ driver: 'lab' })
      .describe("What moves the VNF's vResources: 'lab' (the embedded lab's Nova), 'nova' or 'kubevirt'."),
    migration: z
      .object({
        targetHost: z
          .string()
          .min(1)
          .optional()
          .describe("Destination host of the migration; default: the scheduler's choice."),
      })
      .strict()
      .default({})
      .describe('The migration itself.'),
  })
  .strict();

export type VnflabConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type TrafficConfig = z.infer<typeof trafficSchema>;

/** A config with the test case's defaults applied (what a run uses). */
export type RunConfig = VnflabConfig & {
  readonly tcInput: VnflabConfig['tcInput'] & { readonly vnfdId: string };
};
