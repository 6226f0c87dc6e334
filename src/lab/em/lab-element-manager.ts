/**
 * The embedded lab's element manager (EM_VNF_SYSTEM = TRUE). Its config file
 * names the VNF configuration the EM owns (`vnfConfig`) and the EM's identity
 * (`emName`); started, it hands that configuration to the VNF at
 * instantiation (SOL003 additionalParams) and marks the VNF as EM-managed.
 */
import type { ElementManager, EmInstantiationParams } from '../../ports/element-manager.js';
import type { VnfRecord } from '../../ports/vnfm.js';
import { readMappingFile } from '../../util/read-doc.js';
import { fail, ok, type Outcome } from '../../util/outcome.js';

export class LabElementManager implements ElementManager {
  readonly name = 'lab-em';
  #config: { emName: string; vnfConfig: Record<string, unknown> } | null = null;
  #running = false;

  async setEmConfiguration(_vnf: VnfRecord, emConfigFile: string): Promise<Outcome<EmInstantiationParams>> {
    const doc = await readMappingFile(emConfigFile);
    if (!doc.ok) return doc;
    const { emName, vnfConfig } = doc.value;
    if (typeof emName !== 'string' || emName === '')
      return fail(`${emConfigFile}: field 'emName' is missing: name the EM (emName: my-em)`);
    if (vnfConfig === null || typeof vnfConfig !== 'object' || Array.isArray(vnfConfig)) {
      return fail(
        `${emConfigFile}: field 'vnfConfig' is missing or not a mapping: give the VNF configuration the EM applies`,
      );
    }
    this.#config = { emName, vnfConfig: vnfConfig as Record<string, unknown> };
    return ok({ additionalParams: { vnfConfig: this.#config.vnfConfig, elementManager: { name: emName } } });
  }

  async startEm(_vnf: VnfRecord): Promise<Outcome> {
    if (!this.#config) return fail('the EM has no configuration: SetEMConfiguration must succeed first');
    this.#running = true;
    return ok(undefined);
  }

  get running(): boolean {
    return this.#running;
  }

  async stopEm(): Promise<void> {
    this.#running = false;
  }
}
