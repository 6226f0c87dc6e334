/**
 * The ports a test case drives, one driver each: the spec's modules (vnfm,
 * vim's migration, traffic, em, the VNF's configuration and its management
 * agent). Written once here; the run environment provides them and the
 * steps' context carries them.
 */
import type { ElementManager } from './element-manager.js';
import type { Migrator } from './migrator.js';
import type { Traffic } from './traffic.js';
import type { VnfAgent } from './vnf-agent.js';
import type { VnfConfigurator } from './vnf-configurator.js';
import type { Vnfm } from './vnfm.js';

export interface Ports {
  readonly vnfm: Vnfm;
  readonly migrator: Migrator;
  readonly traffic: Traffic;
  readonly em: ElementManager;
  readonly vnfConfigurator: VnfConfigurator;
  readonly vnfAgent: VnfAgent;
}
