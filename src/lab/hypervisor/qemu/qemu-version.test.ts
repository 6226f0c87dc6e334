import { describe, expect, it } from 'vitest';
import { describeQemu, parseDebianVersion, parseQemuVersion, tcgMigrationSafe } from './qemu-version.js';

describe('QEMU version and TCG migration safety', () => {
  it("reads QEMU's version line and Debian's package version", () => {
    expect(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)')).toEqual({
      major: 7,
      minor: 2,
    });
    expect(parseQemuVersion('QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)')).toEqual({
      major: 10,
      minor: 0,
    });
    expect(parseQemuVersion('no version here')).toBeNull();
    expect(parseDebianVersion('1:7.2+dfsg-7+deb12u18+b3')).toEqual({ major: 7, minor: 2 });
    expect(parseDebianVersion('1:10.0.2+ds-2+deb13u1~bpo12+1')).toEqual({ major: 10, minor: 0 });
    expect(parseDebianVersion('9.0.0-1')).toEqual({ major: 9, minor: 0 });
    expect(parseDebianVersion('')).toBeNull();
  });

  it('calls QEMU 9.0 and later safe for TCG live migration, 8.2 and earlier not', () => {
    expect(tcgMigrationSafe({ major: 9, minor: 0 })).toBe(true);
    expect(tcgMigrationSafe({ major: 10, minor: 0 })).toBe(true);
    expect(tcgMigrationSafe({ major: 8, minor: 2 })).toBe(false);
    expect(tcgMigrationSafe({ major: 7, minor: 2 })).toBe(false);
    expect(describeQemu('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)')).toEqual({
      version: 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)',
      tcgMigrationSafe: false,
    });
    expect(describeQemu(null)).toEqual({ version: null, tcgMigrationSafe: null });
  });
});
