#!/usr/bin/env bash
# A real OpenStack Zed (Debian 12 packages) on 127.0.0.1 for the nova driver's tests: MariaDB, RabbitMQ, Keystone,
# Placement, Glance (one 1 KiB raw image), Neutron server (ML2, no agents), Nova API / conductor / scheduler and two
# nova-compute services with the fake live-migration driver (hosts fake-1, fake-2). Recipe and traps:
# docs/openstack.md ("A local OpenStack"). Root only; idempotent: a second run starts only what is not running and
# redoes no database step. No systemd here: every process is started by this script, its pid kept in
# $VNFLAB_OS_STATE/pids/ for test/openstack/teardown.sh.
#
# Progress goes to stderr; stdout is only `export NAME=value` lines (what examples/openstack-local.yaml and
# test/openstack/ read), so `eval "$(sudo test/openstack/setup.sh)"` works.
set -euo pipefail

STATE=${VNFLAB_OS_STATE:-/var/lib/vnflab-openstack}
PIDDIR=$STATE/pids
ADMIN_PASS=adminpass      # loopback-only throw-away cloud
SERVICE_PASS=servicepass
DB_PASS=ospass
PY=/usr/bin/python3       # Debian's python: the OpenStack entry points use it (python3 on PATH may be another)
t0=$SECONDS
step_start=$SECONDS

log() { echo "[openstack-setup $((SECONDS - t0)) s] $*" >&2; }
step() { log "$* (previous step $((SECONDS - step_start)) s)"; step_start=$SECONDS; }
die() { echo "openstack-setup: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (installs Debian packages and starts services as their users)"
command -v apt-get >/dev/null || die "apt-get not found: needs Debian 12 (bookworm)"
mkdir -p "$PIDDIR"

# --- 1. Packages -----------------------------------------------------------------------------------------------
PACKAGES=(mariadb-server rabbitmq-server keystone placement-api nova-api nova-conductor nova-scheduler nova-compute
  nova-compute-ironic glance-api neutron-server python3-openstackclient python3-pymysql uwsgi-core uwsgi-plugin-python3
  curl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # No package may configure a database or register an endpoint: this script does it.
  debconf-set-selections <<'X'
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
placement-common placement/configure_db boolean false
placement-api placement/register-endpoint boolean false
nova-common nova/configure_db boolean false
nova-api nova/register-endpoint boolean false
glance-common glance/configure_db boolean false
glance-api glance/register-endpoint boolean false
neutron-common neutron/configure_db boolean false
neutron-server neutron/register-endpoint boolean false
X
  # Without systemd, postinst scripts would start services through init.d: forbid it while installing.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; own_policy=1; fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${PACKAGES[@]}" >"$STATE/apt.log" 2>&1 || { tail -20 "$STATE/apt.log" >&2; die "apt-get install failed (log: $STATE/apt.log)"; }
  if [ "$own_policy" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
else
  step "packages already installed"
fi

# --- helpers -----------------------------------------------------------------------------------------------------
alive() { [ -f "$PIDDIR/$1.pid" ] && kill -0 "$(cat "$PIDDIR/$1.pid")" 2>/dev/null; }
# start NAME USER LOGFILE CMD...: its own session (teardown kills the group), as USER, pid recorded.
start() {
  local name=$1 user=$2 out=$3
  shift 3
  if alive "$name"; then log "$name already running (pid $(cat "$PIDDIR/$name.pid"))"; return; fi
  local home
  home=$(getent passwd "$user" | cut -d: -f6)
  setsid nohup setpriv --reuid="$user" --regid="$user" --init-groups env HOME="$home" "$@" >"$out" 2>&1 </dev/null &
  echo $! >"$PIDDIR/$name.pid"
}
wait_until() { # SECONDS WHAT CMD...
  local limit=$1 what=$2
  shift 2
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$end" ] || die "$what not ready after $limit s"
    sleep 1
  done
}
http_up() { curl -sf -o /dev/null -m 5 "$1" || [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$1")" = 401 ]; }
done_once() { [ -f "$STATE/done.$1" ]; }
mark() { touch "$STATE/done.$1"; }
as() { local user=$1; shift; setpriv --reuid="$user" --regid="$user" --init-groups env HOME="$(getent passwd "$user" | cut -d: -f6)" "$@"; }
ini() { # FILE: replaces it with stdin
  cat >"$1"
}
authtoken() { # [keystone_authtoken]-style section for USER
  cat <<X
www_authenticate_uri = http://127.0.0.1:5000/
auth_url = http://127.0.0.1:5000/
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASS
X
}
uwsgi_ini() { # NAME PORT WSGI_FILE USER PROCESSES THREADS LOGDIR
  ini "/etc/os-uwsgi/$1.ini" <<X
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:$2
wsgi-file = $3
master = true
processes = $5
threads = $6
enable-threads = true
lazy-apps = true
die-on-term = true
buffer-size = 65535
; keystoneauth keeps connections alive; bare http-socket then resets some of them (notes E3)
add-header = Connection: close
uid = $4
gid = $4
chdir = $(getent passwd "$4" | cut -d: -f6)
logto = $7/uwsgi.log
X
}
mkdir -p /etc/os-uwsgi

# --- 2. MariaDB, RabbitMQ --------------------------------------------------------------------------------------
step "MariaDB"
if ! mysqladmin ping >/dev/null 2>&1; then
  service mariadb start >&2
  touch "$STATE/started.mariadb"
fi
wait_until 30 MariaDB mysqladmin ping
for db in keystone placement nova_api nova nova_cell0 glance neutron; do
  mysql -e "CREATE DATABASE IF NOT EXISTS $db; GRANT ALL ON $db.* TO 'os'@'127.0.0.1' IDENTIFIED BY '$DB_PASS'; GRANT ALL ON $db.* TO 'os'@'localhost' IDENTIFIED BY '$DB_PASS';"
done
DB="mysql+pymysql://os:$DB_PASS@127.0.0.1"

step "RabbitMQ"
ini /etc/rabbitmq/rabbitmq-env.conf <<'X'
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=5672
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
X
mkdir -p /var/log/rabbitmq && chown rabbitmq: /var/log/rabbitmq /var/lib/rabbitmq
if ! rabbitmqctl -n rabbit@localhost status >/dev/null 2>&1; then
  ERL_EPMD_ADDRESS=127.0.0.1 start rabbitmq rabbitmq /var/log/rabbitmq/startup.log /usr/sbin/rabbitmq-server
fi
wait_until 60 RabbitMQ rabbitmqctl -n rabbit@localhost status
RABBIT=rabbit://guest:guest@127.0.0.1:5672/

# --- 3. Keystone -----------------------------------------------------------------------------------------------
step "Keystone"
ini /etc/keystone/keystone.conf <<X
[DEFAULT]
log_dir = /var/log/keystone
log_file = keystone.log
[database]
connection = $DB/keystone
[token]
provider = fernet
[catalog]
driver = sql
[oslo_policy]
policy_dirs = /etc/keystone/policy.d
X
chown keystone: /etc/keystone/keystone.conf
mkdir -p /var/log/keystone && chown keystone: /var/log/keystone
if ! done_once keystone-db; then
  as keystone keystone-manage db_sync 2>>"$STATE/manage.log"
  keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone 2>>"$STATE/manage.log"
  keystone-manage credential_setup --keystone-user keystone --keystone-group keystone 2>>"$STATE/manage.log"
  as keystone keystone-manage bootstrap --bootstrap-password "$ADMIN_PASS" \
    --bootstrap-admin-url http://127.0.0.1:5000/v3/ --bootstrap-internal-url http://127.0.0.1:5000/v3/ \
    --bootstrap-public-url http://127.0.0.1:5000/v3/ --bootstrap-region-id RegionOne 2>>"$STATE/manage.log"
  mark keystone-db
fi
uwsgi_ini keystone 5000 /usr/bin/keystone-wsgi-public keystone 1 4 /var/log/keystone
start keystone root /var/log/keystone/uwsgi-daemon.log uwsgi --ini /etc/os-uwsgi/keystone.ini
wait_until 60 Keystone http_up http://127.0.0.1:5000/v3

export OS_AUTH_URL=http://127.0.0.1:5000/v3 OS_USERNAME=admin OS_PASSWORD=$ADMIN_PASS OS_PROJECT_NAME=admin \
  OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne
O() { /usr/bin/openstack "$@"; }

if ! done_once keystone-catalog; then
  step "Keystone catalog"
  SERVICE_PASS=$SERVICE_PASS $PY "$(dirname "$0")/keystone-catalog.py" >&2
  mark keystone-catalog
fi

# --- 4. Placement ----------------------------------------------------------------------------------------------
step "Placement"
ini /etc/placement/placement.conf <<X
[DEFAULT]
log_dir = /var/log/placement
[api]
auth_strategy = keystone
[keystone_authtoken]
$(authtoken placement)
[placement_database]
connection = $DB/placement
X
mkdir -p /var/log/placement && chown placement: /var/log/placement /etc/placement/placement.conf
if ! done_once placement-db; then as placement placement-manage db sync 2>>"$STATE/manage.log"; mark placement-db; fi
uwsgi_ini placement 8778 /usr/bin/placement-api placement 1 4 /var/log/placement
start placement root /var/log/placement/uwsgi-daemon.log uwsgi --ini /etc/os-uwsgi/placement.ini

# --- 5. Glance -------------------------------------------------------------------------------------------------
step "Glance"
ini /etc/glance/glance-api.conf <<X
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
log_dir = /var/log/glance
log_file = glance-api.log
enabled_backends = file:file
[glance_store]
default_backend = file
[file]
filesystem_store_datadir = /var/lib/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = /var/lib/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = /var/lib/glance/tasks/
[database]
connection = $DB/glance
[keystone_authtoken]
$(authtoken glance)
[paste_deploy]
flavor = keystone
X
mkdir -p /var/lib/glance/images /var/lib/glance/staging /var/lib/glance/tasks /var/log/glance
chown -R glance: /var/lib/glance /etc/glance/glance-api.conf /var/log/glance
if ! done_once glance-db; then as glance glance-manage db_sync >>"$STATE/manage.log" 2>&1; mark glance-db; fi
start glance glance /var/log/glance/glance-api.stdout /usr/bin/glance-api --config-file /etc/glance/glance-api.conf

# --- 6. Neutron ------------------------------------------------------------------------------------------------
step "Neutron"
ini /etc/neutron/neutron.conf <<X
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9696
core_plugin = ml2
service_plugins =
auth_strategy = keystone
transport_url = $RABBIT
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
log_dir = /var/log/neutron
log_file = neutron-server.log
state_path = /var/lib/neutron
[database]
connection = $DB/neutron
[keystone_authtoken]
$(authtoken neutron)
[nova]
$(authtoken nova | grep -v www_authenticate_uri)
region_name = RegionOne
[oslo_concurrency]
lock_path = /var/lib/neutron/lock
X
mkdir -p /etc/neutron/plugins/ml2
ini /etc/neutron/plugins/ml2/ml2_conf.ini <<'X'
[ml2]
type_drivers = flat
tenant_network_types =
mechanism_drivers =
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
X
mkdir -p /var/lib/neutron/lock /var/log/neutron
chown -R neutron: /etc/neutron /var/lib/neutron /var/log/neutron
NEUTRON_CONF=(--config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini)
if ! done_once neutron-db; then as neutron neutron-db-manage "${NEUTRON_CONF[@]}" upgrade heads >>"$STATE/manage.log" 2>&1; mark neutron-db; fi
neutron_was_running=1
alive neutron || neutron_was_running=0
start neutron neutron /var/log/neutron/server.stdout /usr/bin/neutron-server "${NEUTRON_CONF[@]}"

# --- 7. Nova ---------------------------------------------------------------------------------------------------
step "Nova"
ini /etc/nova/nova.conf <<X
[DEFAULT]
transport_url = $RABBIT
compute_driver = fake.FakeLiveMigrateDriver
my_ip = 127.0.0.1
host = nova-ctl
state_path = /var/lib/nova
log_dir = /var/log/nova
osapi_compute_listen = 127.0.0.1
metadata_listen = 127.0.0.1
enabled_apis = osapi_compute
osapi_compute_workers = 1
[api]
auth_strategy = keystone
[api_database]
connection = $DB/nova_api
[database]
connection = $DB/nova
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = -1
[keystone_authtoken]
$(authtoken nova)
[placement]
region_name = RegionOne
$(authtoken placement | grep -v www_authenticate_uri | sed 's#^auth_url = .*#auth_url = http://127.0.0.1:5000/v3#')
[neutron]
region_name = RegionOne
$(authtoken neutron | grep -v www_authenticate_uri | sed 's#^auth_url = .*#auth_url = http://127.0.0.1:5000/v3#')
service_metadata_proxy = false
[glance]
region_name = RegionOne
[quota]
driver = nova.quota.NoopQuotaDriver
[oslo_concurrency]
lock_path = /var/lib/nova/tmp
[vnc]
enabled = false
[serial_console]
enabled = false
[cinder]
os_region_name = RegionOne
[oslo_messaging_notifications]
driver = noop
[pci]
# Lets a flavor ask for a PCI device (the lm-pci flavor below): the API accepts it, the fake hosts have none, so such
# a server ends in ERROR - enough to check the migration-type rule (a PCI flavor is OFFLINE_MIGRATION).
alias = {"name": "nic", "vendor_id": "8086", "product_id": "154d", "device_type": "type-PF"}
X
# One extra file per compute: its own host name (= the fake driver's node name), state and lock paths.
for n in 1 2; do
  mkdir -p /var/lib/nova/fake-$n/tmp /var/lib/nova/fake-$n/instances
  ini /etc/nova/compute-$n.conf <<X
[DEFAULT]
host = fake-$n
state_path = /var/lib/nova/fake-$n
instances_path = /var/lib/nova/fake-$n/instances
[oslo_concurrency]
lock_path = /var/lib/nova/fake-$n/tmp
X
done
mkdir -p /var/lib/nova/tmp /var/log/nova
chown -R nova: /etc/nova /var/lib/nova /var/log/nova
if ! done_once nova-db; then
  as nova nova-manage api_db sync >>"$STATE/manage.log" 2>&1
  as nova nova-manage cell_v2 map_cell0 >>"$STATE/manage.log" 2>&1
  as nova nova-manage cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' ||
    as nova nova-manage cell_v2 create_cell --name cell1 --verbose >>"$STATE/manage.log" 2>&1
  as nova nova-manage db sync >>"$STATE/manage.log" 2>&1
  mark nova-db
fi
uwsgi_ini nova-api 8774 /usr/bin/nova-api-wsgi nova 1 1 /var/log/nova
start nova-api root /var/log/nova/uwsgi-daemon.log uwsgi --ini /etc/os-uwsgi/nova-api.ini
start nova-conductor nova /var/log/nova/conductor.stdout /usr/bin/nova-conductor --config-file /etc/nova/nova.conf
start nova-scheduler nova /var/log/nova/scheduler.stdout /usr/bin/nova-scheduler --config-file /etc/nova/nova.conf
for n in 1 2; do
  # Not /etc/nova/nova-compute.conf: Debian's sets compute_driver = ironic.IronicDriver.
  start nova-compute-$n nova /var/log/nova/compute-$n.stdout /usr/bin/nova-compute --config-file /etc/nova/nova.conf \
    --config-file /etc/nova/compute-$n.conf --log-file /var/log/nova/nova-compute-$n.log
done

# --- 8. Readiness, warm-up, image, flavor, hosts, application credential ----------------------------------------
step "waiting for the APIs"
wait_until 60 Placement http_up http://127.0.0.1:8778/
wait_until 90 Glance http_up http://127.0.0.1:9292/
wait_until 90 Neutron http_up http://127.0.0.1:9696/
wait_until 120 "Nova API" http_up http://127.0.0.1:8774/v2.1
# Neutron Zed bug (notes E6): if the first DB-backed request after start lists ports, every port listing fails with
# 500 'Port has no attribute port_forwardings' (and Nova's GET /servers/{id} with it) until another query ran.
TOKEN=$(O token issue -f value -c id)
wait_until 60 "Neutron networks" curl -sf -m 10 -H "X-Auth-Token: $TOKEN" http://127.0.0.1:9696/v2.0/networks
[ "$neutron_was_running" -eq 1 ] || log "neutron warmed up (GET /v2.0/networks before any port listing)"

step "image, flavor"
IMAGE_ID=$(O image list --name tiny -f value -c ID | head -1)
if [ -z "$IMAGE_ID" ]; then
  head -c 1024 /dev/zero >"$STATE/tiny.img"
  IMAGE_ID=$(O image create --disk-format raw --container-format bare --public --file "$STATE/tiny.img" tiny -f value -c id)
fi
O flavor show lm-tiny >/dev/null 2>&1 || O flavor create --id lm-tiny --ram 64 --vcpus 1 --disk 1 lm-tiny >/dev/null
# A flavor whose extra specs ask for a PCI device: the migration-type rule makes such a server OFFLINE_MIGRATION.
O flavor show lm-pci >/dev/null 2>&1 || O flavor create --id lm-pci --ram 64 --vcpus 1 --disk 1 --property 'pci_passthrough:alias=nic:1' lm-pci >/dev/null

step "waiting for both computes, discovering hosts"
computes_up() {
  [ "$(O compute service list --service nova-compute -f value -c Host -c State | grep -c ' up$')" -ge 2 ]
}
wait_until 120 "two nova-compute services up" computes_up
hypervisors() { [ "$(O hypervisor list -f value -c 'Hypervisor Hostname' | grep -c '^fake-')" -ge 2 ]; }
discover() { as nova nova-manage cell_v2 discover_hosts >>"$STATE/manage.log" 2>&1 && hypervisors; }
wait_until 120 "hypervisors fake-1 and fake-2" discover

# The fake driver forgets its guests when a compute restarts (notes E8): such leftovers cannot live-migrate.
if [ -n "$(O server list --all-projects -f value -c ID)" ]; then
  log "deleting servers left from an earlier run"
  O server list --all-projects -f value -c ID | xargs -r /usr/bin/openstack server delete --wait
fi

if [ ! -s "$STATE/appcred" ]; then
  O application credential delete vnflab >/dev/null 2>&1 || true
  O application credential create vnflab --role admin --description 'vnflab tests (test/openstack)' -f value -c id -c secret | tr '\n' ' ' >"$STATE/appcred"
  chmod 600 "$STATE/appcred"
fi
read -r APPCRED_ID APPCRED_SECRET _ < <(cat "$STATE/appcred"; echo)

step "ready in $((SECONDS - t0)) s total"
cat <<X
export OS_AUTH_URL=http://127.0.0.1:5000/v3
export OS_USERNAME=admin
export OS_PASSWORD=$ADMIN_PASS
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_APPLICATION_CREDENTIAL_ID=$APPCRED_ID
export OS_APPLICATION_CREDENTIAL_SECRET=$APPCRED_SECRET
export VNFLAB_OS_IMAGE_ID=$IMAGE_ID
export VNFLAB_OS_FLAVOR=lm-tiny
export VNFLAB_OS_PCI_FLAVOR=lm-pci
export VNFLAB_OS_HOSTS=fake-1,fake-2
X
