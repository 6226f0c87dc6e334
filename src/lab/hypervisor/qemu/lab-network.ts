/**
 * The lab's network, made of network namespaces, bridges, veths and taps
 * (iproute2) and one nftables table, as drawn in docs/qemu-lab.md:
 *
 *   root ns ──veth── fabric ns [router r0 + bridge br] ──veth── host ns hN [bridge br0 + taps]
 *
 * The fabric namespace routes the traffic from the root namespace to the
 * VM's ingress NIC and, when the VM has forwarded it out of its egress NIC,
 * DNATs it to the sink in the root namespace. The first pass (from root) is
 * `notrack`, so that conntrack sees the packet first on its second pass and
 * the DNAT applies (NAT is decided on a connection's first packet only).
 */
import { exec, tryExec } from './exec.js';
import { NFT_TABLE, type LabNames } from './address-plan.js';

const ip = (args: string[]): Promise<string> => exec('ip', args);
const inNs = (ns: string, file: string, args: string[]): Promise<string> =>
  exec('ip', ['netns', 'exec', ns, file, ...args]);

/** Write sysctls inside a namespace (/proc/sys/net is per namespace). */
async function sysctls(ns: string, values: Record<string, string>): Promise<void> {
  const script = Object.entries(values)
    .map(([k, v]) => `[ -e /proc/sys/${k} ] && echo ${v} > /proc/sys/${k}`)
    .join('; ');
  await inNs(ns, 'sh', ['-c', `${script}; true`]);
}

const ROUTER_SYSCTLS = {
  'net/ipv4/ip_forward': '1',
  'net/ipv4/conf/all/rp_filter': '0',
  'net/ipv4/conf/default/rp_filter': '0',
  // Bridged frames must not traverse the namespace's nftables (br_netfilter).
  'net/bridge/bridge-nf-call-iptables': '0',
  'net/bridge/bridge-nf-call-arptables': '0',
  'net/ipv6/conf/all/disable_ipv6': '1',
  'net/ipv6/conf/default/disable_ipv6': '1',
};

/** nft ruleset of the fabric router; `svc` maps a VM's service address to its sink. */
function fabricRuleset(n: LabNames): string {
  return `table ip ${NFT_TABLE} {
  map svc { type ipv4_addr : ipv4_addr . inet_service; }
  chain raw_pre {
    type filter hook prerouting priority raw; policy accept;
    iifname "${n.fabricUplink}" notrack
  }
  chain nat_pre {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "${n.fabricBridge}" meta l4proto udp dnat ip to ip daddr map @svc
  }
  chain nat_post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "${n.fabricUplink}" ct status dnat snat ip to ${n.fabricUplinkAddress}
  }
}
`;
}

/** Create the fabric namespace, its router and bridge, and the root namespace's link to it. */
export async function createFabricNetwork(n: LabNames): Promise<void> {
  await ip(['netns', 'add', n.fabricNs]);
  await sysctls(n.fabricNs, ROUTER_SYSCTLS);
  const f = ['-n', n.fabricNs];
  await ip([...f, 'link', 'set', 'lo', 'up']);
  await ip([
    ...f,
    'link',
    'add',
    n.fabricBridge,
    'address',
    n.fabricBridgeMac,
    'type',
    'bridge',
    'stp_state',
    '0',
    'forward_delay',
    '0',
  ]);
  await ip([...f, 'link', 'set', n.fabricBridge, 'up']);
  for (const a of [n.ingressGateway, n.egressGateway])
    await ip([...f, 'addr', 'add', `${a}/24`, 'dev', n.fabricBridge]);
  await ip(['link', 'add', n.rootVeth, 'type', 'veth', 'peer', 'name', n.fabricUplink, 'netns', n.fabricNs]);
  await ip(['addr', 'add', `${n.rootAddress}/30`, 'dev', n.rootVeth]);
  await ip(['link', 'set', n.rootVeth, 'up']);
  await ip([...f, 'addr', 'add', `${n.fabricUplinkAddress}/30`, 'dev', n.fabricUplink]);
  await ip([...f, 'link', 'set', n.fabricUplink, 'up']);
  // The traffic leaves the root namespace towards the service addresses through the fabric.
  await ip(['route', 'add', n.serviceSubnet, 'via', n.fabricUplinkAddress, 'dev', n.rootVeth]);
  await exec('ip', ['netns', 'exec', n.fabricNs, 'nft', '-f', '-'], { input: fabricRuleset(n) });
}

/** Create compute host h's namespace, bridge and uplink to the fabric bridge. */
export async function createHostNetwork(n: LabNames, h: number): Promise<void> {
  const ns = n.hostNs(h);
  await ip(['netns', 'add', ns]);
  await sysctls(ns, { ...ROUTER_SYSCTLS, 'net/ipv4/ip_forward': '0' });
  const x = ['-n', ns];
  await ip([...x, 'link', 'set', 'lo', 'up']);
  await ip([
    ...x,
    'link',
    'add',
    n.hostBridge,
    'address',
    n.hostBridgeMac(h),
    'type',
    'bridge',
    'stp_state',
    '0',
    'forward_delay',
    '0',
  ]);
  await ip([...x, 'link', 'set', n.hostBridge, 'up']);
  await ip([...x, 'addr', 'add', `${n.hostAddress(h)}/24`, 'dev', n.hostBridge]);
  await ip([
    '-n',
    n.fabricNs,
    'link',
    'add',
    n.fabricHostPort(h),
    'type',
    'veth',
    'peer',
    'name',
    n.hostUplink,
    'netns',
    ns,
  ]);
  await ip(['-n', n.fabricNs, 'link', 'set', n.fabricHostPort(h), 'master', n.fabricBridge, 'up']);
  await ip([...x, 'link', 'set', n.hostUplink, 'master', n.hostBridge, 'up']);
}

/** A tap in host h's namespace, on its bridge, for QEMU to open (`-netdev tap,ifname=`). */
export async function createTap(n: LabNames, h: number, tap: string): Promise<void> {
  const x = ['-n', n.hostNs(h)];
  await ip([...x, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
  await ip([...x, 'link', 'set', tap, 'master', n.hostBridge, 'up']);
}

/** Remove a tap; false when it was not there. */
export function deleteTap(n: LabNames, h: number, tap: string): Promise<boolean> {
  return tryExec('ip', ['-n', n.hostNs(h), 'link', 'del', tap]);
}

/** Route the VM's service address to its ingress NIC, and map it to `sink` for its way back. */
export async function addServiceRoute(
  n: LabNames,
  slot: number,
  sink: { readonly host: string; readonly port: number },
): Promise<void> {
  const svc = n.vmServiceAddress(slot);
  await ip([
    '-n',
    n.fabricNs,
    'route',
    'replace',
    `${svc}/32`,
    'via',
    n.vmIngressAddress(slot),
    'dev',
    n.fabricBridge,
  ]);
  await tryExec('ip', [
    'netns',
    'exec',
    n.fabricNs,
    'nft',
    'delete',
    'element',
    'ip',
    NFT_TABLE,
    'svc',
    `{ ${svc} }`,
  ]);
  await inNs(n.fabricNs, 'nft', [
    'add',
    'element',
    'ip',
    NFT_TABLE,
    'svc',
    `{ ${svc} : ${sink.host} . ${sink.port} }`,
  ]);
}

export async function removeServiceRoute(n: LabNames, slot: number): Promise<void> {
  const svc = n.vmServiceAddress(slot);
  await tryExec('ip', ['-n', n.fabricNs, 'route', 'del', `${svc}/32`]);
  await tryExec('ip', [
    'netns',
    'exec',
    n.fabricNs,
    'nft',
    'delete',
    'element',
    'ip',
    NFT_TABLE,
    'svc',
    `{ ${svc} }`,
  ]);
}
