/**
 * The layers of src/ (docs/architecture.md), checked by `npm run deps`:
 * a folder imports only the folders below it, never one above, and no module
 * takes part in a cycle. Tests (*.test.ts) and test/ are outside the product
 * and may import anything; product code never imports test/.
 */
// Each layer and the layers it may import (besides itself).
const LAYERS = {
  util: [],
  ports: ['util'],
  record: ['ports', 'util'],
  protocols: ['ports', 'util'],
  traffic: ['ports', 'util'],
  drivers: ['protocols', 'traffic', 'ports', 'util'],
  lab: ['protocols', 'ports', 'util'],
  config: ['drivers', 'lab', 'ports', 'util'],
  report: ['record', 'ports', 'util'],
  runner: ['report', 'record', 'ports', 'util'],
  history: ['record', 'util'],
  testcases: ['runner', 'report', 'record', 'config', 'ports', 'util'],
  compose: [
    'testcases',
    'runner',
    'report',
    'record',
    'config',
    'lab',
    'drivers',
    'traffic',
    'protocols',
    'ports',
    'util',
  ],
  commands: [
    'history',
    'compose',
    'testcases',
    'runner',
    'report',
    'record',
    'config',
    'lab',
    'drivers',
    'traffic',
    'protocols',
    'ports',
    'util',
  ],
  cli: ['commands', 'history', 'compose', 'testcases', 'report', 'record', 'config', 'lab', 'ports', 'util'],
};
const ALL = Object.keys(LAYERS);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one: merge them or move what both need below them.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-test-support-in-product',
      severity: 'error',
      comment: 'Fakes, fixtures, contracts and test kits live in test/ and never ship.',
      from: { path: '^src/', pathNot: '\\.(test|fixture|contract)\\.ts$' },
      to: { path: '^test/' },
    },
    {
      name: 'config-knows-only-schemas',
      severity: 'error',
      comment:
        'config/ assembles the schemas drivers and the lab contribute (their config.ts), nothing else of theirs.',
      from: { path: '^src/config/' },
      to: { path: '^src/(drivers|lab)/', pathNot: '^src/(drivers/[^/]+|lab)/config\\.ts$' },
    },
    {
      name: 'kubernetes-client-only-in-kubevirt',
      severity: 'error',
      comment:
        '@kubernetes/client-node is an optional peer dependency: only the kubevirt driver may load it (README, "Dependencies").',
      from: { path: '^src/', pathNot: '^src/drivers/kubevirt/' },
      to: { path: '@kubernetes/client-node', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'kubevirt-driver-on-demand',
      severity: 'error',
      comment:
        'The kubevirt driver loads the optional Kubernetes client: outside it, import it only dynamically (compose/registry.ts), types and its config schema aside.',
      from: { path: '^src/', pathNot: '^src/drivers/kubevirt/' },
      to: {
        path: '^src/drivers/kubevirt/',
        pathNot: '^src/drivers/kubevirt/(config|errors|kubernetes-client)\\.ts$',
        dynamic: false,
        dependencyTypesNot: ['type-only'],
      },
    },
    ...ALL.map((layer) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `src/${layer}/ may import only ${LAYERS[layer].join(', ') || 'nothing of src/'} (docs/architecture.md)`,
      from: { path: `^src/${layer}/` },
      to: {
        path: `^src/(${ALL.filter((l) => l !== layer && !LAYERS[layer].includes(l)).join('|')})/`,
      },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
