// The Fabric contract on the in-memory FakeFabric (no data path: its endpoints are labels).
import { runFabricContract } from '../../contracts/lab-fabric.contract.js';
import { FakeFabric } from './fake-fabric.js';

const places = [
  { host: '127.0.0.1', port: 41_000 },
  { host: '127.0.0.1', port: 41_001 },
] as const;

runFabricContract({
  name: 'FakeFabric',
  create() {
    const fabric = new FakeFabric();
    return Promise.resolve({
      fabric,
      announce(vmId, place) {
        fabric.learn(vmId, places[place]);
        return Promise.resolve(places[place]);
      },
      announceStale(vmId, place) {
        fabric.learn(vmId, places[place], 1n);
        return Promise.resolve();
      },
      close: () => fabric.shutdown(),
    });
  },
});
