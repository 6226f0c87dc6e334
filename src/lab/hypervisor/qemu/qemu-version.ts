/**
 * Which QEMU the lab runs, and whether its TCG live migration keeps the
 * guest's memory intact. QEMU before 9.0 misses guest CPU stores made
 * through the TCG TLB from the migration's dirty bitmap (upstream commit
 * 03bfc2188f06, "physmem: Fix migration dirty bitmap coherency with TCG
 * memory access"): some moves arrive with stale pages and the guest kernel
 * panics within a second. Measured here with scripts/qemu/memory-diff.ts
 * (docs/qemu-lab.md): Debian 12's 7.2 left differing RAM, and a dead guest,
 * in 1 of 7 moves; 10.0 from bookworm-backports none in 20.
 */
import { execFileSync } from 'node:child_process';

/** The first QEMU release whose TCG migration tracks every guest store. */
export const QEMU_TCG_MIGRATION_FIXED = { major: 9, minor: 0 } as const;

/** "QEMU emulator version 10.0.2 (Debian ...)" -> { major: 10, minor: 0 }; null when unreadable. */
export function parseQemuVersion(line: string): { major: number; minor: number } | null {
  const m = /version (\d+)\.(\d+)/.exec(line);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** A Debian package version "1:7.2+dfsg-7+deb12u18" -> { major: 7, minor: 2 }; null when unreadable. */
export function parseDebianVersion(v: string): { major: number; minor: number } | null {
  const m = /^(?:\d+:)?(\d+)\.(\d+)/.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

export function tcgMigrationSafe(v: { major: number; minor: number }): boolean {
  const f = QEMU_TCG_MIGRATION_FIXED;
  return v.major > f.major || (v.major === f.major && v.minor >= f.minor);
}

/** The first line of `qemu-system-x86_64 --version`; null when QEMU is not there. */
export function qemuVersionLine(binary = 'qemu-system-x86_64'): string | null {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 }).split('\n')[0] ?? null;
  } catch {
    return null;
  }
}

/** What the record says about the lab's QEMU: its version line and whether its TCG migration keeps memory intact. */
export function describeQemu(line: string | null): {
  version: string | null;
  tcgMigrationSafe: boolean | null;
} {
  const v = line === null ? null : parseQemuVersion(line);
  return { version: line, tcgMigrationSafe: v === null ? null : tcgMigrationSafe(v) };
}
