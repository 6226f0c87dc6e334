/**
 * Where the embedded lab runs. A test run starts it in its own process (the
 * harness and its measuring threads stay apart from the lab's data plane);
 * `vnflab lab up` runs it here, in the foreground, for users to explore.
 */
import type { VnflabConfig } from '../config/schema.js';
import { startLab, type LabStartOptions, type RunningLab } from '../lab/lab.js';
import type { LabProcess } from '../lab/lab-process.js';
import { labLoadPolicy } from './lab-load-policy.js';

/**
 * The lab for a run, in its own process. OAuth 2.0 on, as a VNFM under test
 * would have it (SOL013 §8.3): the lab's VNFM is reached through the same
 * authenticated driver path as Tacker. `signal` stops a lab still starting.
 */
export async function startEmbeddedLab(config: VnflabConfig, signal?: AbortSignal): Promise<LabProcess> {
  const { startLabProcess } = await import('../lab/lab-process.js');
  const loadPolicy = labLoadPolicy(config);
  return startLabProcess(config.lab, {
    vnfmAuth: 'oauth2',
    ...(loadPolicy ? { loadPolicy } : {}),
    ...(signal ? { signal } : {}),
  });
}

/** The lab in this process (`vnflab lab up`): no load policy, no test case. */
export function startEmbeddedLabHere(config: VnflabConfig, options: LabStartOptions): Promise<RunningLab> {
  return startLab(config.lab, options);
}
