/**
 * VNFM.VNFD.GetvResourceList for the SOL003 driver. SOL003 cannot read a
 * VNFD (that is SOL005 VNF package management), so the driver reads either
 * the lab VNFM's VNFD endpoint or a VNFD resource file given in config:
 * a lab VNFD document (JSON or YAML, one or a list), or an ETSI SOL001
 * TOSCA VNFD (YAML) of which the VDUs' virtual compute, storage and
 * connection points are read.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { type LabVnfd, labVnfdSchema } from '../../protocols/sol003/vnflab-vnfd.js';
import type { VduResources, VnfdResources } from '../../ports/vnfm.js';
import { VnflabError } from '../../util/errors.js';

/** Why a VNFD document could not be used. */
export class VnfdFileError extends VnflabError {
  readonly code = 'SOL003_VNFD_FILE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VnfdFileError';
  }
}

/** A lab VNFD as the port's VnfdResources. */
export function labVnfdResources(vnfd: LabVnfd): VnfdResources {
  return {
    vnfdId: vnfd.vnfdId,
    flavourId: vnfd.flavourId,
    vdus: vnfd.vdus.map((v) => ({
      vduId: v.vduId,
      swImageId: v.swImageDesc.id,
      vCpu: v.vCpu,
      memoryMiB: v.memoryMiB,
      storageGiB: v.storageGiB,
      nics: v.nics,
      migration: v.migration,
    })),
  };
}

/** Read the VnfdResources of `vnfdId` from a VNFD resource file. */
export async function readVnfdFile(path: string, vnfdId: string): Promise<VnfdResources> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new VnfdFileError(`cannot read VNFD file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) as unknown; // YAML 1.2 is a superset of JSON.
  } catch (err) {
    throw new VnfdFileError(`VNFD file ${path} is neither JSON nor YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const candidates = vnfdsIn(doc, path);
  const found = candidates.find((c) => c.vnfdId === vnfdId);
  if (!found) {
    throw new VnfdFileError(
      `VNFD file ${path} has no VNFD '${vnfdId}' (it has: ${candidates.map((c) => c.vnfdId).join(', ') || 'none'})`,
    );
  }
  return found;
}

function vnfdsIn(doc: unknown, path: string): VnfdResources[] {
  if (isRecord(doc) && 'tosca_definitions_version' in doc) return [toscaVnfdResources(doc, path)];
  const list = Array.isArray(doc) ? doc : [doc];
  return list.map((item, i) => {
    const parsed = labVnfdSchema.safeParse(item);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ');
      throw new VnfdFileError(
        `VNFD file ${path}${list.length > 1 ? ` [${i}]` : ''} is not a lab VNFD: ${issues}`,
      );
    }
    return labVnfdResources(parsed.data);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(node: unknown, ...path: string[]): unknown {
  let current = node;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return current;
}

/**
 * TOSCA scalar-unit.size to MiB / GiB. Decimal units are read as their
 * binary counterparts ("512 MB" = 512 MiB), as Nova flavors and Tacker's
 * sample VNFDs use them.
 */
function sizeIn(value: unknown, unit: 'MiB' | 'GiB'): number {
  if (typeof value === 'number') return value;
  const match = typeof value === 'string' ? /^\s*([\d.]+)\s*([kKmMgGtT]i?)?B?\s*$/.exec(value) : null;
  if (!match) return 0;
  const exponent = { k: 1, m: 2, g: 3, t: 4 }[(match[2] ?? 'm').charAt(0).toLowerCase()] ?? 2;
  const bytes = Number(match[1]) * 1024 ** exponent;
  return Math.round(bytes / 1024 ** (unit === 'MiB' ? 2 : 3));
}

/** SOL001 §6.8 (tosca.nodes.nfv.VNF, Vdu.Compute, Vdu.VirtualBlockStorage, VduCp), the attributes vnflab needs. */
function toscaVnfdResources(doc: Record<string, unknown>, path: string): VnfdResources {
  const nodes = at(doc, 'topology_template', 'node_templates');
  if (!isRecord(nodes)) throw new VnfdFileError(`TOSCA VNFD ${path} has no topology_template.node_templates`);
  const entries = Object.entries(nodes).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1]));
  const typeOf = (node: Record<string, unknown>): string => (typeof node.type === 'string' ? node.type : '');
  const vnf = entries.find(([, n]) => typeof at(n, 'properties', 'descriptor_id') === 'string')?.[1];
  if (!vnf) throw new VnfdFileError(`TOSCA VNFD ${path} has no VNF node with properties.descriptor_id`);
  const requirementTargets = (node: Record<string, unknown>, name: string): string[] => {
    const reqs = Array.isArray(node.requirements) ? (node.requirements as unknown[]) : [];
    return reqs.flatMap((r) => {
      const target = at(r, name);
      return typeof target === 'string' ? [target] : [];
    });
  };
  const vdus = entries
    .filter(([, n]) => typeOf(n).endsWith('Vdu.Compute'))
    .map(([name, node]): VduResources => {
      const compute = at(node, 'capabilities', 'virtual_compute', 'properties');
      const cps = entries.filter(
        ([, n]) => typeOf(n).endsWith('VduCp') && requirementTargets(n, 'virtual_binding').includes(name),
      );
      // vnic_type direct / direct-physical / baremetal: SR-IOV or passthrough, no live migration.
      const specialized = cps.filter(([, n]) =>
        ['direct', 'direct-physical', 'baremetal'].includes(String(at(n, 'properties', 'vnic_type'))),
      ).length;
      const blockStorageGiB = requirementTargets(node, 'virtual_storage')
        .map((target) =>
          sizeIn(at(nodes, target, 'properties', 'virtual_block_storage_data', 'size_of_storage'), 'GiB'),
        )
        .reduce((a, b) => a + b, 0);
      const local = at(compute, 'virtual_local_storage');
      const localGiB = Array.isArray(local)
        ? local.reduce((a: number, s) => a + sizeIn(at(s, 'size_of_storage'), 'GiB'), 0)
        : 0;
      const image = at(node, 'properties', 'sw_image_data', 'name');
      return {
        vduId: name,
        swImageId: typeof image === 'string' ? image : name,
        vCpu: Number(at(compute, 'virtual_cpu', 'num_virtual_cpu') ?? 0),
        memoryMiB: sizeIn(at(compute, 'virtual_memory', 'virtual_mem_size'), 'MiB'),
        storageGiB: blockStorageGiB + localGiB,
        nics: cps.length,
        migration: specialized > 0 ? 'OFFLINE' : 'LIVE',
      };
    });
  if (vdus.length === 0)
    throw new VnfdFileError(`TOSCA VNFD ${path} has no tosca.nodes.nfv.Vdu.Compute node`);
  const flavourId = at(vnf, 'properties', 'flavour_id');
  return {
    vnfdId: String(at(vnf, 'properties', 'descriptor_id')),
    flavourId: typeof flavourId === 'string' ? flavourId : 'default',
    vdus,
  };
}
