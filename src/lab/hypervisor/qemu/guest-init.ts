/**
 * The guest VNF's /init (busybox sh, PID 1 of the initramfs): load the
 * virtio network drivers, configure two NICs from the kernel command line and
 * route IPv4 between their subnets. That is the whole VNF: the Linux kernel
 * forwards the harness's UDP datagrams from the ingress subnet (NIC a) to the
 * egress subnet (NIC b).
 *
 * Kernel command line (set by qemu-args.ts):
 *   vnflab.a=<ip/len>,<mac>   ingress NIC
 *   vnflab.b=<ip/len>,<mac>   egress NIC
 *   vnflab.gw=<ip>            next hop for everything else (the fabric router)
 *
 * NICs are found by MAC, not by probe order. The module order is the one
 * that works with the Debian 6.1 kernel's modules (DESIGN.md "Facts measured"):
 * each insmod needs the ones before it; a module built into the kernel fails
 * to load and that is fine.
 */

/** Marker the init prints on the serial console once the VNF routes. */
export const GUEST_READY_MARKER = 'VNFLAB-VNF-READY';

/** Kernel modules, in load order, as stored flat in the initramfs's /lib/modules. */
export const GUEST_MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_legacy_dev',
  'virtio_pci_modern_dev',
  'virtio_pci',
  'failover',
  'net_failover',
  'virtio_net',
] as const;

/** The /init script. */
export const GUEST_INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in ${GUEST_MODULES.join(' ')}; do
  insmod /lib/modules/$m.ko 2>/dev/null
done
A=''; B=''; GW=''
for kv in $(cat /proc/cmdline); do
  case "$kv" in
    vnflab.a=*) A="\${kv#vnflab.a=}" ;;
    vnflab.b=*) B="\${kv#vnflab.b=}" ;;
    vnflab.gw=*) GW="\${kv#vnflab.gw=}" ;;
  esac
done
# Name of the interface with MAC $1.
nic() {
  for d in /sys/class/net/*; do
    if [ "$(cat $d/address)" = "$1" ]; then echo "\${d##*/}"; return; fi
  done
}
# Two NICs on one L2 segment: answer ARP only on the NIC that owns the address.
echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore
echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce
echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter
echo 0 > /proc/sys/net/ipv4/conf/default/rp_filter
ip link set lo up
for spec in "$A" "$B"; do
  addr="\${spec%,*}"; mac="\${spec#*,}"
  n=$(nic "$mac")
  while [ -z "$n" ]; do sleep 0.1; n=$(nic "$mac"); done
  echo 0 > /proc/sys/net/ipv4/conf/$n/rp_filter
  ip addr add "$addr" dev "$n"
  ip link set "$n" up
done
ip route add default via "$GW"
echo 1 > /proc/sys/net/ipv4/ip_forward
echo ${GUEST_READY_MARKER}
while true; do sleep 3600; done
`;
