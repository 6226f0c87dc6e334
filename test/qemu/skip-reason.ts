import { qemuLabAvailability } from '../../src/lab/hypervisor/qemu/qemu-lab.js';

/**
 * Why the QEMU stage's tests cannot run here, or null. They run only under
 * vitest.qemu.config.ts (which sets VNFLAB_QEMU_E2E=1; the default e2e
 * project includes test/ too) and where the QEMU lab is available.
 */
export function qemuSkipReason(): string | null {
  if (process.env['VNFLAB_QEMU_E2E'] !== '1')
    return 'QEMU e2e stage only: npx vitest run -c vitest.qemu.config.ts (sets VNFLAB_QEMU_E2E=1)';
  const available = qemuLabAvailability();
  return available.ok ? null : available.reason;
}
