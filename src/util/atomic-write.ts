/**
 * Files a reader finds whole or not at all. The bytes go to a temporary file
 * in the target's folder, are flushed to disk (fsync), and the temporary file
 * is renamed over the target: rename(2) replaces it atomically within one
 * filesystem, so a full disk or a crash mid-write leaves the previous
 * content, never a truncated file.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `file` (the report sinks and the record take one, so tests can inject a failing one). */
export type FileWriter = (file: string, data: string) => Promise<void>;

/** The file operations writeFileAtomic uses (node:fs/promises by default). */
export interface AtomicWriteFs {
  open(
    path: string,
    flags: string,
    mode: number,
  ): Promise<{
    writeFile(data: string, encoding: 'utf8'): Promise<void>;
    sync(): Promise<void>;
    close(): Promise<void>;
  }>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

const nodeFs: AtomicWriteFs = { open, rename, unlink };

/** Replace `file` with `data` atomically; on failure the target is untouched and the temporary file removed. */
export async function writeFileAtomic(file: string, data: string, fs: AtomicWriteFs = nodeFs): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: Awaited<ReturnType<AtomicWriteFs['open']>> | undefined;
  try {
    handle = await fs.open(tmp, 'wx', 0o644);
    await handle.writeFile(data, 'utf8');
    await handle.sync();
    const closing = handle;
    handle = undefined;
    await closing.close();
    await fs.rename(tmp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * Successive versions of one file, written one at a time in call order (two
 * renames racing could leave the older version last). Each call's data is
 * taken when it is made; the returned promise settles with that write.
 */
export function serialWriter(
  file: string,
  write: FileWriter = writeFileAtomic,
): (data: string) => Promise<void> {
  let previous: Promise<void> = Promise.resolve();
  return (data) => {
    const next = previous.then(() => write(file, data));
    previous = next.catch(() => undefined);
    return next;
  };
}
