/**
 * What a guest's serial console says about how it died. A TCG guest can
 * panic right after a live migration (docs/qemu-lab.md, "Known issue"); the
 * run then fails at step 10 with "Traffic flow not detected", and this is
 * the evidence of why, printed by the lab when it stops the guest.
 */

const FAULT =
  /^(BUG:|Oops|kernel BUG at|list_(add|del) corruption|kernel tried to execute|general protection fault|stack-protector|WARNING:|virtio_net .*is not a head)/;

/**
 * One line naming what went wrong in the guest kernel, or null: the panic
 * reason with the first fault before it, or, for a guest that did not panic
 * (a broken virtio ring: "output.0:id 44 is not a head!"), its first fault.
 */
export function guestKernelFault(console: string): string | null {
  const lines = console.split(/\r?\n/).map((l) => l.replace(/^\[\s*\d+\.\d+\]\s*/, '').trim());
  const panicAt = lines.findIndex((l) => l.startsWith('Kernel panic - not syncing'));
  const fault = lines.slice(0, panicAt < 0 ? undefined : panicAt).find((l) => FAULT.test(l));
  if (panicAt < 0) return fault === undefined ? null : `kernel fault: ${fault}`;
  const panic = lines[panicAt] ?? '';
  return fault === undefined ? panic : `${panic} (first fault: ${fault})`;
}
