/**
 * The lab's own VNF descriptors (in the format of
 * protocols/sol003/vnflab-vnfd.ts), served by the lab VNFM.
 */
import type { LabVdu, LabVnfd } from '../../protocols/sol003/vnflab-vnfd.js';

const udpForwarderVdu: LabVdu = {
  vduId: 'fwd',
  swImageDesc: { id: 'sw-vnflab-udp-fwd-1.0', name: 'vnflab-udp-fwd', version: '1.0' },
  vCpu: 1,
  memoryMiB: 128,
  storageGiB: 1,
  virtualStorageDescId: 'fwd-root',
  nics: 2,
  specializedNics: 0,
  migration: 'LIVE',
};

/** Id of the default lab VNFD (the UDP forwarder). */
export const DEFAULT_VNFD_ID = 'vnfd-vnflab-udp-fwd';

/** The default lab VNF: a UDP forwarder that supports live migration. */
export const UDP_FORWARDER_VNFD: LabVnfd = {
  vnfdId: DEFAULT_VNFD_ID,
  vnfProvider: 'vnflab',
  vnfProductName: 'udp-forwarder',
  vnfSoftwareVersion: '1.0',
  vnfdVersion: '1.0',
  flavourId: 'default',
  vdus: [udpForwarderVdu],
};

/** The same forwarder with one SR-IOV NIC: it can only be migrated offline. */
export const UDP_FORWARDER_SRIOV_VNFD: LabVnfd = {
  ...UDP_FORWARDER_VNFD,
  vnfdId: 'vnfd-vnflab-udp-fwd-sriov',
  vnfProductName: 'udp-forwarder-sriov',
  vdus: [{ ...udpForwarderVdu, specializedNics: 1, migration: 'OFFLINE' }],
};

/** The VNFDs the lab VNFM knows unless told otherwise. */
export const DEFAULT_LAB_VNFDS: readonly LabVnfd[] = [UDP_FORWARDER_VNFD, UDP_FORWARDER_SRIOV_VNFD];
