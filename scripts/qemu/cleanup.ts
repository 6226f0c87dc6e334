/** `npx tsx scripts/qemu/cleanup.ts [labId]`: remove what crashed QEMU labs left (cleanupQemuLabs). */
import { cleanupQemuLabs } from '../../src/lab/hypervisor/qemu/cleanup.js';

const report = await cleanupQemuLabs(process.argv[2] === undefined ? {} : { labId: process.argv[2] });
console.log(JSON.stringify(report));
