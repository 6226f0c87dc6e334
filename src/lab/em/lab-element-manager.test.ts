import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runElementManagerContract } from '../../ports/element-manager.contract.js';
import { LabElementManager } from './lab-element-manager.js';

runElementManagerContract({
  name: 'LabElementManager',
  create: () => new LabElementManager(),
  validConfig: readFileSync(resolve(import.meta.dirname, '../../../examples/em-config.yaml'), 'utf8'),
});
