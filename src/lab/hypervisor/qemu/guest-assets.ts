/**
 * Where `vnflab lab setup qemu` puts the guest (kernel + initramfs) and how
 * the lab finds it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The guest VNF's boot files. */
export interface QemuGuestAssets {
  readonly cacheDir: string;
  /** bzImage of the Debian kernel. */
  readonly kernelPath: string;
  /** newc cpio: busybox, the virtio/net modules, /init. */
  readonly initramfsPath: string;
  /** e.g. 6.1.0-56-amd64 */
  readonly kernelVersion: string;
}

/** Default cache dir: $XDG_CACHE_HOME/vnflab/qemu or ~/.cache/vnflab/qemu. */
export function defaultQemuCacheDir(): string {
  const base = process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache');
  return join(base, 'vnflab', 'qemu');
}

/** Contents of `manifest.json` in the cache dir. */
export interface QemuGuestManifest {
  readonly kernelPackage: string;
  readonly kernelVersion: string;
  /** SHA-256 of the initramfs inputs (init script, modules, busybox), to rebuild when they change. */
  readonly initramfsInputsSha256: string;
}

export const manifestPath = (cacheDir: string): string => join(cacheDir, 'manifest.json');

/** The assets in `cacheDir`, or null when setup has not run (or left them incomplete). */
export function findGuestAssets(cacheDir: string = defaultQemuCacheDir()): QemuGuestAssets | null {
  const kernelPath = join(cacheDir, 'vmlinuz');
  const initramfsPath = join(cacheDir, 'initramfs.cpio');
  if (!existsSync(manifestPath(cacheDir)) || !existsSync(kernelPath) || !existsSync(initramfsPath))
    return null;
  try {
    const m = JSON.parse(readFileSync(manifestPath(cacheDir), 'utf8')) as Partial<QemuGuestManifest>;
    if (typeof m.kernelVersion !== 'string') return null;
    return { cacheDir, kernelPath, initramfsPath, kernelVersion: m.kernelVersion };
  } catch {
    return null;
  }
}
