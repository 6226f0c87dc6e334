/**
 * The lab VNFM's resources: SOL003 VNF LCM v2 (§5.4) for what the MIGRATE
 * cases need, its task resources on occurrences and its subscriptions, plus
 * the lab-only VNFD read (`/vnflab/v1/vnfds`) and migrate request
 * (`/vnflab/v1/vnf_instances/{id}/migrate`).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiVersionInformation } from '../../protocols/sol003/sol003-types.js';
import { SOL003_LCM_API_VERSION } from '../../protocols/sol003/sol003-types.js';
import type { Vim } from '../vim/vim.js';
import { matchesFilter, parseFilter } from './filter.js';
import { readJsonObject, sendEmpty, sendJson } from './http-io.js';
import { pageOf } from './paging.js';
import type { LabVnfd } from '../../protocols/sol003/vnflab-vnfd.js';
import type { LabMigrations } from './lab-migration.js';
import type { LcmEngine } from './lcm-engine.js';
import type { LcmOpOccRecord, LcmRecords, VnfInstanceRecord } from './lcm-records.js';
import { ProblemError } from './problem.js';
import type { Notifier } from './notifier.js';
import {
  cancelModeSchema,
  createVnfRequestSchema,
  instantiateVnfRequestSchema,
  labInstantiationParamsSchema,
  labMigrateRequestSchema,
  lccnSubscriptionRequestSchema,
  operateVnfRequestSchema,
  parseBody,
  terminateVnfRequestSchema,
  vnfInfoModificationRequestSchema,
} from './requests.js';
import type { InstanceIdentity, SubscriptionStore } from './subscriptions.js';
import { type LcmUris, renderLcmOpOcc, renderVnfInstance } from './views.js';

export interface RouteContext {
  readonly vim: Vim;
  readonly vnfds: ReadonlyMap<string, LabVnfd>;
  readonly records: LcmRecords;
  readonly engine: LcmEngine;
  readonly uris: LcmUris;
  readonly subscriptions: SubscriptionStore;
  readonly notifier: Notifier;
  readonly migrations: LabMigrations;
  /** The VNF instance a VNF's migrate capability token stands for (see VNF_MIGRATE_PREFIX). */
  readonly vnfMigrateInstance?: (token: string) => string | undefined;
  /** Items per page of a list (SOL013 §5.4.2.3 paging, paging.ts). */
  readonly pageSize: number;
}

/**
 * Path prefix of the migrate URL the VNFM hands each VNF in its boot config
 * (`{prefix}{token}/migrate`): the token in the path authenticates the VNF.
 */
export const VNF_MIGRATE_PREFIX = '/vnflab/v1/ve-vnfm/';

/** The attributes of an instance a subscription filter looks at. */
export function instanceIdentity(inst: VnfInstanceRecord, vnfd: LabVnfd | undefined): InstanceIdentity {
  return {
    id: inst.id,
    vnfdId: inst.vnfdId,
    ...(inst.vnfInstanceName !== undefined ? { vnfInstanceName: inst.vnfInstanceName } : {}),
    vnfProvider: vnfd?.vnfProvider ?? '',
    vnfProductName: vnfd?.vnfProductName ?? '',
    vnfSoftwareVersion: vnfd?.vnfSoftwareVersion ?? '',
    vnfdVersion: vnfd?.vnfdVersion ?? '',
  };
}

export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Path parameters, in order. */
  readonly params: readonly string[];
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: RegExp;
  /** SOL003 resources require the Version header; lab-only ones do not. */
  readonly sol003: boolean;
  handle(r: RouteRequest): Promise<void>;
}

const ID = '([^/]+)';

export function buildRoutes(ctx: RouteContext): Route[] {
  const { records, engine, uris, vim, subscriptions, notifier } = ctx;
  const version = { Version: SOL003_LCM_API_VERSION };

  const instanceOr404 = (id: string): VnfInstanceRecord => {
    const inst = records.instances.get(id);
    if (!inst) throw new ProblemError(404, `VNF instance ${id} not found`);
    return inst;
  };
  const opOr404 = (id: string): LcmOpOccRecord => {
    const op = records.opOccs.get(id);
    if (!op) throw new ProblemError(404, `VNF LCM operation occurrence ${id} not found`);
    return op;
  };
  const vnfdOf = (inst: VnfInstanceRecord): LabVnfd => {
    const vnfd = ctx.vnfds.get(inst.vnfdId);
    if (!vnfd) throw new ProblemError(500, `VNFD ${inst.vnfdId} of instance ${inst.id} vanished`);
    return vnfd;
  };
  const filterOf = (url: URL) => {
    const text = url.searchParams.get('filter');
    return text === null ? null : parseFilter(text);
  };
  const accepted = (res: ServerResponse, op: LcmOpOccRecord): void =>
    sendEmpty(res, 202, { ...version, Location: uris.opOcc(op.id) });
  const apiVersions: ApiVersionInformation = {
    uriPrefix: uris.base,
    apiVersions: [{ version: SOL003_LCM_API_VERSION, isDeprecated: false }],
  };

  return [
    {
      // SOL013 §9.3.2: version information, both major-version-specific and not.
      method: 'GET',
      path: /^\/vnflcm(?:\/v2)?\/api_versions$/,
      sol003: true,
      handle: ({ res }) => Promise.resolve(sendJson(res, 200, apiVersions, version)),
    },
    {
      method: 'POST',
      path: /^\/vnflcm\/v2\/vnf_instances$/,
      sol003: true,
      async handle({ req, res }) {
        const body = parseBody('CreateVnfRequest', createVnfRequestSchema, await readJsonObject(req));
        const vnfd = ctx.vnfds.get(body.vnfdId);
        // SOL003 §5.4.2.3.1: 422 when the VNF package of vnfdId is not onboarded / enabled.
        if (!vnfd) {
          throw new ProblemError(
            422,
            `VNFD '${body.vnfdId}' is not known (lab VNFDs: ${[...ctx.vnfds.keys()].join(', ')})`,
          );
        }
        const inst: VnfInstanceRecord = {
          id: randomUUID(),
          vnfdId: vnfd.vnfdId,
          ...(body.vnfInstanceName !== undefined ? { vnfInstanceName: body.vnfInstanceName } : {}),
          ...(body.vnfInstanceDescription !== undefined
            ? { vnfInstanceDescription: body.vnfInstanceDescription }
            : {}),
          metadata: body.metadata ?? {},
          instantiationState: 'NOT_INSTANTIATED',
          flavourId: null,
          vnfState: null,
          vimConnectionInfo: {},
          vnfcs: [],
          openOpId: null,
        };
        records.addInstance(inst);
        notifier.identifier('VnfIdentifierCreationNotification', instanceIdentity(inst, vnfd));
        const view = await renderVnfInstance(inst, vnfd, vim, uris);
        sendJson(res, 201, view, { ...version, Location: uris.vnfInstance(inst.id) });
      },
    },
    {
      method: 'GET',
      path: /^\/vnflcm\/v2\/vnf_instances$/,
      sol003: true,
      async handle({ res, url }) {
        const filter = filterOf(url);
        const all = [...records.instances.values()];
        // A filter looks at the rendered view (the VIM's current state): render all, then page.
        // Without one, only the page is rendered (each view asks the VIM about its servers).
        if (filter) {
          const views = await Promise.all(
            all.map(async (inst) => ({ inst, view: await renderVnfInstance(inst, vnfdOf(inst), vim, uris) })),
          );
          const page = pageOf(
            views.filter((v) => matchesFilter(v.view, filter)),
            (v) => records.sequence.of(v.inst.id),
            url,
            ctx.pageSize,
          );
          sendJson(
            res,
            200,
            page.items.map((v) => v.view),
            { ...version, ...page.headers },
          );
          return;
        }
        const page = pageOf(all, (inst) => records.sequence.of(inst.id), url, ctx.pageSize);
        const views = await Promise.all(
          page.items.map((inst) => renderVnfInstance(inst, vnfdOf(inst), vim, uris)),
        );
        sendJson(res, 200, views, { ...version, ...page.headers });
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/vnflcm/v2/vnf_instances/${ID}$`),
      sol003: true,
      async handle({ res, params }) {
        const inst = instanceOr404(params[0] ?? '');
        sendJson(res, 200, await renderVnfInstance(inst, vnfdOf(inst), vim, uris), version);
      },
    },
    {
      method: 'DELETE',
      path: new RegExp(`^/vnflcm/v2/vnf_instances/${ID}$`),
      sol003: true,
      handle({ res, params }) {
        const inst = instanceOr404(params[0] ?? '');
        // SOL003 §5.4.3.3.5: 409 unless NOT_INSTANTIATED; Tacker also while an occurrence is open.
        if (inst.instantiationState !== 'NOT_INSTANTIATED') {
          throw new ProblemError(409, `VNF instance ${inst.id} is INSTANTIATED: terminate it first`);
        }
        const open = inst.openOpId === null ? undefined : records.opOccs.get(inst.openOpId);
        if (open) {
          throw new ProblemError(
            409,
            `VNF instance ${inst.id} has LCM operation ${open.id} (${open.operation}) in state ${open.operationState}`,
          );
        }
        records.deleteInstance(inst);
        notifier.identifier(
          'VnfIdentifierDeletionNotification',
          instanceIdentity(inst, ctx.vnfds.get(inst.vnfdId)),
        );
        sendEmpty(res, 204, version);
        return Promise.resolve();
      },
    },
    {
      // SOL003 §5.4.3.3.4: modify VNF information; a MODIFY_INFO occurrence does it.
      method: 'PATCH',
      path: new RegExp(`^/vnflcm/v2/vnf_instances/${ID}$`),
      sol003: true,
      async handle({ req, res, params }) {
        const inst = instanceOr404(params[0] ?? '');
        const body = parseBody(
          'VnfInfoModificationRequest',
          vnfInfoModificationRequestSchema,
          await readJsonObject(req),
        );
        accepted(res, engine.modifyInfo(inst, body));
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/vnflcm/v2/vnf_instances/${ID}/instantiate$`),
      sol003: true,
      async handle({ req, res, params }) {
        const inst = instanceOr404(params[0] ?? '');
        const body = parseBody(
          'InstantiateVnfRequest',
          instantiateVnfRequestSchema,
          await readJsonObject(req),
        );
        const lab = parseBody(
          'InstantiateVnfRequest',
          labInstantiationParamsSchema,
          body.additionalParams ?? {},
          'additionalParams.',
        );
        accepted(res, engine.instantiate(inst, body, lab));
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/vnflcm/v2/vnf_instances/${ID}/operate$`),
      sol003: true,
      async handle({ req, res, params }) {
        const inst = instanceOr404(params[0] ?? '');
        const body = parseBody('OperateVnfRequest', operateVnfRequestSchema, await readJsonObject(req));
        accepted(res, engine.operate(inst, body));
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/vnflcm/v2/vnf_instances/${ID}/terminate$`),
      sol003: true,
      async handle({ req, res, params }) {
        const inst = instanceOr404(params[0] ?? '');
        const body = parseBody('TerminateVnfRequest', terminateVnfRequestSchema, await readJsonObject(req));
        accepted(res, engine.terminate(inst, body));
      },
    },
    {
      method: 'GET',
      path: /^\/vnflcm\/v2\/vnf_lcm_op_occs$/,
      sol003: true,
      handle({ res, url }) {
        const filter = filterOf(url);
        const views = [...records.opOccs.values()].map((op) => renderLcmOpOcc(op, uris));
        const page = pageOf(
          filter ? views.filter((v) => matchesFilter(v, filter)) : views,
          (v) => records.sequence.of(v.id),
          url,
          ctx.pageSize,
        );
        sendJson(res, 200, page.items, { ...version, ...page.headers });
        return Promise.resolve();
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/vnflcm/v2/vnf_lcm_op_occs/${ID}$`),
      sol003: true,
      handle({ res, params }) {
        sendJson(res, 200, renderLcmOpOcc(opOr404(params[0] ?? ''), uris), version);
        return Promise.resolve();
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/vnflcm/v2/vnf_lcm_op_occs/${ID}/rollback$`),
      sol003: true,
      handle({ res, params }) {
        // SOL003 §5.4.15.3.1: 202 with an empty body; progress shows on the same occurrence.
        engine.rollback(opOr404(params[0] ?? ''));
        sendEmpty(res, 202, version);
        return Promise.resolve();
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/vnflcm/v2/vnf_lcm_op_occs/${ID}/fail$`),
      sol003: true,
      async handle({ res, params }) {
        // SOL003 §5.4.16.3.1: 200 with the (now FAILED) VnfLcmOpOcc.
        const op = opOr404(params[0] ?? '');
        await engine.fail(op);
        sendJson(res, 200, renderLcmOpOcc(op, uris), version);
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/vnflcm/v2/vnf_lcm_op_occs/${ID}/retry$`),
      sol003: true,
      handle({ res, params }) {
        // SOL003 §5.4.14.3.1: 202 with an empty body.
        engine.retry(opOr404(params[0] ?? ''));
        sendEmpty(res, 202, version);
        return Promise.resolve();
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/vnflcm/v2/vnf_lcm_op_occs/${ID}/cancel$`),
      sol003: true,
      async handle({ req, res, params }) {
        // SOL003 §5.4.17.3.1: CancelMode body, 202 with an empty body.
        const op = opOr404(params[0] ?? '');
        const body = parseBody('CancelMode', cancelModeSchema, await readJsonObject(req));
        engine.cancel(op, body.cancelMode);
        sendEmpty(res, 202, version);
      },
    },
    {
      // SOL003 §5.4.18.3.1: subscribe (the callback is tested first; a duplicate gets 303).
      method: 'POST',
      path: /^\/vnflcm\/v2\/subscriptions$/,
      sol003: true,
      async handle({ req, res }) {
        const body = parseBody(
          'LccnSubscriptionRequest',
          lccnSubscriptionRequestSchema,
          await readJsonObject(req),
        );
        const { sub, created } = await subscriptions.create(body);
        if (!created) {
          sendEmpty(res, 303, { ...version, Location: subscriptions.uri(sub.id) });
          return;
        }
        sendJson(res, 201, subscriptions.view(sub), { ...version, Location: subscriptions.uri(sub.id) });
      },
    },
    {
      method: 'GET',
      path: /^\/vnflcm\/v2\/subscriptions$/,
      sol003: true,
      handle({ res, url }) {
        const filter = filterOf(url);
        const views = subscriptions.list().map((sub) => subscriptions.view(sub));
        const page = pageOf(
          filter ? views.filter((v) => matchesFilter(v, filter)) : views,
          (v) => subscriptions.sequence.of(v.id),
          url,
          ctx.pageSize,
        );
        sendJson(res, 200, page.items, { ...version, ...page.headers });
        return Promise.resolve();
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/vnflcm/v2/subscriptions/${ID}$`),
      sol003: true,
      handle({ res, params }) {
        const sub = subscriptions.get(params[0] ?? '');
        if (!sub) throw new ProblemError(404, `subscription ${params[0]} not found`);
        sendJson(res, 200, subscriptions.view(sub), version);
        return Promise.resolve();
      },
    },
    {
      method: 'DELETE',
      path: new RegExp(`^/vnflcm/v2/subscriptions/${ID}$`),
      sol003: true,
      handle({ res, params }) {
        if (!subscriptions.delete(params[0] ?? '')) {
          throw new ProblemError(404, `subscription ${params[0]} not found`);
        }
        sendEmpty(res, 204, version);
        return Promise.resolve();
      },
    },
    {
      // Lab only: the EM or the VNF asks the VNFM to migrate (DESIGN.md "Who moves the VNF").
      method: 'POST',
      path: new RegExp(`^/vnflab/v1/vnf_instances/${ID}/migrate$`),
      sol003: false,
      async handle({ req, res, params }) {
        const inst = instanceOr404(params[0] ?? '');
        const body = parseBody('LabMigrateRequest', labMigrateRequestSchema, await readJsonObject(req));
        const record = await ctx.migrations.migrate(inst, body);
        sendJson(res, 202, record);
      },
    },
    {
      // Lab only: the VNF asks for its own migration with the URL it was booted with (trigger type `vnf`).
      method: 'POST',
      path: new RegExp(`^${VNF_MIGRATE_PREFIX}${ID}/migrate$`),
      sol003: false,
      async handle({ req, res, params }) {
        const instanceId = ctx.vnfMigrateInstance?.(params[0] ?? '');
        if (instanceId === undefined) throw new ProblemError(404, 'unknown VNF migrate token');
        const inst = instanceOr404(instanceId);
        const body = parseBody('LabMigrateRequest', labMigrateRequestSchema, await readJsonObject(req));
        if (body.initiator !== 'VNF')
          throw new ProblemError(400, `a VNF's migrate URL takes initiator VNF, not ${body.initiator}`);
        sendJson(res, 202, await ctx.migrations.migrate(inst, body));
      },
    },
    {
      method: 'GET',
      path: /^\/vnflab\/v1\/vnfds$/,
      sol003: false,
      handle: ({ res }) => Promise.resolve(sendJson(res, 200, [...ctx.vnfds.values()])),
    },
    {
      method: 'GET',
      path: new RegExp(`^/vnflab/v1/vnfds/${ID}$`),
      sol003: false,
      handle({ res, params }) {
        const vnfd = ctx.vnfds.get(params[0] ?? '');
        if (!vnfd) throw new ProblemError(404, `VNFD ${params[0]} not found`);
        sendJson(res, 200, vnfd);
        return Promise.resolve();
      },
    },
  ];
}
