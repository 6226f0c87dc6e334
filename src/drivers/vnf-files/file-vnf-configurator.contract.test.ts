import { runVnfConfiguratorContract } from '../../../test/contracts/vnf-configurator.contract.js';
import { FileVnfConfigurator } from './file-vnf-configurator.js';

runVnfConfiguratorContract({ name: 'FileVnfConfigurator', create: () => new FileVnfConfigurator() });
