import { runTrafficContract } from '../ports/traffic.contract.js';
import { BuiltinTraffic } from './builtin-traffic.js';

runTrafficContract({ name: 'builtin', create: () => new BuiltinTraffic() });
