/**
 * The lab VIM's scheduler, shaped like Nova's filter scheduler: every host
 * passes through filters (a host that fails one is out, with the reason),
 * the survivors are weighed and the best one wins.
 *
 * Filters: the requested host only (Nova's `host` / forced destination), not
 * an excluded host (a live migration's source: Nova's conductor never picks
 * the source, UnableToMigrateToSelf), and capacity (vCPU, RAM, disk, NICs
 * with allocation ratio 1.0, Nova's ComputeFilter/RamFilter/DiskFilter
 * without overcommit). Weigher: least used memory first, then name, so the
 * choice is deterministic.
 */
import { fail, ok, type Outcome } from '../../util/outcome.js';
import type { HostCapacity } from '../hypervisor/hypervisor.js';
import type { Flavor } from './vim.js';

/** What the scheduler needs to know of a host. */
export interface HostLoad {
  readonly name: string;
  readonly capacity: HostCapacity;
  /** Used now, including claims of placements in flight. */
  readonly used: HostCapacity;
}

export interface SchedulingRequest {
  readonly flavor: Flavor;
  /** Only this host may be picked. */
  readonly requestedHost?: string | null;
  /** Hosts that may not be picked (the source host of a migration). */
  readonly excludeHosts?: readonly string[];
}

/** Nova's NoValidHost text, which clients and operators recognize. */
export const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

/** The flavor's demand as a host capacity. */
export function flavorDemand(flavor: Flavor): HostCapacity {
  return { vCpu: flavor.vCpu, memoryMiB: flavor.memoryMiB, storageGiB: flavor.storageGiB, nics: flavor.nics };
}

/** Why `host` cannot take `flavor`, or null when it fits. */
export function capacityShortfall(host: HostLoad, flavor: Flavor): string | null {
  const demand = flavorDemand(flavor);
  const checks: [Exclude<keyof HostCapacity, 'storagePools'>, string][] = [
    ['vCpu', 'vCPU'],
    ['memoryMiB', 'MiB memory'],
    ['storageGiB', 'GiB storage'],
    ['nics', 'NICs'],
  ];
  const short = checks
    .filter(([key]) => host.capacity[key] - host.used[key] < demand[key])
    .map(([key, label]) => `${host.capacity[key] - host.used[key]} ${label} free < ${demand[key]}`);
  return short.length === 0 ? null : short.join(', ');
}

/** Filter and weigh; the chosen host, or NoValidHost with every host's reason. */
export function selectHost(hosts: readonly HostLoad[], req: SchedulingRequest): Outcome<HostLoad> {
  const rejected: string[] = [];
  const candidates = hosts.filter((host) => {
    const reason = rejection(host, req);
    if (reason !== null) rejected.push(`${host.name}: ${reason}`);
    return reason === null;
  });
  const best = [...candidates].sort(
    (a, b) => a.used.memoryMiB - b.used.memoryMiB || a.name.localeCompare(b.name),
  )[0];
  if (best !== undefined) return ok(best);
  const detail = hosts.length === 0 ? 'no compute hosts' : rejected.join('; ');
  return fail(`${NO_VALID_HOST} (${detail})`);
}

function rejection(host: HostLoad, req: SchedulingRequest): string | null {
  if (req.requestedHost != null && host.name !== req.requestedHost) return 'not the requested host';
  if (req.excludeHosts?.includes(host.name) === true) return 'excluded (source host)';
  return capacityShortfall(host, req.flavor);
}
