/**
 * A run configuration for the embedded lab that keeps repeated runs short:
 * steps 7 and 10 watch 500 ms of traffic at 5 000 packets/s (as the MIGRATE
 * matrix's configOf), timeouts of 30 s. `extra` is appended YAML.
 */
import { join } from 'node:path';

export function shortLabConfig(root: string, extra = ''): string {
  const examples = join(root, 'examples');
  return `testCase: TC_VNF_MIGRATE_002
tcInput:
  vnfConfigFile: ${join(examples, 'vnf-config.yaml')}
  vnfLicenseFile: ${join(examples, 'vnf-license.yaml')}
traffic:
  loadLevel: LOW
  loadLevels: { LOW: 5000, NORMAL: 10000, MAX: 20000 }
  validationPeriodMs: 500
timeouts:
  maxVnfInstantiationTimeMs: 30000
  maxVnfActivateTimeMs: 30000
  maxMigrationTimeMs: 60000
  maxVnfTerminateTimeMs: 30000
  pollIntervalMs: 50
${extra}`;
}
