import { runVnfConfiguratorContract } from '../../ports/vnf-configurator.contract.js';
import { FileVnfConfigurator } from './file-vnf-configurator.js';

runVnfConfiguratorContract({ name: 'FileVnfConfigurator', create: () => new FileVnfConfigurator() });
