/**
 * vnflab's VNFD format: a flat, JSON-friendly subset of what an ETSI
 * SOL001 VNFD says about one deployment flavour (VDUs with their virtual
 * compute, storage, connection points and software image). The lab VNFM
 * serves them at `{apiRoot}/vnflab/v1/vnfds/{vnfdId}` (SOL003 has no VNFD
 * read; that is SOL005 VNF packages) and the SOL003 driver also reads this
 * format from a file when it runs against a real VNFM.
 */
import { z } from 'zod';

/** One VDU (SOL001 tosca.nodes.nfv.Vdu.Compute) of the flavour. */
export interface LabVdu {
  readonly vduId: string;
  /** SOL001 sw_image_data; `id` is the spec's SwImageID. */
  readonly swImageDesc: { readonly id: string; readonly name: string; readonly version: string };
  readonly vCpu: number;
  readonly memoryMiB: number;
  readonly storageGiB: number;
  /** Id of the VDU's virtual storage descriptor (virtualStorageResourceInfo.virtualStorageDescId). */
  readonly virtualStorageDescId: string;
  /** Connection points (VduCp) of the VDU, one vNIC each. */
  readonly nics: number;
  /** How many of `nics` are specialized hardware (SR-IOV: SOL001 VduCp vnic_type `direct`). */
  readonly specializedNics: number;
  /** Migration the VDU supports; a specialized NIC cannot move live, so such VDUs say OFFLINE. */
  readonly migration: 'LIVE' | 'OFFLINE' | 'NONE';
}

/** A lab VNFD with its single deployment flavour. */
export interface LabVnfd {
  readonly vnfdId: string;
  readonly vnfProvider: string;
  readonly vnfProductName: string;
  readonly vnfSoftwareVersion: string;
  readonly vnfdVersion: string;
  readonly flavourId: string;
  readonly vdus: readonly LabVdu[];
}

const positiveInt = z.number().int().positive();

/** Parser for LabVnfd documents (the lab endpoint's body, or a VNFD resource file). */
export const labVnfdSchema: z.ZodType<LabVnfd> = z.object({
  vnfdId: z.string().min(1),
  vnfProvider: z.string(),
  vnfProductName: z.string(),
  vnfSoftwareVersion: z.string(),
  vnfdVersion: z.string(),
  flavourId: z.string().min(1),
  vdus: z
    .array(
      z.object({
        vduId: z.string().min(1),
        swImageDesc: z.object({ id: z.string().min(1), name: z.string(), version: z.string() }),
        vCpu: positiveInt,
        memoryMiB: positiveInt,
        storageGiB: z.number().int().nonnegative(),
        virtualStorageDescId: z.string().min(1),
        nics: z.number().int().nonnegative(),
        specializedNics: z.number().int().nonnegative(),
        migration: z.enum(['LIVE', 'OFFLINE', 'NONE']),
      }),
    )
    .min(1),
});

/** Every software image the VNFD declares (the spec's SwImageID candidates). */
export function swImageIds(vnfd: LabVnfd): string[] {
  return vnfd.vdus.map((vdu) => vdu.swImageDesc.id);
}
