/**
 * Writer of the "newc" cpio format the Linux kernel unpacks as initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): per entry a
 * 110-byte ASCII header, the NUL-terminated name padded to 4 bytes, the data
 * padded to 4 bytes; a final entry named TRAILER!!!. Written here so that
 * building the guest needs no cpio package.
 */

/** One initramfs entry; paths without a leading slash. */
export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly data: Buffer; readonly mode?: number }
  | {
      readonly kind: 'chardev';
      readonly path: string;
      readonly major: number;
      readonly minor: number;
      readonly mode?: number;
    };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);

function header(fields: {
  ino: number;
  mode: number;
  nlink: number;
  size: number;
  rdevMajor: number;
  rdevMinor: number;
  nameSize: number;
}): string {
  return (
    '070701' +
    [
      fields.ino,
      fields.mode,
      0, // uid
      0, // gid
      fields.nlink,
      0, // mtime: fixed, so the same inputs give the same archive
      fields.size,
      0, // devmajor
      0, // devminor
      fields.rdevMajor,
      fields.rdevMinor,
      fields.nameSize,
      0, // check
    ]
      .map(hex8)
      .join('')
  );
}

function record(ino: number, path: string, mode: number, data: Buffer, rdev: [number, number]): Buffer[] {
  const name = Buffer.from(`${path}\0`, 'utf8');
  const head = Buffer.from(
    header({
      ino,
      mode,
      nlink: (mode & S_IFDIR) === S_IFDIR ? 2 : 1,
      size: data.length,
      rdevMajor: rdev[0],
      rdevMinor: rdev[1],
      nameSize: name.length,
    }),
    'ascii',
  );
  return [head, name, pad4(head.length + name.length), data, pad4(data.length)];
}

/** The archive of `entries`, in order (parents before children). */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    if (e.kind === 'dir')
      parts.push(...record(ino++, e.path, S_IFDIR | (e.mode ?? 0o755), Buffer.alloc(0), [0, 0]));
    else if (e.kind === 'file')
      parts.push(...record(ino++, e.path, S_IFREG | (e.mode ?? 0o644), e.data, [0, 0]));
    else
      parts.push(...record(ino++, e.path, S_IFCHR | (e.mode ?? 0o600), Buffer.alloc(0), [e.major, e.minor]));
  }
  parts.push(...record(0, 'TRAILER!!!', 0, Buffer.alloc(0), [0, 0]));
  return Buffer.concat(parts);
}
