/**
 * Names and addresses of one QEMU lab (docs/qemu-lab.md "Addressing").
 * Everything the lab creates carries the `vnflab-<labId>` / `vq<labId>`
 * prefix so that a cleanup finds the leftovers of a crashed run.
 *
 * With prefix P (default 10.213):
 *   P.0.1/30   root namespace end of the veth into the fabric namespace: the
 *              traffic source and sink address (trafficEndpoints)
 *   P.0.2/30   fabric namespace end (the fabric router)
 *   P.1.0/24   ingress subnet: fabric P.1.1, VM slot s has P.1.(10+s) on NIC a
 *   P.2.0/24   egress subnet: fabric P.2.1 (the guest's default route), VM P.2.(10+s) on NIC b
 *   P.3.(10+s) the VM's service address: the traffic target; the fabric routes
 *              it to the VM's NIC a, and DNATs it to the sink when the VM
 *              forwards it back out of NIC b
 *   P.9.(10+h) compute host h's address (its bridge), migration streams
 */

/** Prefix of every namespace, and of the root-namespace veth, of any QEMU lab. */
export const NETNS_PREFIX = 'vnflab-';
export const ROOT_VETH_PREFIX = 'vq';
/** Name of the nftables table the lab creates in its fabric namespace. */
export const NFT_TABLE = 'vnflab';
/** Highest VM slot (addresses P.x.(10+slot) stay below .255). */
export const MAX_SLOT = 240;
/** UDP port of the service address (any port works: the fabric rewrites it to the sink's). */
export const SERVICE_PORT = 5001;
/** QEMU `-incoming` port base on a host: base + slot. */
export const INCOMING_PORT_BASE = 4400;

export interface AddressPlan {
  readonly labId: string;
  readonly prefix: string;
}

/** A lab id: 4 lowercase hex chars (interface names are at most 15 bytes). */
export function isLabId(s: string): boolean {
  return /^[0-9a-f]{4}$/.test(s);
}

/** Interface names inside the namespaces are short and fixed; only root's carries the lab id. */
export const plan = (p: AddressPlan) => ({
  fabricNs: `${NETNS_PREFIX}${p.labId}-fab`,
  hostNs: (h: number): string => `${NETNS_PREFIX}${p.labId}-h${h}`,
  /** Root namespace end of the root<->fabric veth. */
  rootVeth: `${ROOT_VETH_PREFIX}${p.labId}r`,
  /** Fabric namespace end of it. */
  fabricUplink: 'r0',
  fabricBridge: 'fab0',
  /** Port of host h on the fabric bridge (fabric namespace side). */
  fabricHostPort: (h: number): string => `h${h}`,
  /** Host namespace side of that veth, a port of the host bridge. */
  hostUplink: 'up0',
  hostBridge: 'br0',
  rootAddress: `${p.prefix}.0.1`,
  fabricUplinkAddress: `${p.prefix}.0.2`,
  ingressGateway: `${p.prefix}.1.1`,
  egressGateway: `${p.prefix}.2.1`,
  serviceSubnet: `${p.prefix}.3.0/24`,
  hostAddress: (h: number): string => `${p.prefix}.9.${10 + h}`,
  vmIngressAddress: (slot: number): string => `${p.prefix}.1.${10 + slot}`,
  vmEgressAddress: (slot: number): string => `${p.prefix}.2.${10 + slot}`,
  vmServiceAddress: (slot: number): string => `${p.prefix}.3.${10 + slot}`,
  /** Locally administered MACs (52:54:00 is QEMU's OUI); same on every host, so they move with the guest. */
  vmMac: (slot: number, nic: number): string =>
    `52:54:00:d5:${nic.toString(16).padStart(2, '0')}:${slot.toString(16).padStart(2, '0')}`,
  /**
   * Fixed MACs of the bridges: a bridge without one takes the lowest MAC of its
   * ports, so it would change as taps come and go, and neighbours holding the
   * old one would lose its traffic until their ARP entry expires (seen: a
   * migration stream stalled for 68 s).
   */
  fabricBridgeMac: `02:d5:${p.labId.slice(0, 2)}:${p.labId.slice(2, 4)}:ff:00`,
  hostBridgeMac: (h: number): string =>
    `02:d5:${p.labId.slice(0, 2)}:${p.labId.slice(2, 4)}:00:${h.toString(16).padStart(2, '0')}`,
  /** Tap of NIC n of the VM in slot s, in its host namespace. */
  tap: (slot: number, nic: number): string => `t${slot}n${nic}`,
  incomingPort: (slot: number): number => INCOMING_PORT_BASE + slot,
});

export type LabNames = ReturnType<typeof plan>;
