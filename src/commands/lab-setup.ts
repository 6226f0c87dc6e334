/**
 * `vnflab lab setup qemu`: prepare this machine for the QEMU lab
 * (src/lab/hypervisor/qemu). Idempotent; needs root.
 *
 * 1. Installs the Debian packages the lab runs: qemu-system-x86 (the
 *    hypervisor), busybox-static (the guest's userland), iproute2 (netns,
 *    bridges, taps), nftables (NAT on the fabric router, loss injection).
 *    A QEMU older than 9.0 corrupts TCG guests in some live migrations
 *    (qemu-version.ts): on Debian 12 it is replaced by the QEMU of Debian's
 *    bookworm-backports suite (10.0), whose apt source this adds.
 * 2. Takes the kernel from the Debian package `linux-image-amd64` depends on:
 *    `apt-get download` + `dpkg-deb --fsys-tarfile | tar -x` of vmlinuz and
 *    the virtio/net modules only (~3 s, where installing the package runs
 *    initramfs hooks for ~50 s; DESIGN.md "Facts measured").
 * 3. Builds the initramfs: static busybox, those modules, /dev/console and
 *    the VNF's /init (guest-init.ts), as a newc cpio written in TypeScript.
 *
 * Nothing is downloaded but Debian packages. Everything lands in the cache
 * dir (default ~/.cache/vnflab/qemu): vmlinuz, initramfs.cpio, manifest.json.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { cpioNewc, type CpioEntry } from '../lab/hypervisor/qemu/cpio-newc.js';
import { QemuLabError } from '../lab/hypervisor/qemu/errors.js';
import { exec, tryExec } from '../lab/hypervisor/qemu/exec.js';
import { parseDebianVersion, tcgMigrationSafe } from '../lab/hypervisor/qemu/qemu-version.js';
import { GUEST_INIT_SCRIPT, GUEST_MODULES } from '../lab/hypervisor/qemu/guest-init.js';
import {
  defaultQemuCacheDir,
  findGuestAssets,
  manifestPath,
  type QemuGuestAssets,
  type QemuGuestManifest,
} from '../lab/hypervisor/qemu/guest-assets.js';

/** Debian packages the QEMU lab needs on the host. */
export const QEMU_LAB_PACKAGES = ['qemu-system-x86', 'busybox-static', 'iproute2', 'nftables'] as const;

/** The static busybox of the busybox-static package. */
const BUSYBOX_PATH = '/bin/busybox';

export interface LabSetupQemuOptions {
  /** Default ~/.cache/vnflab/qemu. */
  readonly cacheDir?: string;
  /** Kernel package; default the one `linux-image-amd64` depends on. */
  readonly kernelPackage?: string;
  /** Do not run apt-get install (the packages must be there already). */
  readonly skipInstall?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface LabSetupQemuResult extends QemuGuestAssets {
  /** Packages this call installed (empty when all were there). */
  readonly installedPackages: readonly string[];
  /** The kernel was extracted by this call (false: reused from the cache). */
  readonly kernelExtracted: boolean;
  /** The initramfs was (re)built by this call. */
  readonly initramfsBuilt: boolean;
}

async function isInstalled(pkg: string): Promise<boolean> {
  try {
    const status = await exec('dpkg-query', ['-W', '-f=${Status}', pkg]);
    return status.trim() === 'install ok installed';
  } catch {
    return false;
  }
}

/** QEMU 10.0 and what it needs from Debian 12's bookworm-backports (`--no-install-recommends`). */
export const QEMU_BACKPORT_PACKAGES = [
  'qemu-system-x86',
  'qemu-system-common',
  'qemu-system-data',
  'qemu-utils',
  'seabios',
] as const;
const BACKPORTS_SOURCE = '/etc/apt/sources.list.d/vnflab-bookworm-backports.sources';

async function installedVersion(pkg: string): Promise<string | null> {
  try {
    const v = (await exec('dpkg-query', ['-W', '-f=${Version}', pkg])).trim();
    return (await isInstalled(pkg)) && v !== '' ? v : null;
  } catch {
    return null;
  }
}

function debianCodename(): string | null {
  try {
    return /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

async function aptGet(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  // A fresh machine may have no package lists yet: update once and retry.
  if (!(await tryExec('apt-get', args, { env, timeoutMs: 600_000 }))) {
    await exec('apt-get', ['update', '-q'], { env, timeoutMs: 300_000 });
    await exec('apt-get', args, { env, timeoutMs: 600_000 });
  }
}

async function installPackages(log: (line: string) => void): Promise<string[]> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const installed: string[] = [];
  const qemu = await installedVersion('qemu-system-x86');
  const qemuVersion = qemu === null ? null : parseDebianVersion(qemu);
  if (debianCodename() === 'bookworm' && (qemuVersion === null || !tcgMigrationSafe(qemuVersion))) {
    log(
      `installing QEMU from bookworm-backports (${qemu === null ? 'no QEMU installed' : `Debian 12's QEMU ${qemu} corrupts TCG guests in some live migrations`})`,
    );
    if (!existsSync(BACKPORTS_SOURCE))
      writeFileSync(
        BACKPORTS_SOURCE,
        'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n',
      );
    await exec('apt-get', ['update', '-q'], { env, timeoutMs: 300_000 });
    await exec(
      'apt-get',
      [
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        '-t',
        'bookworm-backports',
        ...QEMU_BACKPORT_PACKAGES,
      ],
      { env, timeoutMs: 600_000 },
    );
    installed.push(...QEMU_BACKPORT_PACKAGES.map((p) => `${p} (bookworm-backports)`));
  }
  const missing: string[] = [];
  for (const pkg of QEMU_LAB_PACKAGES) if (!(await isInstalled(pkg))) missing.push(pkg);
  if (missing.length === 0) return installed;
  log(`installing ${missing.join(' ')}`);
  await aptGet(['install', '-y', '-q', '--no-install-recommends', ...missing], env);
  return [...installed, ...missing];
}

/** The versioned kernel package `linux-image-amd64` points at, e.g. linux-image-6.1.0-56-amd64. */
async function kernelPackageName(): Promise<string> {
  const out = await exec('apt-cache', ['depends', 'linux-image-amd64']);
  const m = /Depends:\s*(linux-image-[0-9][^\s]*)/.exec(out);
  if (m?.[1] === undefined)
    throw new QemuLabError(
      'QEMU_LAB_UNAVAILABLE',
      'cannot find the kernel package linux-image-amd64 depends on',
      {
        output: out,
      },
    );
  return m[1];
}

/** Module file names wanted from the kernel package (possibly .ko.xz). */
const MODULE_GLOBS = [
  './boot/vmlinuz-*',
  './lib/modules/*/kernel/drivers/virtio/*',
  './lib/modules/*/kernel/drivers/net/virtio_net.ko*',
  './lib/modules/*/kernel/drivers/net/net_failover.ko*',
  './lib/modules/*/kernel/net/core/failover.ko*',
];

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function findFile(dir: string, name: (n: string) => boolean): string | null {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(p, name);
      if (found !== null) return found;
    } else if (name(entry.name)) return p;
  }
  return null;
}

/** Extract vmlinuz and the modules into `kernelDir` (vmlinuz, modules/<name>.ko). */
async function extractKernel(pkg: string, kernelDir: string, log: (line: string) => void): Promise<string> {
  const work = mkdtempSync(join(kernelDir, '..', 'extract-'));
  try {
    log(`downloading ${pkg} (apt-get download)`);
    await exec('apt-get', ['download', '-q', pkg], { cwd: work, timeoutMs: 600_000 });
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (deb === undefined)
      throw new QemuLabError('QEMU_LAB_COMMAND_FAILED', `apt-get download ${pkg} left no .deb`);
    const root = join(work, 'root');
    mkdirSync(root);
    await exec('sh', [
      '-c',
      `dpkg-deb --fsys-tarfile ${shQuote(join(work, deb))} | tar -x -C ${shQuote(root)} --wildcards ${MODULE_GLOBS.map(shQuote).join(' ')}`,
    ]);
    const vmlinuz = findFile(join(root, 'boot'), (n) => n.startsWith('vmlinuz-'));
    if (vmlinuz === null) throw new QemuLabError('QEMU_LAB_COMMAND_FAILED', `${pkg} has no /boot/vmlinuz-*`);
    const version = vmlinuz.slice(vmlinuz.lastIndexOf('vmlinuz-') + 'vmlinuz-'.length);
    rmSync(kernelDir, { recursive: true, force: true });
    mkdirSync(join(kernelDir, 'modules'), { recursive: true });
    writeFileSync(join(kernelDir, 'vmlinuz'), readFileSync(vmlinuz));
    for (const mod of GUEST_MODULES) {
      const file = findFile(join(root, 'lib'), (n) => n === `${mod}.ko` || n === `${mod}.ko.xz`);
      // Not in the package: built into this kernel (insmod in the guest then fails harmlessly).
      if (file === null) continue;
      const out = join(kernelDir, 'modules', `${mod}.ko`);
      if (file.endsWith('.xz')) await exec('sh', ['-c', `xz -dc ${shQuote(file)} > ${shQuote(out)}`]);
      else writeFileSync(out, readFileSync(file));
    }
    writeFileSync(join(kernelDir, 'version'), version);
    return version;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function initramfsEntries(kernelDir: string): CpioEntry[] {
  const entries: CpioEntry[] = [
    ...['bin', 'sbin', 'dev', 'proc', 'sys', 'tmp', 'lib', 'lib/modules', 'usr', 'usr/bin', 'usr/sbin'].map(
      (path): CpioEntry => ({ kind: 'dir', path }),
    ),
    // The kernel opens /dev/console for /init before devtmpfs is mounted.
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(BUSYBOX_PATH), mode: 0o755 },
    { kind: 'file', path: 'init', data: Buffer.from(GUEST_INIT_SCRIPT, 'utf8'), mode: 0o755 },
  ];
  const modulesDir = join(kernelDir, 'modules');
  for (const mod of GUEST_MODULES) {
    const p = join(modulesDir, `${mod}.ko`);
    if (existsSync(p)) entries.push({ kind: 'file', path: `lib/modules/${mod}.ko`, data: readFileSync(p) });
  }
  return entries;
}

function sha256(entries: readonly CpioEntry[]): string {
  const h = createHash('sha256');
  for (const e of entries) {
    h.update(e.path);
    if (e.kind === 'file') h.update(e.data);
  }
  return h.digest('hex');
}

function readManifest(cacheDir: string): QemuGuestManifest | null {
  try {
    return JSON.parse(readFileSync(manifestPath(cacheDir), 'utf8')) as QemuGuestManifest;
  } catch {
    return null;
  }
}

/** Prepare packages, kernel and initramfs (idempotent; reuses what the cache holds). */
export async function labSetupQemu(opts: LabSetupQemuOptions = {}): Promise<LabSetupQemuResult> {
  const log = opts.log ?? ((): void => undefined);
  if (process.getuid?.() !== 0)
    throw new QemuLabError('QEMU_LAB_UNAVAILABLE', 'vnflab lab setup qemu must run as root (apt-get, netns)');
  const installedPackages = opts.skipInstall === true ? [] : await installPackages(log);
  const cacheDir = opts.cacheDir ?? defaultQemuCacheDir();
  mkdirSync(cacheDir, { recursive: true });
  const kernelPackage = opts.kernelPackage ?? (await kernelPackageName());
  const kernelDir = join(cacheDir, 'kernel');
  const previous = readManifest(cacheDir);
  let kernelExtracted = false;
  let kernelVersion: string;
  if (
    previous?.kernelPackage === kernelPackage &&
    existsSync(join(kernelDir, 'vmlinuz')) &&
    existsSync(join(kernelDir, 'version'))
  ) {
    kernelVersion = readFileSync(join(kernelDir, 'version'), 'utf8').trim();
  } else {
    kernelVersion = await extractKernel(kernelPackage, kernelDir, log);
    kernelExtracted = true;
  }
  const entries = initramfsEntries(kernelDir);
  const inputs = sha256(entries);
  const initramfsPath = join(cacheDir, 'initramfs.cpio');
  const kernelPath = join(cacheDir, 'vmlinuz');
  const initramfsBuilt =
    kernelExtracted || previous?.initramfsInputsSha256 !== inputs || !existsSync(initramfsPath);
  if (initramfsBuilt) {
    log(`building the initramfs (${entries.length} entries)`);
    writeFileSync(initramfsPath, cpioNewc(entries));
  }
  if (kernelExtracted || !existsSync(kernelPath))
    writeFileSync(kernelPath, readFileSync(join(kernelDir, 'vmlinuz')));
  const manifest: QemuGuestManifest = { kernelPackage, kernelVersion, initramfsInputsSha256: inputs };
  writeFileSync(manifestPath(cacheDir), `${JSON.stringify(manifest, null, 2)}\n`);
  const assets = findGuestAssets(cacheDir);
  if (assets === null)
    throw new QemuLabError('QEMU_LAB_UNAVAILABLE', `guest assets incomplete in ${cacheDir}`);
  return { ...assets, installedPackages, kernelExtracted, initramfsBuilt };
}

/** One line saying what setup did: kernel, initramfs, packages, where, how long. */
export function formatLabSetupQemu(r: LabSetupQemuResult, elapsedMs: number): string {
  const packages = r.installedPackages.length > 0 ? r.installedPackages.join(' ') : 'none';
  return (
    `QEMU lab ready in ${r.cacheDir}: kernel ${r.kernelVersion} (${r.kernelExtracted ? 'extracted' : 'cached'}), ` +
    `initramfs ${r.initramfsBuilt ? 'built' : 'cached'}, packages installed: ${packages} (${Math.round(elapsedMs)} ms)`
  );
}
