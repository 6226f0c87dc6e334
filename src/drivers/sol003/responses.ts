/**
 * Checks of the answers the driver relies on. Loose on purpose: a VNFM may
 * add attributes or omit optional ones; only what vnflab reads must be
 * there, with the right type (SOL003 §5.5.2.2 VnfInstance, §5.5.2.13
 * VnfLcmOpOcc).
 */
import { z } from 'zod';
import { Sol003Error } from './errors.js';
import type { VnfInstance, VnfLcmOpOcc } from '../../protocols/sol003/sol003-types.js';

const resourceHandle = z.looseObject({
  resourceId: z.string(),
  vimConnectionId: z.string().exactOptional(),
  resourceProviderId: z.string().exactOptional(),
  vimLevelResourceType: z.string().exactOptional(),
});

const vnfInstanceSchema = z.looseObject({
  id: z.string().min(1),
  vnfdId: z.string(),
  vnfInstanceName: z.string().exactOptional(),
  instantiationState: z.enum(['NOT_INSTANTIATED', 'INSTANTIATED']),
  instantiatedVnfInfo: z
    .looseObject({
      flavourId: z.string(),
      vnfState: z.enum(['STARTED', 'STOPPED']),
      vnfcResourceInfo: z
        .array(
          z.looseObject({
            id: z.string(),
            vduId: z.string(),
            computeResource: resourceHandle,
            storageResourceIds: z.array(z.string()).exactOptional(),
            metadata: z.record(z.string(), z.unknown()).exactOptional(),
          }),
        )
        .exactOptional(),
      virtualStorageResourceInfo: z
        .array(
          z.looseObject({
            id: z.string(),
            virtualStorageDescId: z.string(),
            storageResource: resourceHandle,
          }),
        )
        .exactOptional(),
    })
    .exactOptional(),
  metadata: z.record(z.string(), z.unknown()).exactOptional(),
});

const vnfLcmOpOccSchema = z.looseObject({
  id: z.string().min(1),
  operationState: z.enum([
    'STARTING',
    'PROCESSING',
    'COMPLETED',
    'FAILED_TEMP',
    'FAILED',
    'ROLLING_BACK',
    'ROLLED_BACK',
  ]),
  operation: z.string(),
  vnfInstanceId: z.string(),
  startTime: z.string(),
  error: z
    .looseObject({ status: z.number().exactOptional(), detail: z.string().exactOptional() })
    .exactOptional(),
});

function check<T>(what: string, schema: z.ZodType, value: unknown, method: string, url: string): T {
  const result = schema.safeParse(value);
  if (result.success) return value as T;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  throw new Sol003Error({ code: 'SOL003_PROTOCOL', detail: `malformed ${what}: ${issues}`, method, url });
}

/** The answer as a VnfInstance, or a SOL003_PROTOCOL error naming what is wrong. */
export function asVnfInstance(value: unknown, method: string, url: string): VnfInstance {
  return check<VnfInstance>('VnfInstance', vnfInstanceSchema, value, method, url);
}

/** The answer as a VnfLcmOpOcc, or a SOL003_PROTOCOL error naming what is wrong. */
export function asVnfLcmOpOcc(value: unknown, method: string, url: string): VnfLcmOpOcc {
  return check<VnfLcmOpOcc>('VnfLcmOpOcc', vnfLcmOpOccSchema, value, method, url);
}
