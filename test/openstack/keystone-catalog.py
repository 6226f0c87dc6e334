"""Keystone catalog of test/openstack/setup.sh in one process (the `openstack` CLI takes ~2 s per call here: the
same ~50 calls took 2 min): project `service`, one admin user per service, the services and their public / internal /
admin endpoints on 127.0.0.1. Idempotent: creates only what is missing. Run with Debian's /usr/bin/python3 and the
admin OS_* variables exported."""
import os

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

auth = v3.Password(
    auth_url=os.environ["OS_AUTH_URL"],
    username=os.environ["OS_USERNAME"],
    password=os.environ["OS_PASSWORD"],
    project_name=os.environ["OS_PROJECT_NAME"],
    user_domain_name="Default",
    project_domain_name="Default",
)
ks = client.Client(session=session.Session(auth=auth), interface="public")
service_password = os.environ["SERVICE_PASS"]

projects = {p.name: p for p in ks.projects.list(domain="default")}
project = projects.get("service") or ks.projects.create("service", domain="default")
admin_role = next(r for r in ks.roles.list() if r.name == "admin")
users = {u.name: u for u in ks.users.list(domain="default")}
for name in ("nova", "placement", "glance", "neutron"):
    user = users.get(name) or ks.users.create(name, domain="default", password=service_password)
    ks.roles.grant(admin_role, user=user, project=project)

services = {s.type: s for s in ks.services.list()}
endpoints = {(e.service_id, e.interface) for e in ks.endpoints.list()}
for name, kind, url in (
    ("placement", "placement", "http://127.0.0.1:8778"),
    ("nova", "compute", "http://127.0.0.1:8774/v2.1"),
    ("glance", "image", "http://127.0.0.1:9292"),
    ("neutron", "network", "http://127.0.0.1:9696"),
):
    service = services.get(kind) or ks.services.create(name, type=kind)
    for interface in ("public", "internal", "admin"):
        if (service.id, interface) not in endpoints:
            ks.endpoints.create(service, url, interface=interface, region="RegionOne")
print("keystone catalog: service project, 4 service users, 4 services, 12 endpoints")
