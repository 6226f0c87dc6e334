/** Checks of what crosses the IPC boundary into a host (VmSpec.vnf, MigrationParams). */
import type { Endpoint } from '../../../util/outcome.js';
import type { MigrationParams, VnfBootConfig } from '../hypervisor.js';
import { HostError } from './errors.js';

const isEndpoint = (e: Endpoint | undefined): boolean =>
  typeof e?.host === 'string' && Number.isInteger(e.port) && e.port > 0 && e.port < 65536;

export function validateVnfBoot(vnf: VnfBootConfig): void {
  const problems: string[] = [];
  if (!isEndpoint(vnf.egress)) problems.push('egress must be {host, port}');
  if (!(Number.isFinite(vnf.dirtyPagesPerSec) && vnf.dirtyPagesPerSec >= 0))
    problems.push('dirtyPagesPerSec must be >= 0');
  const perPacket = vnf.bytesDirtiedPerPacket;
  if (perPacket !== undefined && !(Number.isInteger(perPacket) && perPacket >= 0)) {
    problems.push('bytesDirtiedPerPacket must be an integer >= 0');
  }
  if (problems.length > 0)
    throw new HostError('INVALID_SPEC', `invalid VNF boot config: ${problems.join('; ')}`, { problems });
}

export function validateMigrationParams(p: MigrationParams): void {
  const problems: string[] = [];
  if (!isEndpoint(p.dest)) problems.push('dest must be {host, port}');
  if (p.mode !== 'live' && p.mode !== 'offline') problems.push("mode must be 'live' or 'offline'");
  if (!(p.bandwidthBytesPerSec > 0)) problems.push('bandwidthBytesPerSec must be > 0');
  if (!(p.downtimeLimitMs >= 0)) problems.push('downtimeLimitMs must be >= 0');
  if (!(Number.isInteger(p.maxRounds) && p.maxRounds >= 1))
    problems.push('maxRounds must be an integer >= 1');
  if (problems.length > 0)
    throw new HostError('INVALID_SPEC', `invalid migration parameters: ${problems.join('; ')}`, { problems });
}
