/**
 * Validation of SOL003 request bodies (SOL003 §5.5.2) and of the lab's
 * instantiation inputs in `additionalParams`. A malformed body is a 400
 * ProblemDetails naming the offending attribute.
 */
import { z } from 'zod';
import type { VimConnectionInfo } from '../../protocols/sol003/sol003-types.js';
import { ProblemError } from './problem.js';

const keyValuePairs = z.record(z.string(), z.unknown());

const vimConnectionInfo = z.looseObject({
  vimId: z.string().exactOptional(),
  vimType: z.string().min(1),
  interfaceInfo: keyValuePairs.exactOptional(),
  accessInfo: keyValuePairs.exactOptional(),
  extra: keyValuePairs.exactOptional(),
});

/**
 * SOL003 v2 (API 2.0.0) carries vimConnectionInfo as a map keyed by
 * vimConnectionId; the v1 API (and the TST 010 example request) as an array
 * with `id`. Both are accepted and kept as the v2 map.
 */
const vimConnectionInfoMap = z.union([
  z.record(z.string(), vimConnectionInfo),
  z.array(vimConnectionInfo.extend({ id: z.string().min(1) })).transform((list) => {
    const map: Record<string, z.infer<typeof vimConnectionInfo>> = {};
    for (const { id, ...info } of list) map[id] = info;
    return map;
  }),
]);

/** SOL003 §5.5.2.3 CreateVnfRequest. */
export const createVnfRequestSchema = z.looseObject({
  vnfdId: z.string().min(1),
  vnfInstanceName: z.string().exactOptional(),
  vnfInstanceDescription: z.string().exactOptional(),
  metadata: keyValuePairs.exactOptional(),
});

/** SOL003 §5.5.2.4 InstantiateVnfRequest. */
export const instantiateVnfRequestSchema = z.looseObject({
  flavourId: z.string().min(1),
  instantiationLevelId: z.string().exactOptional(),
  extVirtualLinks: z.array(z.unknown()).exactOptional(),
  extManagedVirtualLinks: z.array(z.unknown()).exactOptional(),
  vimConnectionInfo: vimConnectionInfoMap.exactOptional(),
  localizationLanguage: z.string().exactOptional(),
  additionalParams: keyValuePairs.exactOptional(),
  extensions: keyValuePairs.exactOptional(),
  vnfConfigurableProperties: keyValuePairs.exactOptional(),
});

/** SOL003 §5.5.2.10 OperateVnfRequest. */
export const operateVnfRequestSchema = z.looseObject({
  changeStateTo: z.enum(['STARTED', 'STOPPED']),
  stopType: z.enum(['FORCEFUL', 'GRACEFUL']).exactOptional(),
  gracefulStopTimeout: z.number().int().nonnegative().exactOptional(),
  additionalParams: keyValuePairs.exactOptional(),
});

/** SOL003 §5.5.2.8 TerminateVnfRequest. */
export const terminateVnfRequestSchema = z.looseObject({
  terminationType: z.enum(['FORCEFUL', 'GRACEFUL']),
  gracefulTerminationTimeout: z.number().int().nonnegative().exactOptional(),
  additionalParams: keyValuePairs.exactOptional(),
});

/**
 * The lab's inputs in InstantiateVnfRequest.additionalParams (SOL003 leaves
 * their meaning to the VNFD / VNF provider). All optional: a missing
 * swImageId means each VDU's own image, a missing egress forwards to the
 * discard port 127.0.0.1:9 (RFC 863), no license and no config are given to
 * the VNF, and it dirties no pages in the background.
 */
export const labInstantiationParamsSchema = z.looseObject({
  /** The spec's SwImageID: must be one the VNFD declares. */
  swImageId: z.string().min(1).exactOptional(),
  /** The user's VNF configuration (vnfConfigFile), applied by the VNF. */
  vnfConfig: keyValuePairs.exactOptional(),
  /** hypervisor.ts VnfLicense, checked by the VNF at boot. */
  license: z
    .object({ licensee: z.string(), product: z.string(), expires: z.string(), key: z.string() })
    .exactOptional(),
  /** Where the VNF forwards every datagram (the traffic sink). */
  egress: z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).exactOptional(),
  /** Background page-dirtying rate of the VNF, 4 KiB pages per second. */
  dirtyPagesPerSec: z.number().nonnegative().exactOptional(),
  /** Guest memory written per forwarded packet, bytes. */
  bytesDirtiedPerPacket: z.number().int().nonnegative().exactOptional(),
  /** Overrides the VDU's virtual memory size. */
  memoryMiB: z.number().int().positive().exactOptional(),
  /** Pin the VNF's servers to this compute host (else the VIM's scheduler places them). */
  computeHost: z.string().min(1).exactOptional(),
});

export type CreateVnfRequestBody = z.infer<typeof createVnfRequestSchema>;
export type InstantiateVnfRequestBody = z.infer<typeof instantiateVnfRequestSchema>;
export type OperateVnfRequestBody = z.infer<typeof operateVnfRequestSchema>;
export type TerminateVnfRequestBody = z.infer<typeof terminateVnfRequestSchema>;
export type LabInstantiationParams = z.infer<typeof labInstantiationParamsSchema>;
export type VimConnectionInfoMap = Record<string, VimConnectionInfo>;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * Validate `body` as the named SOL003 type; a 400 ProblemError lists each
 * offending attribute by its path (`prefix` is prepended, e.g. `additionalParams.`).
 */
export function parseBody<S extends z.ZodType>(
  typeName: string,
  schema: S,
  body: unknown,
  prefix = '',
): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = prefix + issue.path.map(String).join('.');
    return valueAt(body, issue.path) === undefined && issue.code === 'invalid_type'
      ? `'${field}' is required`
      : `'${field || '(body)'}': ${issue.message}`;
  });
  throw new ProblemError(400, `invalid ${typeName}: ${problems.join('; ')}`);
}

const vnfInstanceSubscriptionFilter = z
  .looseObject({
    vnfdIds: z.array(z.string()).exactOptional(),
    vnfProductsFromProviders: z
      .array(
        z.looseObject({
          vnfProvider: z.string(),
          vnfProducts: z
            .array(
              z.looseObject({
                vnfProductName: z.string(),
                versions: z
                  .array(
                    z.looseObject({
                      vnfSoftwareVersion: z.string(),
                      vnfdVersions: z.array(z.string()).exactOptional(),
                    }),
                  )
                  .exactOptional(),
              }),
            )
            .exactOptional(),
        }),
      )
      .exactOptional(),
    vnfInstanceIds: z.array(z.string()).exactOptional(),
    vnfInstanceNames: z.array(z.string()).exactOptional(),
  })
  // SOL003 §4.4.1.5 notes 1 and 2: each pair is alternatives, not to be used together.
  .refine((f) => f.vnfdIds === undefined || f.vnfProductsFromProviders === undefined, {
    message: 'vnfdIds and vnfProductsFromProviders are alternatives: give one of them',
  })
  .refine((f) => f.vnfInstanceIds === undefined || f.vnfInstanceNames === undefined, {
    message: 'vnfInstanceIds and vnfInstanceNames are alternatives: give one of them',
  });

/** SOL003 §5.5.3.12 LifecycleChangeNotificationsFilter. */
export const lifecycleChangeNotificationsFilterSchema = z.looseObject({
  vnfInstanceSubscriptionFilter: vnfInstanceSubscriptionFilter.exactOptional(),
  notificationTypes: z
    .array(
      z.enum([
        'VnfLcmOperationOccurrenceNotification',
        'VnfIdentifierCreationNotification',
        'VnfIdentifierDeletionNotification',
      ]),
    )
    .exactOptional(),
  operationTypes: z
    .array(
      z.enum([
        'INSTANTIATE',
        'SCALE',
        'SCALE_TO_LEVEL',
        'CHANGE_FLAVOUR',
        'TERMINATE',
        'HEAL',
        'OPERATE',
        'CHANGE_EXT_CONN',
        'MODIFY_INFO',
        'CREATE_SNAPSHOT',
        'REVERT_TO_SNAPSHOT',
        'CHANGE_VNFPKG',
      ]),
    )
    .exactOptional(),
  operationStates: z
    .array(
      z.enum(['STARTING', 'PROCESSING', 'COMPLETED', 'FAILED_TEMP', 'FAILED', 'ROLLING_BACK', 'ROLLED_BACK']),
    )
    .exactOptional(),
});

/** SOL013 §8.3.4 SubscriptionAuthentication (as SOL003 §4.4.1.5 uses it). */
export const subscriptionAuthenticationSchema = z.looseObject({
  authType: z.array(z.enum(['BASIC', 'OAUTH2_CLIENT_CREDENTIALS', 'TLS_CERT'])).min(1),
  paramsBasic: z
    .looseObject({ userName: z.string().exactOptional(), password: z.string().exactOptional() })
    .exactOptional(),
  paramsOauth2ClientCredentials: z
    .looseObject({
      clientId: z.string().exactOptional(),
      clientPassword: z.string().exactOptional(),
      tokenEndpoint: z.string().exactOptional(),
    })
    .exactOptional(),
});

/** SOL003 §5.5.2.15 LccnSubscriptionRequest. */
export const lccnSubscriptionRequestSchema = z.looseObject({
  filter: lifecycleChangeNotificationsFilterSchema.exactOptional(),
  callbackUri: z.string().refine((s) => /^https?:\/\//i.test(s) && URL.canParse(s), {
    message: 'must be an absolute http(s) URI',
  }),
  authentication: subscriptionAuthenticationSchema.exactOptional(),
  verbosity: z.enum(['FULL', 'SHORT']).exactOptional(),
});

/** SOL003 §5.5.2.12 VnfInfoModificationRequest (the attributes the lab keeps). */
export const vnfInfoModificationRequestSchema = z.looseObject({
  vnfInstanceName: z.string().exactOptional(),
  vnfInstanceDescription: z.string().exactOptional(),
  vnfPkgId: z.string().exactOptional(),
  vnfConfigurableProperties: keyValuePairs.exactOptional(),
  metadata: keyValuePairs.exactOptional(),
  extensions: keyValuePairs.exactOptional(),
  vimConnectionInfo: z.record(z.string(), vimConnectionInfo.nullable()).exactOptional(),
});

/** SOL003 §5.5.2.14 CancelMode. */
export const cancelModeSchema = z.looseObject({
  cancelMode: z.enum(['GRACEFUL', 'FORCEFUL']),
});

/** The lab-only migrate request (`POST {apiRoot}/vnflab/v1/vnf_instances/{id}/migrate`). */
export const labMigrateRequestSchema = z.strictObject({
  /** Who asked: the element manager or the VNF itself (DESIGN.md "Who moves the VNF"). */
  initiator: z.enum(['EM', 'VNF']),
  /** The spec's tcInput.vResourceType: which VNFCs' servers move (all of them for 'any'). */
  vResourceType: z.enum(['vMemory', 'vCPU', 'vStorage', 'vNIC', 'any']),
  /** Destination compute host; the VIM's scheduler picks one when absent. */
  targetHost: z.string().min(1).exactOptional(),
});

export type LifecycleChangeNotificationsFilter = z.infer<typeof lifecycleChangeNotificationsFilterSchema>;
export type LccnSubscriptionRequestBody = z.infer<typeof lccnSubscriptionRequestSchema>;
export type VnfInfoModificationRequestBody = z.infer<typeof vnfInfoModificationRequestSchema>;
export type LabMigrateRequestBody = z.infer<typeof labMigrateRequestSchema>;
