import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_LAB_VNFDS, UDP_FORWARDER_VNFD } from '../../lab/vnfm/lab-vnfd.js';
import { labVnfdResources, readVnfdFile, VnfdFileError } from './vnfd-resources.js';

// A SOL001-style VNFD in the shape of Tacker's samples (trimmed).
const TOSCA_VNFD = `
tosca_definitions_version: tosca_simple_yaml_1_2
topology_template:
  node_templates:
    VNF:
      type: company.provider.VNF
      properties:
        descriptor_id: b1bb0ce7-ebca-4fa7-95ed-4840d70a1177
        provider: Company
        product_name: Sample VNF
        flavour_id: simple
    VDU1:
      type: tosca.nodes.nfv.Vdu.Compute
      properties:
        name: VDU1
        sw_image_data:
          name: cirros-0.5.2-x86_64-disk
          version: '0.5.2'
      capabilities:
        virtual_compute:
          properties:
            virtual_memory:
              virtual_mem_size: 512 MB
            virtual_cpu:
              num_virtual_cpu: 2
            virtual_local_storage:
              - size_of_storage: 3 GB
      requirements:
        - virtual_storage: VirtualStorage
    VirtualStorage:
      type: tosca.nodes.nfv.Vdu.VirtualBlockStorage
      properties:
        virtual_block_storage_data:
          size_of_storage: 1 GiB
    CP1:
      type: tosca.nodes.nfv.VduCp
      properties:
        layer_protocols: [ ipv4 ]
      requirements:
        - virtual_binding: VDU1
    CP2:
      type: tosca.nodes.nfv.VduCp
      properties:
        vnic_type: direct
      requirements:
        - virtual_binding: VDU1
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vnflab-vnfd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('VNFD resources', () => {
  it('maps a lab VNFD to the port shape', () => {
    expect(labVnfdResources(UDP_FORWARDER_VNFD)).toEqual({
      vnfdId: 'vnfd-vnflab-udp-fwd',
      flavourId: 'default',
      vdus: [
        {
          vduId: 'fwd',
          swImageId: 'sw-vnflab-udp-fwd-1.0',
          vCpu: 1,
          memoryMiB: 128,
          storageGiB: 1,
          nics: 2,
          migration: 'LIVE',
        },
      ],
    });
  });

  it('reads lab VNFDs from JSON and from a YAML list', async () => {
    const jsonFile = await file('one.json', JSON.stringify(UDP_FORWARDER_VNFD));
    expect((await readVnfdFile(jsonFile, 'vnfd-vnflab-udp-fwd')).vdus[0]?.memoryMiB).toBe(128);
    const yamlFile = await file('all.yaml', stringify(DEFAULT_LAB_VNFDS));
    expect((await readVnfdFile(yamlFile, 'vnfd-vnflab-udp-fwd-sriov')).vdus[0]?.migration).toBe('OFFLINE');
    await expect(readVnfdFile(yamlFile, 'other')).rejects.toThrow(
      /has no VNFD 'other'.*vnfd-vnflab-udp-fwd, vnfd-vnflab-udp-fwd-sriov/,
    );
  });

  it('reads an ETSI SOL001 TOSCA VNFD: compute, storage, connection points, SR-IOV', async () => {
    const path = await file('vnfd.yaml', TOSCA_VNFD);
    expect(await readVnfdFile(path, 'b1bb0ce7-ebca-4fa7-95ed-4840d70a1177')).toEqual({
      vnfdId: 'b1bb0ce7-ebca-4fa7-95ed-4840d70a1177',
      flavourId: 'simple',
      vdus: [
        {
          vduId: 'VDU1',
          swImageId: 'cirros-0.5.2-x86_64-disk',
          vCpu: 2,
          memoryMiB: 512,
          storageGiB: 4,
          nics: 2,
          migration: 'OFFLINE',
        },
      ],
    });
  });

  it('explains what is wrong with a file', async () => {
    await expect(readVnfdFile(join(dir, 'missing.yaml'), 'x')).rejects.toThrow(VnfdFileError);
    const bad = await file('bad.json', JSON.stringify({ ...UDP_FORWARDER_VNFD, vdus: [] }));
    await expect(readVnfdFile(bad, 'x')).rejects.toThrow(/is not a lab VNFD: vdus/);
    const noVdu = await file(
      'novdu.yaml',
      'tosca_definitions_version: x\ntopology_template:\n  node_templates:\n    VNF:\n      properties:\n        descriptor_id: d\n',
    );
    await expect(readVnfdFile(noVdu, 'd')).rejects.toThrow(/no tosca.nodes.nfv.Vdu.Compute/);
  });
});
