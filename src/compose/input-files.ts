/**
 * The files a run reads, checked before anything starts: tcInput's VNF
 * config, license and EM config are read and parsed the way step 1 will
 * read them, and the drivers' files (VNFD file, CA files, kubeconfig, an
 * iperf3 binary given by path) must be readable. A problem is a ConfigError
 * naming the field (and its flag) and the fix, CLI exit 2, instead of a
 * step 1 failure once the lab is up.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { RunConfig } from '../config/schema.js';
import { parseEmConfig } from '../drivers/em/lab-element-manager.js';
import { parseLicense } from '../drivers/vnf-files/file-vnf-configurator.js';
import { ConfigError } from '../util/errors.js';
import type { Outcome } from '../util/outcome.js';
import { readMappingFile } from '../util/read-doc.js';
import type { DriverConfigs } from './driver-configs.js';

/** Each tcInput file: the field, its flag, and what its content must be. */
const TC_INPUT_FILES = [
  { field: 'vnfConfigFile', flag: '--vnf-config', parse: null },
  { field: 'vnfLicenseFile', flag: '--license', parse: parseLicense },
  { field: 'emConfigFile', flag: '--em-config', parse: parseEmConfig },
] as const;

export async function checkInputFiles(
  config: RunConfig,
  drivers: DriverConfigs,
  baseDir: string,
): Promise<void> {
  for (const { field, flag, parse } of TC_INPUT_FILES) {
    const given = config.tcInput[field];
    // Step 1 reads the EM config when the EM configures the VNF, else the VNF config.
    const read = field === 'vnfLicenseFile' || (field === 'emConfigFile') === config.tcInput.emVnfSystem;
    if (given === undefined || !read) continue;
    const file = isAbsolute(given) ? given : resolve(baseDir, given);
    const doc = await readMappingFile(file);
    const parsed: Outcome<unknown> = doc.ok && parse !== null ? parse(doc.value, file) : doc;
    if (!parsed.ok) throw new ConfigError(`tcInput.${field} (${flag}): ${parsed.reason}`);
  }
  for (const [field, file] of driverFiles(drivers)) {
    const problem = unreadable(file);
    if (problem !== null)
      throw new ConfigError(
        `${field} ${file}: ${problem}: check the path (a relative one is relative to the config file)`,
      );
  }
}

/** The files the drivers will read, by the config field that names them. */
function driverFiles(drivers: DriverConfigs): [string, string][] {
  const files: [string, string | undefined][] = [];
  if (drivers.vnfm.driver === 'sol003') {
    files.push(
      ['vnfm.vnfdFile', drivers.vnfm.config.vnfdFile],
      ['vnfm.tls.caFile', drivers.vnfm.config.tls?.caFile],
    );
  }
  if (drivers.migrator.driver === 'nova') files.push(['migrator.caFile', drivers.migrator.config.caFile]);
  if (drivers.migrator.driver === 'kubevirt')
    files.push(['migrator.kubeconfig', drivers.migrator.config.kubeconfig]);
  if (drivers.traffic.driver === 'iperf3') {
    // A bare name is looked up on PATH when it is started; a path must be there.
    const binary = drivers.traffic.options.binary;
    if (binary !== undefined && binary.includes('/')) files.push(['traffic.iperf3.binary', binary]);
  }
  return files.filter((f): f is [string, string] => f[1] !== undefined);
}

/** Why `file` cannot be read as a file, or null. */
function unreadable(file: string): string | null {
  try {
    if (!statSync(file).isFile()) return 'not a file';
    accessSync(file, constants.R_OK);
    return null;
  } catch (err) {
    return `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
}
