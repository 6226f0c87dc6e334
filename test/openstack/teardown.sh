#!/usr/bin/env bash
# Twin of test/openstack/setup.sh: stops every process it started (pids in $VNFLAB_OS_STATE/pids, each its own
# session: the whole process group goes), then RabbitMQ's epmd and MariaDB if setup started them. Leaves packages,
# configuration and databases in place, so the next setup.sh is quick. Root only; safe to run twice.
set -uo pipefail
STATE=${VNFLAB_OS_STATE:-/var/lib/vnflab-openstack}
PIDDIR=$STATE/pids
t0=$SECONDS
log() { echo "[openstack-teardown $((SECONDS - t0)) s] $*" >&2; }
[ "$(id -u)" -eq 0 ] || { echo "openstack-teardown: must run as root" >&2; exit 1; }

# Reverse order of setup.sh's starts: computes first, then the control plane, the broker last.
order=(nova-compute-2 nova-compute-1 nova-scheduler nova-conductor nova-api neutron glance placement keystone rabbitmq)
for name in "${order[@]}"; do
  f=$PIDDIR/$name.pid
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    [ "$name" = rabbitmq ] && rabbitmqctl -n rabbit@localhost stop >/dev/null 2>&1
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    # nova-compute shuts down gracefully and takes a few seconds (notes E10).
    for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 -- "-$pid" 2>/dev/null; then
      log "$name (pid $pid) still running after 15 s: SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$f"
done
# epmd daemonizes out of RabbitMQ's process group.
if epmd -names >/dev/null 2>&1; then epmd -kill >/dev/null 2>&1 && log "stopped epmd"; fi
if [ -f "$STATE/started.mariadb" ]; then
  service mariadb stop >&2 && rm -f "$STATE/started.mariadb"
  log "stopped MariaDB"
fi
left=$(ps -eo pid,cmd | grep -E 'nova-|neutron-server|glance-api|uwsgi --ini /etc/os-uwsgi|beam.smp|mariadbd' | grep -v grep || true)
if [ -n "$left" ]; then
  echo "openstack-teardown: still running:" >&2
  echo "$left" >&2
  exit 1
fi
log "nothing left running"
