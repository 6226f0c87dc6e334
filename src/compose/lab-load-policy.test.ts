import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { labLoadPolicy } from './lab-load-policy.js';

describe('the lab VNFM load policy of a run', () => {
  it('is off unless the trigger is load', () => {
    expect(labLoadPolicy(parseConfig({ tcInput: { triggerType: 'vnfm' } }))).toBeUndefined();
    expect(labLoadPolicy(parseConfig({ tcInput: { triggerType: 'em' } }))).toBeUndefined();
  });

  it('triggers halfway between the step-6 load and the raised load, moving the requested vResource', () => {
    const config = parseConfig({
      tcInput: { triggerType: 'load', vResourceType: 'vNIC' },
      traffic: {
        loadLevel: 'LOW',
        triggerLoadLevel: 'MAX',
        loadLevels: { LOW: 1000, NORMAL: 2000, MAX: 9000 },
      },
    });
    expect(labLoadPolicy(config)).toEqual({
      thresholdPps: 5000,
      sustainMs: 1000,
      cooldownMs: 60_000,
      vResourceType: 'vNIC',
    });
  });

  it('takes the threshold and sustain time from lab.loadPolicy', () => {
    const config = parseConfig({
      tcInput: { triggerType: 'load' },
      lab: { loadPolicy: { thresholdPps: 1234, sustainMs: 200, cooldownMs: 5000 } },
    });
    expect(labLoadPolicy(config)).toMatchObject({
      thresholdPps: 1234,
      sustainMs: 200,
      cooldownMs: 5000,
      vResourceType: 'vMemory',
    });
  });
});
