/**
 * VnfConfigurator port: the spec's VNF module (VNF.SetVNFConfigFile,
 * VNF.SetVNFLicense). The files are the user's; the configurator reads and
 * checks them and hands the VNF what it needs at instantiation (SOL003
 * additionalParams), where the VNF itself applies the config and checks the
 * license.
 */
import type { Outcome } from '../util/outcome.js';
import type { VnfRecord } from './vnfm.js';

export interface VnfConfigurator {
  readonly name: string;
  /** VNF.SetVNFConfigFile(vnfRecord, vnfConfigFile): returns the additionalParams to instantiate with. */
  setVnfConfigFile(vnf: VnfRecord, vnfConfigFile: string): Promise<Outcome<Record<string, unknown>>>;
  /** VNF.SetVNFLicense(vnfRecord, vnfLicenseFile): returns the additionalParams to instantiate with. */
  setVnfLicense(vnf: VnfRecord, vnfLicenseFile: string): Promise<Outcome<Record<string, unknown>>>;
}

/** License the VNF checks when it boots (from the user's vnfLicenseFile). */
export interface VnfLicense {
  readonly licensee: string;
  readonly product: string;
  /** ISO date; the VNF refuses to boot after it. */
  readonly expires: string;
  readonly key: string;
}
