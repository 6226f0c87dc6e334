import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildInstantiateRequest,
  buildOperateRequest,
  buildTerminateRequest,
} from '../../drivers/sol003/requests.js';
import {
  type CallbackReceiver,
  startCallbackReceiver,
} from '../../../test/fakes/sol003/callback-receiver.js';
import { FakeVim } from '../../../test/fakes/lab/fake-vim.js';
import { DEFAULT_LAB_VNFDS, UDP_FORWARDER_VNFD } from './lab-vnfd.js';
import { type LabVnfm, startLabVnfm } from './server.js';
import {
  conformance,
  openapiSchema,
  rawOpenapiSchema,
  schemaErrors,
  tst010Schema,
} from '../../../test/fakes/sol003/sol003-validators.js';

/** What a response body is, so it is checked against the right schemas. */
type Kind =
  | 'VnfInstance'
  | 'VnfInstanceList'
  | 'VnfLcmOpOcc'
  | 'VnfLcmOpOccList'
  | 'ProblemDetails'
  | 'ApiVersions'
  | 'LccnSubscription'
  | 'LccnSubscriptionList';

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

const seen: { kind: Kind; what: string; body: unknown }[] = [];
const exampleVnfdId = conformance.tst010Requests.createVnfRequest?.vnfdId as string;

let vim: FakeVim;
let lab: LabVnfm;
let subscriber: CallbackReceiver;

async function api(
  method: string,
  path: string,
  opts: { body?: unknown; kind?: Kind; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(`${lab.apiRoot}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      Version: '2.0.0',
      Accept: 'application/json',
      ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : null;
  const kind: Kind | undefined = res.status >= 400 ? 'ProblemDetails' : opts.kind;
  if (kind) seen.push({ kind, what: `${method} ${path} -> ${res.status}`, body });
  if (res.status >= 400) expect(res.headers.get('content-type')).toBe('application/problem+json');
  return { status: res.status, headers: res.headers, body };
}

/** Poll an occurrence until it leaves STARTING / PROCESSING, recording every state seen. */
async function settle(location: string): Promise<Record<string, unknown>> {
  const path = new URL(location).pathname;
  for (let i = 0; i < 200; i++) {
    const { body } = await api('GET', path, { kind: 'VnfLcmOpOcc' });
    const occ = body as Record<string, unknown>;
    if (!['STARTING', 'PROCESSING', 'ROLLING_BACK'].includes(occ.operationState as string)) return occ;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${location} did not settle`);
}

async function task(path: string, body: unknown): Promise<{ answer: Answer; occ: Record<string, unknown> }> {
  const answer = await api('POST', path, { body });
  expect(answer.status).toBe(202);
  expect(answer.body).toBeNull();
  const location = answer.headers.get('location') ?? '';
  expect(location).toMatch(new RegExp(`^${lab.baseUrl}/vnf_lcm_op_occs/[^/]+$`));
  return { answer, occ: await settle(location) };
}

async function createInstance(vnfdId = UDP_FORWARDER_VNFD.vnfdId): Promise<string> {
  const created = await api('POST', '/vnflcm/v2/vnf_instances', {
    body: { vnfdId, vnfInstanceName: 'conformance' },
    kind: 'VnfInstance',
  });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  expect(created.headers.get('location')).toBe(`${lab.baseUrl}/vnf_instances/${id}`);
  return id;
}

beforeAll(async () => {
  vim = new FakeVim();
  subscriber = await startCallbackReceiver();
  // TST 010's CreateVnfRequest names its own vnfdId: the lab knows it as a copy of the forwarder.
  lab = await startLabVnfm({
    vim,
    vnfds: [...DEFAULT_LAB_VNFDS, { ...UDP_FORWARDER_VNFD, vnfdId: exampleVnfdId }],
  });

  // A full walk, plus the refusals: every body lands in `seen`, every notification in `subscriber`.
  const sub = await api('POST', '/vnflcm/v2/subscriptions', {
    body: { callbackUri: subscriber.uri },
    kind: 'LccnSubscription',
  });
  expect(sub.status).toBe(201);
  const filtered = await api('POST', '/vnflcm/v2/subscriptions', {
    body: {
      callbackUri: subscriber.uri,
      verbosity: 'SHORT',
      filter: {
        vnfInstanceSubscriptionFilter: { vnfdIds: [UDP_FORWARDER_VNFD.vnfdId] },
        operationTypes: ['INSTANTIATE', 'MODIFY_INFO'],
      },
    },
    kind: 'LccnSubscription',
  });
  expect(filtered.status).toBe(201);
  const duplicate = await api('POST', '/vnflcm/v2/subscriptions', { body: { callbackUri: subscriber.uri } });
  expect(duplicate.status).toBe(303);
  expect(duplicate.body).toBeNull();
  await api('GET', `/vnflcm/v2/subscriptions/${(sub.body as { id: string }).id}`, {
    kind: 'LccnSubscription',
  });
  await api('GET', '/vnflcm/v2/subscriptions', { kind: 'LccnSubscriptionList' });
  await api('POST', '/vnflcm/v2/subscriptions', { body: { callbackUri: 'http://127.0.0.1:9/none' } }); // 422
  await api('GET', '/vnflcm/v2/api_versions', { kind: 'ApiVersions' });
  await api('GET', '/vnflcm/api_versions', { kind: 'ApiVersions' });
  const id = await createInstance();
  const inst = `/vnflcm/v2/vnf_instances/${id}`;
  await api('POST', `${inst}/operate`, { body: { changeStateTo: 'STARTED' } }); // 409: not instantiated
  await task(`${inst}/instantiate`, {
    flavourId: 'default',
    additionalParams: { swImageId: 'sw-vnflab-udp-fwd-1.0', egress: { host: '127.0.0.1', port: 9 } },
  });
  await api('GET', inst, { kind: 'VnfInstance' });
  await api('DELETE', inst); // 409: instantiated
  const patched = await api('PATCH', inst, {
    body: { vnfInstanceDescription: 'patched', metadata: { owner: 'conformance' } },
    headers: { 'Content-Type': 'application/merge-patch+json' },
  });
  expect(patched.status).toBe(202);
  expect((await settle(patched.headers.get('location') ?? '')).changedInfo).toBeTruthy();
  await task(`${inst}/operate`, { changeStateTo: 'STARTED' });
  const before = (await api('GET', inst, { kind: 'VnfInstance' })).body;
  const serverId = (
    before as { instantiatedVnfInfo: { vnfcResourceInfo: { computeResource: { resourceId: string } }[] } }
  ).instantiatedVnfInfo.vnfcResourceInfo[0]?.computeResource.resourceId;
  await vim.liveMigrate(serverId ?? '');
  await api('GET', inst, { kind: 'VnfInstance' });
  await api('GET', '/vnflcm/v2/vnf_instances', { kind: 'VnfInstanceList' });
  await task(`${inst}/operate`, { changeStateTo: 'STOPPED', stopType: 'GRACEFUL', gracefulStopTimeout: 5 });
  await task(`${inst}/terminate`, { terminationType: 'FORCEFUL' });
  await api('GET', inst, { kind: 'VnfInstance' });

  // A failed instantiation (VIM error), then rollback; another, then fail.
  const second = `/vnflcm/v2/vnf_instances/${await createInstance()}`;
  vim.failNext('createServer', 'No valid host was found');
  const failed = await task(`${second}/instantiate`, { flavourId: 'default' });
  expect(failed.occ.operationState).toBe('FAILED_TEMP');
  await api('POST', `${second}/instantiate`, { body: { flavourId: 'default' } }); // 409: FAILED_TEMP blocks
  const opPath = new URL(failed.answer.headers.get('location') ?? '').pathname;
  await api('POST', `${opPath}/cancel`, { body: { cancelMode: 'GRACEFUL' } }); // 409: not running
  vim.failNext('createServer', 'No valid host was found');
  expect((await api('POST', `${opPath}/retry`)).status).toBe(202);
  expect((await settle(failed.answer.headers.get('location') ?? '')).operationState).toBe('FAILED_TEMP');
  expect((await api('POST', `${opPath}/rollback`)).status).toBe(202);
  await settle(failed.answer.headers.get('location') ?? '');
  const failedAgain = await task(`${second}/instantiate`, {
    flavourId: 'default',
    additionalParams: { swImageId: 'x' },
  });
  const failPath = `${new URL(failedAgain.answer.headers.get('location') ?? '').pathname}/fail`;
  expect((await api('POST', failPath, { kind: 'VnfLcmOpOcc' })).status).toBe(200);

  await api('GET', '/vnflcm/v2/vnf_lcm_op_occs', { kind: 'VnfLcmOpOccList' });
  await api('GET', `/vnflcm/v2/vnf_lcm_op_occs?filter=(eq,vnfInstanceId,${id})`, { kind: 'VnfLcmOpOccList' });
  await api('GET', '/vnflcm/v2/vnf_instances/nope', {});
  await api('GET', '/vnflcm/v2/vnf_instances', { headers: { Version: '' } });
  await api('GET', '/vnflcm/v2/vnf_instances', { headers: { Version: '1.3.0' } });
  await api('POST', '/vnflcm/v2/vnf_instances', { body: { vnfInstanceName: 'no vnfd' } });
  await api('POST', '/vnflcm/v2/vnf_instances', { body: { vnfdId: 'unknown-vnfd' } });
  expect((await api('DELETE', inst)).status).toBe(204);
  await lab.drainNotifications();
});

afterAll(async () => {
  await lab.close();
  await vim.close();
  await subscriber.close();
});

const schemasOf: Record<Kind, { openapi: object; tst010: object | null; list: boolean }> = {
  VnfInstance: { openapi: openapiSchema('VnfInstance'), tst010: tst010Schema('vnfInstance'), list: false },
  VnfInstanceList: { openapi: openapiSchema('VnfInstance'), tst010: tst010Schema('vnfInstance'), list: true },
  VnfLcmOpOcc: { openapi: openapiSchema('VnfLcmOpOcc'), tst010: tst010Schema('vnfLcmOpOcc'), list: false },
  VnfLcmOpOccList: { openapi: openapiSchema('VnfLcmOpOcc'), tst010: tst010Schema('vnfLcmOpOcc'), list: true },
  ProblemDetails: {
    openapi: openapiSchema('ProblemDetails'),
    tst010: tst010Schema('ProblemDetails'),
    list: false,
  },
  ApiVersions: {
    openapi: openapiSchema('ApiVersionInformation'),
    tst010: tst010Schema('ApiVersionInformation'),
    list: false,
  },
  LccnSubscription: {
    openapi: openapiSchema('LccnSubscription'),
    tst010: tst010Schema('LccnSubscription'),
    list: false,
  },
  LccnSubscriptionList: {
    openapi: openapiSchema('LccnSubscription'),
    tst010: tst010Schema('LccnSubscription'),
    list: true,
  },
};

/** TST 010 schema of each notification type (the VNF LCM OpenAPI has none for notifications). */
const notificationSchemas: Record<string, string> = {
  VnfLcmOperationOccurrenceNotification: 'VnfLcmOperationOccurrenceNotification',
  VnfIdentifierCreationNotification: 'VnfIdentifierCreationNotification',
  VnfIdentifierDeletionNotification: 'vnfIdentifierDeletionNotification',
};

describe('lab VNFM responses conform to SOL003 (OpenAPI) and TST 010 schemas', () => {
  it('produced every kind of body, including failures, lists and every operation state', () => {
    const kinds = new Set(seen.map((s) => s.kind));
    expect([...kinds].sort()).toEqual(Object.keys(schemasOf).sort());
    const states = new Set(
      seen
        .filter((s) => s.kind === 'VnfLcmOpOcc')
        .map((s) => (s.body as { operationState: string }).operationState),
    );
    for (const state of ['COMPLETED', 'FAILED_TEMP', 'ROLLED_BACK', 'FAILED'])
      expect(states).toContain(state);
    const statuses = new Set(
      seen.filter((s) => s.kind === 'ProblemDetails').map((s) => s.what.split(' -> ')[1]),
    );
    expect([...statuses].sort()).toEqual(['400', '404', '406', '409', '422']);
    const subs = seen
      .filter((s) => s.kind === 'LccnSubscription')
      .map((s) => s.body as { verbosity: string });
    expect(new Set(subs.map((s) => s.verbosity))).toEqual(new Set(['FULL', 'SHORT']));
  });

  it('validates each body against the OpenAPI schema and the TST 010 schema', () => {
    const failures: string[] = [];
    for (const { kind, what, body } of seen) {
      const { openapi, tst010, list } = schemasOf[kind];
      const items = list ? (body as unknown[]) : [body];
      if (list) expect(Array.isArray(body)).toBe(true);
      for (const item of items) {
        for (const e of schemaErrors(openapi, item)) failures.push(`${what} [OpenAPI ${kind}] ${e}`);
        if (tst010)
          for (const e of schemaErrors(tst010, item)) failures.push(`${what} [TST 010 ${kind}] ${e}`);
      }
      if (kind === 'VnfInstanceList') {
        for (const e of schemaErrors(tst010Schema('vnfInstances'), body))
          failures.push(`${what} [TST 010 list] ${e}`);
      }
      if (kind === 'VnfLcmOpOccList') {
        for (const e of schemaErrors(tst010Schema('VnfLcmOpOccs'), body))
          failures.push(`${what} [TST 010 list] ${e}`);
      }
      if (kind === 'LccnSubscriptionList') {
        for (const e of schemaErrors(tst010Schema('subscriptions'), body))
          failures.push(`${what} [TST 010 list] ${e}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('POSTed every notification type, START and RESULT, FULL and SHORT, each valid per TST 010', () => {
    const notes = subscriber.notifications();
    const kinds = new Set(
      notes.map((n) =>
        n.notificationType === 'VnfLcmOperationOccurrenceNotification'
          ? `${n.notificationStatus as string} ${n.verbosity as string}`
          : (n.notificationType as string),
      ),
    );
    expect([...kinds].sort()).toEqual([
      'RESULT FULL',
      'RESULT SHORT',
      'START FULL',
      'START SHORT',
      'VnfIdentifierCreationNotification',
      'VnfIdentifierDeletionNotification',
    ]);
    expect(notes.some((n) => n.operation === 'MODIFY_INFO' && n.changedInfo)).toBe(true);
    expect(notes.some((n) => n.operationState === 'FAILED_TEMP' && n.error)).toBe(true);
    const failures: string[] = [];
    for (const n of notes) {
      const schema = tst010Schema(notificationSchemas[n.notificationType as string] ?? 'missing');
      for (const e of schemaErrors(schema, n)) failures.push(`${n.notificationType as string} ${e}`);
    }
    expect(failures).toEqual([]);
    expect(lab.deliveries.every((d) => d.ok)).toBe(true);
  });

  it('has validators that do reject a non-conforming body', () => {
    const good = seen.find((s) => s.kind === 'VnfInstance')?.body as Record<string, unknown>;
    const { instantiationState: _dropped, ...bad } = good;
    expect(schemaErrors(openapiSchema('VnfInstance'), bad)).not.toEqual([]);
    expect(schemaErrors(tst010Schema('vnfInstance'), bad)).not.toEqual([]);
    expect(schemaErrors(openapiSchema('ProblemDetails'), { status: 400 })).not.toEqual([]);
    const note = subscriber.notifications()[0] ?? {};
    const { subscriptionId: _gone, ...incomplete } = note;
    expect(schemaErrors(tst010Schema('VnfIdentifierCreationNotification'), incomplete)).not.toEqual([]);
    expect(schemaErrors(openapiSchema('LccnSubscription'), { id: 'x', callbackUri: 'y' })).not.toEqual([]);
  });

  it('departs from the bundled OpenAPI only where it contradicts SOL003 (VnfLcmOpOcc oneOf)', () => {
    const occ = seen.find((s) => s.kind === 'VnfLcmOpOcc')?.body as Record<string, unknown>;
    // The bundled schema demands one of changedInfo / modificationsTriggeredByVnfPkgChange in every occurrence...
    expect(schemaErrors(rawOpenapiSchema('VnfLcmOpOcc'), occ).join()).toContain('changedInfo');
    expect(schemaErrors(rawOpenapiSchema('VnfLcmOpOcc'), { ...occ, changedInfo: {} })).toEqual([]);
    // ...SOL003 only forbids both at once.
    const both = { ...occ, changedInfo: {}, modificationsTriggeredByVnfPkgChange: {} };
    expect(schemaErrors(openapiSchema('VnfLcmOpOcc'), both)).not.toEqual([]);
  });

  it('shows a migration on the next GET: new host and allocation ids, same server', () => {
    const started = seen.filter((s) => s.kind === 'VnfInstance' && s.what.startsWith('GET'));
    const [before, after] = started
      .map(
        (s) =>
          (s.body as { instantiatedVnfInfo?: { vnfState: string; vnfcResourceInfo: unknown[] } })
            .instantiatedVnfInfo,
      )
      .filter((info) => info?.vnfState === 'STARTED')
      .map(
        (info) =>
          info?.vnfcResourceInfo[0] as {
            computeResource: { resourceId: string };
            metadata: Record<string, { host: string; allocations: { id: string }[] }>;
          },
      );
    expect(before && after).toBeTruthy();
    expect(after?.computeResource.resourceId).toBe(before?.computeResource.resourceId);
    expect(after?.metadata['vnflab.compute']?.host).not.toBe(before?.metadata['vnflab.compute']?.host);
    const beforeIds = before?.metadata['vnflab.compute']?.allocations.map((a) => a.id) ?? [];
    const afterIds = after?.metadata['vnflab.compute']?.allocations.map((a) => a.id) ?? [];
    expect(afterIds.some((id) => beforeIds.includes(id))).toBe(false);
  });
});

describe('TST 010 example requests', () => {
  const examples = conformance.tst010Requests;

  it('creates from createVnfRequest.json', async () => {
    const created = await api('POST', '/vnflcm/v2/vnf_instances', { body: examples.createVnfRequest });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      vnfdId: exampleVnfdId,
      vnfInstanceName: 'string',
      instantiationState: 'NOT_INSTANTIATED',
    });
    expect(schemaErrors(openapiSchema('VnfInstance'), created.body)).toEqual([]);
  });

  it('accepts instantiateVnfRequest.json (v1 vimConnectionInfo array) and fails the unknown flavour clearly', async () => {
    const id = await createInstance(exampleVnfdId);
    const { occ } = await task(`/vnflcm/v2/vnf_instances/${id}/instantiate`, examples.instantiateVnfRequest);
    expect(occ.operationState).toBe('FAILED_TEMP');
    expect((occ.error as { detail: string }).detail).toContain("flavourId 'myFlavour'");
    expect(schemaErrors(openapiSchema('VnfLcmOpOcc'), occ)).toEqual([]);
  });

  it('instantiates from the example with a flavour of the VNFD, filling lab defaults, then operates and terminates from the examples', async () => {
    const id = await createInstance(exampleVnfdId);
    const inst = `/vnflcm/v2/vnf_instances/${id}`;
    const request = { ...examples.instantiateVnfRequest, flavourId: 'default' };
    expect((await task(`${inst}/instantiate`, request)).occ.operationState).toBe('COMPLETED');
    const view = (await api('GET', inst)).body as { vimConnectionInfo: Record<string, unknown> };
    // The v1-style array came back as the v2 map keyed by its id.
    expect(Object.keys(view.vimConnectionInfo)).toEqual(['string']);
    const server = (await vim.listServers()).find((s) => s.metadata.vnfInstanceId === id);
    expect(server?.imageId).toBe('sw-vnflab-udp-fwd-1.0');
    await task(`${inst}/operate`, { changeStateTo: 'STARTED' });
    expect((await task(`${inst}/operate`, examples.operateVnfRequest)).occ.operationState).toBe('COMPLETED');
    expect((await task(`${inst}/terminate`, examples.terminateVnfRequest)).occ.operationState).toBe(
      'COMPLETED',
    );
    expect((await api('DELETE', inst)).status).toBe(204);
  });

  it('subscribes with lccnSubscriptionRequest.json (callbackUri pointed at a live endpoint)', async () => {
    const request = { ...examples.lccnSubscriptionRequest, callbackUri: `${subscriber.uri}/tst010` };
    expect(schemaErrors(openapiSchema('LccnSubscriptionRequest'), request)).toEqual([]);
    const created = await api('POST', '/vnflcm/v2/subscriptions', { body: request });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ filter: examples.lccnSubscriptionRequest?.filter });
    expect(schemaErrors(openapiSchema('LccnSubscription'), created.body)).toEqual([]);
    expect(schemaErrors(tst010Schema('LccnSubscription'), created.body)).toEqual([]);
    // The bundled schema's filter constraint names an attribute that does not exist (vnfdId):
    expect(schemaErrors(rawOpenapiSchema('LccnSubscriptionRequest'), request).join()).toContain('vnfdId');
  });

  it('modifies from patchBodyRequest.json', async () => {
    const id = await createInstance(exampleVnfdId);
    const path = `/vnflcm/v2/vnf_instances/${id}`;
    expect(schemaErrors(openapiSchema('VnfInfoModificationRequest'), examples.patchBodyRequest)).toEqual([]);
    const answer = await api('PATCH', path, {
      body: examples.patchBodyRequest,
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(answer.status).toBe(202);
    const occ = await settle(answer.headers.get('location') ?? '');
    expect(occ).toMatchObject({ operation: 'MODIFY_INFO', operationState: 'COMPLETED' });
    expect(schemaErrors(openapiSchema('VnfLcmOpOcc'), occ)).toEqual([]);
    expect((await api('GET', path)).body).toMatchObject(examples.patchBodyRequest ?? {});
  });

  it('the driver sends request bodies that validate against the OpenAPI request schemas', () => {
    const instantiate = buildInstantiateRequest({
      flavourId: 'default',
      swImageId: 'sw-vnflab-udp-fwd-1.0',
      instantiationLevelId: 'small',
      additionalParams: { egress: { host: '127.0.0.1', port: 9 } },
    });
    expect(schemaErrors(openapiSchema('InstantiateVnfRequest'), instantiate)).toEqual([]);
    for (const body of [buildOperateRequest('STARTED'), buildOperateRequest('STOPPED')]) {
      expect(schemaErrors(openapiSchema('OperateVnfRequest'), body)).toEqual([]);
    }
    for (const body of [buildTerminateRequest(), buildTerminateRequest(30)]) {
      expect(schemaErrors(openapiSchema('TerminateVnfRequest'), body)).toEqual([]);
    }
  });
});

describe('conformance data', () => {
  const dir = process.env.VNFLAB_ETSI_DIR ?? '/work/shared/etsi';
  const openapiFile = `${dir}/SOL003-VNFLifecycleManagement.openapi.json`;

  it.skipIf(!existsSync(openapiFile))('is the described extract of the ETSI originals', () => {
    const strip = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(strip)
        : x && typeof x === 'object'
          ? Object.fromEntries(
              Object.entries(x)
                .filter(([k]) => k !== 'description')
                .map(([k, v]) => [k, strip(v)]),
            )
          : x;
    const doc = JSON.parse(readFileSync(openapiFile, 'utf8')) as {
      components: { responses: Record<string, { content: Record<string, { schema: unknown }> }> };
    };
    const responses = doc.components.responses;
    const json = (name: string) => responses[name]?.content['application/json']?.schema;
    expect(conformance.openapi.VnfInstance).toEqual(strip(json('IndividualVnfInstance.Get.200')));
    expect(conformance.openapi.VnfInstance).toEqual(
      strip((json('VNFInstances.Get.200') as { items: unknown }).items),
    );
    expect(conformance.openapi.VnfLcmOpOcc).toEqual(strip(json('IndividualVnfLcmOpOcc.Get.200')));
    const tst = (file: string) =>
      JSON.parse(readFileSync(`${dir}/tst010-sol003-lcm/${file}`, 'utf8')) as unknown;
    expect(conformance.tst010.vnfInstance).toEqual(strip(tst('schemas/vnfInstance.schema.json')));
    expect(conformance.tst010.vnfLcmOpOcc).toEqual(strip(tst('schemas/vnfLcmOpOcc.schema.json')));
    expect(conformance.tst010Requests.instantiateVnfRequest).toEqual(tst('jsons/instantiateVnfRequest.json'));
    expect(conformance.openapi.LccnSubscription).toEqual(strip(json('Subscriptions.Post.201')));
    expect(conformance.tst010.VnfLcmOperationOccurrenceNotification).toEqual(
      strip(tst('schemas/VnfLcmOperationOccurrenceNotification.schema.json')),
    );
    expect(conformance.tst010Requests.lccnSubscriptionRequest).toEqual(
      tst('jsons/lccnSubscriptionRequest.json'),
    );
  });
});
