/**
 * A run's results folder: checked before anything starts, so a bad `--out`
 * is one line naming it (ConfigError, exit 2) and not a stack trace from
 * mkdir, nor a spin: Node 20's recursive mkdir loops forever under /proc.
 * The folder is created only once every other check has passed.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, statfsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { ConfigError } from '../util/errors.js';

/** statfs(2) f_type of the kernel's virtual filesystems: no results go there. */
const KERNEL_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x73636673, 'securityfs'],
  [0x42494e4d, 'binfmt_misc'],
  [0x1cd1, 'devpts'],
]);

const under = (path: string, root: string): boolean => path === root || path.startsWith(`${root}${sep}`);

/** Why `dir` cannot be (or become) a results folder, with the fix; null when it can. */
export function outDirProblem(dir: string): { problem: string; fix: string } | null {
  const target = resolve(dir);
  const elsewhere = 'give a folder on disk you can write to, e.g. results/my-run';
  for (const root of ['/proc', '/sys'])
    if (under(target, root))
      return { problem: `${root} is a kernel filesystem, not a place for files`, fix: elsewhere };
  // The nearest part of the path that exists: the folder itself, or where it would be created.
  let existing = target;
  for (;;) {
    try {
      statSync(existing);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        return { problem: `cannot look at ${existing} (${code ?? String(err)})`, fix: elsewhere };
      existing = dirname(existing);
    }
  }
  const stat = statSync(existing);
  if (!stat.isDirectory()) {
    return existing === target
      ? { problem: 'a file, not a folder', fix: 'give a folder (it is created if missing)' }
      : { problem: `${existing} is a file, so no folder can be made under it`, fix: 'give another path' };
  }
  let fsType: number | null = null;
  try {
    fsType = statfsSync(existing).type;
  } catch {
    // statfs unsupported here: the write check below still applies
  }
  const kernelFs = fsType === null ? undefined : KERNEL_FILESYSTEMS.get(fsType);
  if (kernelFs !== undefined)
    return {
      problem: `${existing} is on ${kernelFs}, a kernel filesystem, not a place for files`,
      fix: elsewhere,
    };
  try {
    // access(2): EACCES for permissions, EROFS for a read-only filesystem (even for root).
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const what = existing === target ? 'it is not writable' : `${existing} is not writable`;
    return { problem: `${what} (${code})`, fix: 'give a folder you can write to, or change its permissions' };
  }
  return null;
}

/** ConfigError naming `label` (the flag or field that gave `dir`) when it cannot be a results folder. */
export function checkOutDir(dir: string, label: string): void {
  const bad = outDirProblem(dir);
  if (bad) throw new ConfigError(`${label} ${dir}: ${bad.problem}: ${bad.fix}`);
}

/** Create a checked results folder (and its parents). */
export function createOutDir(dir: string, label: string): string {
  checkOutDir(dir, label);
  const target = resolve(dir);
  try {
    mkdirSync(target, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(`${label} ${dir}: cannot create it (${code}): give a folder you can write to`, {
      cause: err,
    });
  }
  return target;
}

/** `20261125T101226.123Z`: sortable, millisecond resolution, no ':' (not allowed in Windows paths). */
function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '');
}

/**
 * A new, empty folder `<parent>/<testCase>-<UTC time to the ms>-<random>`,
 * unique per run: two runs started in the same millisecond differ by the
 * random suffix, and it is created with an exclusive mkdir (a name taken
 * meanwhile is retried with another suffix), so no two runs share one.
 */
export function createDefaultOutDir(
  testCase: string,
  parent: string,
  now: Date = new Date(),
  suffix: () => string = () => randomBytes(3).toString('hex'),
): string {
  const label = `the results folder ${parent}`;
  createOutDir(parent, label);
  for (let attempt = 1; ; attempt++) {
    const dir = join(resolve(parent), `${testCase}-${stamp(now)}-${suffix()}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && attempt < 10) continue;
      throw new ConfigError(`${label}: cannot create ${dir} (${code ?? String(err)}): give --out DIR`, {
        cause: err,
      });
    }
  }
}
