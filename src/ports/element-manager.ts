/**
 * ElementManager port: the spec's ElementManagement module, used when
 * EM_VNF_SYSTEM is TRUE. The EM configures the VNF once it runs and may ask
 * the VNFM to act on the VNF (an EM-triggered migration).
 */
import type { Outcome } from '../util/outcome.js';
import type { VResourceType, VnfRecord } from './vnfm.js';

/** What the EM contributes to instantiation (SOL003 additionalParams). */
export interface EmInstantiationParams {
  readonly additionalParams: Record<string, unknown>;
}

export interface ElementManager {
  readonly name: string;
  /** ElementManagement.SetEMConfiguration(vnfRecord, emConfigFile). */
  setEmConfiguration(vnf: VnfRecord, emConfigFile: string): Promise<Outcome<EmInstantiationParams>>;
  /** ElementManagement.StartEM(vnfRecord). */
  startEm(vnf: VnfRecord): Promise<Outcome>;
  /** Trigger type `em`: the EM asks the VNFM to migrate the VNF's vResource. */
  requestMigration?(vnf: VnfRecord, vResourceType: VResourceType): Promise<Outcome>;
  /** Stop the EM (cleanup). Safe to call twice and without start. */
  stopEm(): Promise<void>;
}
