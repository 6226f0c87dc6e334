/**
 * The Nova compute API subset the lab serves, over the {@link Vim}:
 * servers (list, detail, show), server actions (os-migrateLive, os-start,
 * os-stop), in-progress live migrations of a server (list, show, abort),
 * os-migrations and os-instance-actions. Paths are relative to `/v2.1/`.
 */
import { isInProgress } from '../records.js';
import { VimError, type ServerAllocation, type Vim, type VimMigration } from '../vim.js';
import { NovaFault } from './faults.js';
import { instanceActionDetail, instanceActionSummary } from './instance-action-view.js';
import { parseLiveMigrate, parseMigrate } from './live-migrate-request.js';
import { atLeast } from '../../../protocols/nova/microversion.js';
import { osMigrationView, serverMigrationView } from './migration-view.js';
import { paginate } from './pagination.js';
import { serverDetail, serverSummary, type ViewContext } from './server-view.js';

export interface ComputeRequest {
  readonly method: string;
  /** Path segments after /v2.1/. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly body: () => Promise<unknown>;
  readonly requestId: string;
  readonly ctx: ViewContext;
}

export interface ComputeResponse {
  readonly status: number;
  readonly body?: unknown;
}

type Handler = (vim: Vim, req: ComputeRequest, params: readonly string[]) => Promise<ComputeResponse>;

interface Route {
  readonly method: string;
  /** Segments; ':x' matches any one segment. */
  readonly pattern: readonly string[];
  /** Lowest microversion serving it (Nova answers 404 below). */
  readonly since?: string;
  readonly handler: Handler;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: ['servers'], handler: listServers(false) },
  { method: 'GET', pattern: ['servers', 'detail'], handler: listServers(true) },
  { method: 'GET', pattern: ['servers', ':id'], handler: showServer },
  { method: 'POST', pattern: ['servers', ':id', 'action'], handler: serverAction },
  { method: 'GET', pattern: ['servers', ':id', 'migrations'], since: '2.23', handler: listServerMigrations },
  {
    method: 'GET',
    pattern: ['servers', ':id', 'migrations', ':mid'],
    since: '2.23',
    handler: showServerMigration,
  },
  {
    method: 'DELETE',
    pattern: ['servers', ':id', 'migrations', ':mid'],
    since: '2.24',
    handler: abortMigration,
  },
  { method: 'GET', pattern: ['os-migrations'], handler: listMigrations },
  { method: 'GET', pattern: ['servers', ':id', 'os-instance-actions'], handler: listActions },
  { method: 'GET', pattern: ['servers', ':id', 'os-instance-actions', ':rid'], handler: showAction },
];

/** Route and run one compute request. */
export async function handleCompute(vim: Vim, req: ComputeRequest): Promise<ComputeResponse> {
  const matches = ROUTES.map((r) => ({ route: r, params: match(r.pattern, req.segments) })).filter(
    (m): m is { route: Route; params: string[] } => m.params !== null,
  );
  if (matches.length === 0) throw new NovaFault(404, 'The resource could not be found.');
  const hit = matches.find((m) => m.route.method === req.method);
  if (hit === undefined) throw new NovaFault(405, 'The method specified is not allowed for this resource.');
  if (hit.route.since !== undefined && !atLeast(req.ctx.version, hit.route.since))
    throw new NovaFault(404, 'The resource could not be found.');
  return hit.route.handler(vim, req, hit.params);
}

function match(pattern: readonly string[], segments: readonly string[]): string[] | null {
  if (pattern.length !== segments.length) return null;
  const params: string[] = [];
  for (const [i, p] of pattern.entries()) {
    const s = segments[i] ?? '';
    if (p.startsWith(':')) {
      // 'servers/detail' is a collection view, not a server id.
      if (p === ':id' && s === 'detail' && pattern.length === 2) return null;
      params.push(decodeURIComponent(s));
    } else if (p !== s) return null;
  }
  return params;
}

const param = (params: readonly string[], i: number): string => params[i] ?? '';

async function allocationsByServer(vim: Vim): Promise<Map<string, ServerAllocation[]>> {
  const byServer = new Map<string, ServerAllocation[]>();
  for (const host of await vim.listHosts())
    for (const a of host.allocations) {
      if (a.serverId === undefined) continue;
      byServer.set(a.serverId, [...(byServer.get(a.serverId) ?? []), a]);
    }
  return byServer;
}

function listServers(detail: boolean): Handler {
  return async (vim, req) => {
    const servers = await vim.listServers();
    if (!detail) return { status: 200, body: { servers: servers.map((s) => serverSummary(req.ctx, s)) } };
    const allocations = await allocationsByServer(vim);
    return {
      status: 200,
      body: { servers: servers.map((s) => serverDetail(req.ctx, s, allocations.get(s.id) ?? [])) },
    };
  };
}

async function existingServer(vim: Vim, id: string): Promise<void> {
  if ((await vim.getServer(id)) === null) throw new NovaFault(404, `Instance ${id} could not be found.`);
}

async function showServer(
  vim: Vim,
  req: ComputeRequest,
  params: readonly string[],
): Promise<ComputeResponse> {
  const id = param(params, 0);
  const server = await vim.getServer(id);
  if (server === null) throw new NovaFault(404, `Instance ${id} could not be found.`);
  const allocations = (await allocationsByServer(vim)).get(id) ?? [];
  return { status: 200, body: { server: serverDetail(req.ctx, server, allocations) } };
}

async function serverAction(
  vim: Vim,
  req: ComputeRequest,
  params: readonly string[],
): Promise<ComputeResponse> {
  const id = param(params, 0);
  const body = await req.body();
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length !== 1)
    throw new NovaFault(400, 'Malformed request body: expected exactly one action.');
  const [action, args] = Object.entries(body)[0] as [string, unknown];
  await existingServer(vim, id);
  const requestId = req.requestId;
  switch (action) {
    case 'os-migrateLive': {
      const parsed = parseLiveMigrate(args, req.ctx.version);
      if (!parsed.ok) throw new NovaFault(400, parsed.reason);
      const { host, vResourceType } = parsed.value;
      await vim.liveMigrate(id, {
        host,
        requestId,
        ...(vResourceType === undefined ? {} : { vResourceType }),
      });
      return { status: 202 };
    }
    case 'migrate': {
      if (vim.coldMigrate === undefined) throw new NovaFault(400, `There is no such action: ${action}`);
      await vim.coldMigrate(id, { host: parseMigrate(args, req.ctx.version), requestId });
      return { status: 202 };
    }
    case 'os-start':
    case 'os-stop':
      await startOrStop(vim, id, action, requestId);
      return { status: 202 };
    default:
      throw new NovaFault(400, `There is no such action: ${action}`);
  }
}

/** Nova answers 202 and records a failed start/stop in the instance action; state errors are 409. */
async function startOrStop(
  vim: Vim,
  id: string,
  action: 'os-start' | 'os-stop',
  requestId: string,
): Promise<void> {
  try {
    if (action === 'os-start') await vim.startServer(id, { requestId });
    else await vim.stopServer(id, { requestId });
  } catch (e) {
    if (e instanceof VimError && e.status === 500) return;
    throw e;
  }
}

async function inProgressLive(vim: Vim, serverId: string): Promise<VimMigration[]> {
  const all = await vim.listMigrations({ serverId });
  return all.filter((m) => m.migrationType === 'live-migration' && isInProgress(m));
}

async function listServerMigrations(
  vim: Vim,
  req: ComputeRequest,
  params: readonly string[],
): Promise<ComputeResponse> {
  const id = param(params, 0);
  await existingServer(vim, id);
  const migrations = await inProgressLive(vim, id);
  return { status: 200, body: { migrations: migrations.map((m) => serverMigrationView(req.ctx, m)) } };
}

async function showServerMigration(
  vim: Vim,
  req: ComputeRequest,
  params: readonly string[],
): Promise<ComputeResponse> {
  const [id, mid] = [param(params, 0), param(params, 1)];
  await existingServer(vim, id);
  const m = (await inProgressLive(vim, id)).find((x) => String(x.id) === mid);
  if (m === undefined)
    throw new NovaFault(404, `In-progress live migration ${mid} is not found for server ${id}.`);
  return { status: 200, body: { migration: serverMigrationView(req.ctx, m) } };
}

async function abortMigration(
  vim: Vim,
  req: ComputeRequest,
  params: readonly string[],
): Promise<ComputeResponse> {
  const [id, mid] = [param(params, 0), param(params, 1)];
  await existingServer(vim, id);
  const migrationId = Number(mid);
  if (!Number.isInteger(migrationId)) throw new NovaFault(400, `Invalid migration id ${mid}.`);
  await vim.abortMigration(id, migrationId, { requestId: req.requestId });
  return { status: 202 };
}

const MIGRATION_FILTERS: Readonly<Record<string, (m: VimMigration, value: string) => boolean>> = {
  instance_uuid: (m, v) => m.serverId === v,
  status: (m, v) => m.status === v,
  migration_type: (m, v) => m.migrationType === v,
  source_compute: (m, v) => m.sourceHost === v,
  host: (m, v) => m.sourceHost === v || m.destHost === v,
};

async function listMigrations(vim: Vim, req: ComputeRequest): Promise<ComputeResponse> {
  let all = await vim.listMigrations();
  for (const [name, keep] of Object.entries(MIGRATION_FILTERS)) {
    const value = req.query.get(name);
    if (value !== null) all = all.filter((m) => keep(m, value));
  }
  // 2.80: filter by owner; every lab migration belongs to the lab's one user and project.
  if (atLeast(req.ctx.version, '2.80')) {
    const user = req.query.get('user_id');
    const project = req.query.get('project_id');
    if ((user !== null && user !== req.ctx.userId) || (project !== null && project !== req.ctx.projectId))
      all = [];
  }
  const page = paginate(all, req.query, req.ctx.version, {
    markerOf: (m) => m.uuid,
    updatedOf: (m) => m.updatedAt,
    pagingSince: '2.59',
  });
  const body: Record<string, unknown> = { migrations: page.items.map((m) => osMigrationView(req.ctx, m)) };
  if (page.next !== null)
    body.migrations_links = [{ href: `${req.ctx.baseUrl}/os-migrations?${page.next}`, rel: 'next' }];
  return { status: 200, body };
}

async function listActions(
  vim: Vim,
  req: ComputeRequest,
  params: readonly string[],
): Promise<ComputeResponse> {
  const id = param(params, 0);
  const actions = await vim.instanceActions(id);
  const page = paginate(actions, req.query, req.ctx.version, {
    markerOf: (a) => a.requestId,
    updatedOf: (a) => a.updatedAt,
    pagingSince: '2.58',
  });
  const body: Record<string, unknown> = {
    instanceActions: page.items.map((a) => instanceActionSummary(req.ctx, id, a)),
  };
  if (page.next !== null)
    body.links = [{ href: `${req.ctx.baseUrl}/servers/${id}/os-instance-actions?${page.next}`, rel: 'next' }];
  return { status: 200, body };
}

async function showAction(
  vim: Vim,
  req: ComputeRequest,
  params: readonly string[],
): Promise<ComputeResponse> {
  const [id, rid] = [param(params, 0), param(params, 1)];
  const action = (await vim.instanceActions(id)).find((a) => a.requestId === rid);
  if (action === undefined)
    throw new NovaFault(404, `Action for request_id ${rid} on instance ${id} not found`);
  return { status: 200, body: { instanceAction: instanceActionDetail(req.ctx, id, action) } };
}
