/**
 * The lab VNFM's load policy for a run (triggerType 'load', the plan's
 * "higher traffic load over a longer period of time"). Only a `load` run
 * gets one: under another trigger a policy could move the VNF unasked.
 */
import type { VnflabConfig } from '../config/schema.js';
import { DEFAULT_COOLDOWN_MS, DEFAULT_SUSTAIN_MS, type LoadPolicyConfig } from '../lab/vnfm/load-policy.js';

export function labLoadPolicy(config: VnflabConfig): LoadPolicyConfig | undefined {
  if (config.tcInput.triggerType !== 'load') return undefined;
  const { loadLevels, loadLevel, triggerLoadLevel } = config.traffic;
  const lowHz = loadLevels[loadLevel];
  const highHz = loadLevels[triggerLoadLevel];
  // Halfway: the step-6 load stays clear below it, the raised load clear above.
  const thresholdPps = config.lab.loadPolicy?.thresholdPps ?? (lowHz + highHz) / 2;
  // Without a lab.loadPolicy section the schema's defaults never ran: the same constants fill in.
  return {
    thresholdPps,
    sustainMs: config.lab.loadPolicy?.sustainMs ?? DEFAULT_SUSTAIN_MS,
    // One migration per run: the step after it watches the traffic, still at the raised load.
    cooldownMs: config.lab.loadPolicy?.cooldownMs ?? DEFAULT_COOLDOWN_MS,
    // The VNFM's policy moves the vResource the test case asks about.
    vResourceType: config.tcInput.vResourceType,
  };
}
