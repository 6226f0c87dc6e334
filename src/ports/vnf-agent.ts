/**
 * VnfAgent port: the VNF's own management interface, for trigger type `vnf`
 * ("triggered by VNF": the VNF asks the VNFM to migrate it). The harness
 * tells the VNF to make that request; the VNF makes it itself.
 */
import type { Outcome } from '../util/outcome.js';
import type { VResourceType } from './vnfm.js';

export interface VnfAgent {
  readonly name: string;
  /** Ask the VNF, through its management interface at `managementUrl`, to request its migration from the VNFM. */
  requestMigration(managementUrl: string, vResourceType: VResourceType): Promise<Outcome>;
}
