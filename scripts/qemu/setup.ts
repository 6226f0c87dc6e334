/**
 * `npx tsx scripts/qemu/setup.ts [cacheDir]`: labSetupQemu() until the CLI
 * command `vnflab lab setup qemu` is wired (CI uses this).
 */
import { labSetupQemu } from '../../src/commands/lab-setup.js';

const started = performance.now();
const result = await labSetupQemu({
  ...(process.argv[2] === undefined ? {} : { cacheDir: process.argv[2] }),
  log: (line) => console.log(`[lab setup qemu] ${line}`),
});
console.log(
  `[lab setup qemu] kernel ${result.kernelVersion} (${result.kernelExtracted ? 'extracted' : 'cached'}), initramfs ${result.initramfsBuilt ? 'built' : 'cached'}, packages installed: ${result.installedPackages.join(' ') || 'none'}; ${result.cacheDir} in ${Math.round(performance.now() - started)} ms`,
);
