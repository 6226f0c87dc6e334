/**
 * A lab server as Nova's `GET /servers/{id}` shows it to an admin, by
 * microversion (nova/api/openstack/compute/views/servers.py): the 2.1 keys
 * with the extended attributes (OS-EXT-SRV-ATTR:*, OS-EXT-STS:*), then
 * 2.3 extended server attributes, 2.9 locked, 2.16 host_status,
 * 2.19 description, 2.26 tags, 2.47 the flavor embedded with extra_specs,
 * 2.63 trusted_image_certificates, 2.71 server_groups, 2.73 locked_reason.
 *
 * Lab-only figures go into vendor-prefixed keys:
 * - `vnflab:allocations`: every vResource the hosts' inventories hold for
 *   this server now, with id and host (both hosts while it migrates);
 * - `vnflab:data_plane`: the VNF's fixed ingress on the lab fabric;
 * - `vnflab:live_migratable`: what the VNFD said;
 * - `vnflab:management`: the VNF's management interface URL (stable across moves).
 * Allocations carry `pinned_cores` (vCPU) and `pool` (vStorage).
 * A flavor with specialized NICs carries `pci_passthrough:alias` in its
 * extra_specs, as an SR-IOV / passthrough flavor does in Nova.
 */
import type { VnflabServerFields } from '../../../protocols/nova/vnflab-extensions.js';
import { createHash } from 'node:crypto';
import type { Flavor, Server, ServerAllocation } from '../vim.js';
import { atLeast, type Microversion } from '../../../protocols/nova/microversion.js';
import { toMicros, toSecondsZ } from './time-format.js';

export interface ViewContext {
  readonly version: Microversion;
  /** Base URL of the API version root, e.g. http://127.0.0.1:1234/v2.1 */
  readonly baseUrl: string;
  /** Base URL without the version, for bookmark links. */
  readonly rootUrl: string;
  readonly projectId: string;
  readonly userId: string;
}

const VM_STATES: Record<Server['status'], string> = {
  BUILD: 'building',
  SHUTOFF: 'stopped',
  ACTIVE: 'active',
  MIGRATING: 'active',
  ERROR: 'error',
};

/** nova/compute/power_state.py: NOSTATE 0, RUNNING 1, SHUTDOWN 4. */
const POWER_STATES: Record<Server['status'], number> = {
  BUILD: 0,
  SHUTOFF: 4,
  ACTIVE: 1,
  MIGRATING: 1,
  ERROR: 0,
};

/** The flavor's name in the lab: its shape. */
export function flavorName(f: Flavor): string {
  return `vnflab.c${f.vCpu}.m${f.memoryMiB}.d${f.storageGiB}.n${f.nics}${f.specializedNics ? `.sr${f.specializedNics}` : ''}`;
}

/** Flavor extra_specs: the NIC count, and a PCI alias when NICs are specialized (SR-IOV VFs). */
export function flavorExtraSpecs(f: Flavor): Record<string, string> {
  const specs: Record<string, string> = { 'vnflab:nics': String(f.nics) };
  if ((f.specializedNics ?? 0) > 0) specs['pci_passthrough:alias'] = `vnflab-sriov-vf:${f.specializedNics}`;
  return specs;
}

/** Nova's hostId: sha224(project_id + host), so tenants cannot read host names. */
export function hostIdOf(projectId: string, host: string): string {
  return host === ''
    ? ''
    : createHash('sha224')
        .update(projectId + host)
        .digest('hex');
}

function links(ctx: ViewContext, path: string): { href: string; rel: string }[] {
  return [
    { href: `${ctx.baseUrl}/${path}`, rel: 'self' },
    { href: `${ctx.rootUrl}/${path}`, rel: 'bookmark' },
  ];
}

/** GET /servers list entry. */
export function serverSummary(ctx: ViewContext, s: Server): Record<string, unknown> {
  return { id: s.id, name: s.name, links: links(ctx, `servers/${s.id}`) };
}

/** GET /servers/{id} and /servers/detail entry. */
export function serverDetail(
  ctx: ViewContext,
  s: Server,
  allocations: readonly ServerAllocation[],
): Record<string, unknown> {
  const v = ctx.version;
  const launched = s.status === 'ACTIVE' || s.status === 'MIGRATING' ? toMicros(s.updated) : null;
  const view: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    // Nova shows a cold migration as RESIZE (task_state resize_*).
    status: s.taskState?.startsWith('resize') === true ? 'RESIZE' : s.status,
    tenant_id: ctx.projectId,
    user_id: ctx.userId,
    metadata: { ...s.metadata },
    hostId: hostIdOf(ctx.projectId, s.host),
    image: { id: s.imageId, links: [{ href: `${ctx.rootUrl}/images/${s.imageId}`, rel: 'bookmark' }] },
    flavor: flavorView(ctx, s.flavor),
    created: toSecondsZ(s.created),
    updated: toSecondsZ(s.updated),
    addresses: addresses(s),
    accessIPv4: '',
    accessIPv6: '',
    links: links(ctx, `servers/${s.id}`),
    'OS-DCF:diskConfig': 'MANUAL',
    progress: 0,
    'OS-EXT-AZ:availability_zone': 'nova',
    config_drive: '',
    key_name: null,
    'OS-SRV-USG:launched_at': launched,
    'OS-SRV-USG:terminated_at': null,
    'OS-EXT-SRV-ATTR:host': s.host === '' ? null : s.host,
    'OS-EXT-SRV-ATTR:instance_name': `instance-${s.id.slice(0, 8)}`,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': s.host === '' ? null : s.host,
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': VM_STATES[s.status],
    'OS-EXT-STS:power_state': POWER_STATES[s.status],
    'os-extended-volumes:volumes_attached': [],
    security_groups: [{ name: 'default' }],
  };
  if (atLeast(v, '2.3'))
    Object.assign(view, {
      'OS-EXT-SRV-ATTR:reservation_id': `r-${s.id.slice(0, 8)}`,
      'OS-EXT-SRV-ATTR:launch_index': 0,
      'OS-EXT-SRV-ATTR:hostname': s.name,
      'OS-EXT-SRV-ATTR:kernel_id': '',
      'OS-EXT-SRV-ATTR:ramdisk_id': '',
      'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
      'OS-EXT-SRV-ATTR:user_data': null,
    });
  if (atLeast(v, '2.9')) view.locked = false;
  if (atLeast(v, '2.16')) view.host_status = s.host === '' ? '' : 'UP';
  if (atLeast(v, '2.19')) view.description = null;
  if (atLeast(v, '2.26')) view.tags = [];
  if (atLeast(v, '2.63')) view.trusted_image_certificates = null;
  if (atLeast(v, '2.71')) view.server_groups = [];
  if (atLeast(v, '2.73')) view.locked_reason = null;
  if (s.fault !== undefined)
    view.fault = { code: s.fault.code, message: s.fault.message, created: toSecondsZ(s.fault.created) };
  const lab: VnflabServerFields = {
    'vnflab:allocations': allocations.map((a) => ({
      id: a.id,
      kind: a.kind,
      amount: a.amount,
      unit: a.unit,
      host: a.host,
      specialized: a.specialized === true,
      ...(a.pinnedCores === undefined ? {} : { pinned_cores: [...a.pinnedCores] }),
      ...(a.pool === undefined ? {} : { pool: a.pool }),
    })),
    'vnflab:data_plane': s.dataPlane === null ? null : { ingress: { ...s.dataPlane.ingress } },
    'vnflab:live_migratable': s.liveMigratable,
    'vnflab:management': s.management == null ? null : { url: s.management.url },
  };
  Object.assign(view, lab);
  return view;
}

function flavorView(ctx: ViewContext, f: Flavor): Record<string, unknown> {
  const name = flavorName(f);
  if (!atLeast(ctx.version, '2.47'))
    return { id: name, links: [{ href: `${ctx.rootUrl}/flavors/${name}`, rel: 'bookmark' }] };
  return {
    vcpus: f.vCpu,
    ram: f.memoryMiB,
    disk: f.storageGiB,
    ephemeral: 0,
    swap: 0,
    original_name: name,
    extra_specs: flavorExtraSpecs(f),
  };
}

/** The data-plane ingress as the server's fixed address on the 'vnflab-data' network. */
function addresses(s: Server): Record<string, unknown[]> {
  if (s.dataPlane === null) return {};
  const mac = `fa:16:3e:${s.id.slice(0, 2)}:${s.id.slice(2, 4)}:${s.id.slice(4, 6)}`;
  return {
    'vnflab-data': [
      {
        addr: s.dataPlane.ingress.host,
        version: 4,
        'OS-EXT-IPS:type': 'fixed',
        'OS-EXT-IPS-MAC:mac_addr': mac,
      },
    ],
  };
}
