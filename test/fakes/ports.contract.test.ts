// The runner's port fakes (ports.ts) run the ports' contracts: what the runner sees from a fake,
// a real driver could answer too.
import { randomUUID } from 'node:crypto';
import { runElementManagerContract } from '../contracts/element-manager.contract.js';
import { runMigratorContract } from '../contracts/migrator.contract.js';
import { runTrafficContract } from '../contracts/traffic.contract.js';
import { runVnfConfiguratorContract } from '../contracts/vnf-configurator.contract.js';
import { runVnfmContract } from '../contracts/vnfm.contract.js';
import {
  FAKE_VNFD,
  FakeElementManager,
  FakeLab,
  FakeMigrator,
  FakeTraffic,
  FakeVnfConfigurator,
  FakeVnfm,
} from './ports.js';

const vdu = FAKE_VNFD.vdus[0];

runVnfmContract({
  name: 'FakeVnfm',
  create: () =>
    Promise.resolve({
      vnfm: new FakeVnfm(new FakeLab()),
      vnfdId: FAKE_VNFD.vnfdId,
      swImageId: vdu?.swImageId ?? '',
      flavourId: FAKE_VNFD.flavourId,
      close: () => Promise.resolve(),
    }),
});

runMigratorContract({
  name: 'FakeMigrator',
  offline: false,
  reportedFigures: ['downtimeMs', 'totalTimeMs', 'bytesTransferred', 'rounds'],
  setup() {
    const lab = new FakeLab();
    const subject = (liveMigratable: boolean) =>
      Promise.resolve({
        vnfInstanceId: randomUUID(),
        computeResourceIds: [lab.addServer({ liveMigratable }).id],
      });
    return Promise.resolve({
      migrator: new FakeMigrator(lab),
      createLiveSubject: () => subject(true),
      createNonLiveSubject: () => subject(false),
      allocationIds: (s) =>
        Promise.resolve(
          s.computeResourceIds.flatMap((id) => lab.servers.get(id)?.resources.map((r) => r.id) ?? []),
        ),
      slowNextMigration: (ms) => void (lab.nextMigration = { slowMs: ms }),
      failNextMigration: (reason) => void (lab.nextMigration = { failReason: reason }),
      close: () => Promise.resolve(),
    });
  },
});

runTrafficContract({
  name: 'FakeTraffic',
  create: () => new FakeTraffic(new FakeLab()),
  capabilities: { sendsPackets: false },
});

runElementManagerContract({
  name: 'FakeElementManager',
  create: () => new FakeElementManager(new FakeLab()),
  validConfig: 'vnfConfig:\n  product: udp-forwarder\n',
});

runVnfConfiguratorContract({
  name: 'FakeVnfConfigurator',
  create: () => new FakeVnfConfigurator(new FakeLab()),
});
