/**
 * The lab VNFM's extensions to SOL003 resources, carried in the standard
 * `metadata` attributes (SOL003 allows VNFM-specific key-value pairs there).
 * A real VNFM does not set them; the SOL003 driver uses them when present.
 */
import { z } from 'zod';

/** VnfInstance.metadata key: where traffic enters the VNF. */
export const DATA_PLANE_METADATA_KEY = 'vnflab.dataPlane';

/** VnfcResourceInfo.metadata key: where the VNFC's server runs and what it holds there. */
export const COMPUTE_METADATA_KEY = 'vnflab.compute';

/** Value under {@link DATA_PLANE_METADATA_KEY}. */
export interface LabDataPlaneMetadata {
  readonly ingress: { readonly host: string; readonly port: number };
  /** The VNF's own management interface (trigger type `vnf`), where it has one. */
  readonly managementUrl?: string;
}

/** One VIM allocation of a VNFC's server, as the VIM reports it now. */
export interface LabAllocationMetadata {
  readonly id: string;
  readonly kind: 'vCPU' | 'vMemory' | 'vStorage' | 'vNIC';
  readonly amount: number;
  readonly unit: 'count' | 'MiB' | 'GiB';
  readonly specialized?: boolean;
}

/** Value under {@link COMPUTE_METADATA_KEY}: the VIM server as read on this GET. */
export interface LabComputeMetadata {
  /** Compute host of the server (Nova OS-EXT-SRV-ATTR:host). */
  readonly host: string;
  /** Nova server status, e.g. ACTIVE, SHUTOFF, MIGRATING; DELETED if the VIM no longer has it. */
  readonly status: string;
  readonly taskState: string | null;
  readonly allocations: readonly LabAllocationMetadata[];
}

export const labDataPlaneSchema: z.ZodType<LabDataPlaneMetadata> = z.object({
  ingress: z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }),
  managementUrl: z.string().min(1).exactOptional(),
});

export const labComputeSchema: z.ZodType<LabComputeMetadata> = z.object({
  host: z.string(),
  status: z.string(),
  taskState: z.string().nullable(),
  allocations: z.array(
    z.object({
      id: z.string().min(1),
      kind: z.enum(['vCPU', 'vMemory', 'vStorage', 'vNIC']),
      amount: z.number(),
      unit: z.enum(['count', 'MiB', 'GiB']),
      specialized: z.boolean().exactOptional(),
    }),
  ),
});
