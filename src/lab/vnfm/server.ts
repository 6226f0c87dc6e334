/**
 * The embedded lab's VNFM: ETSI GS NFV-SOL 003 VNF LCM API 2.0.0 over
 * node:http on 127.0.0.1 (an OS-chosen port), driving the lab VIM
 * in-process. It serves what the MIGRATE test cases need, the way Tacker
 * does: Version header (SOL013 §4.6), 201/202 + Location, asynchronous
 * operation occurrences, ProblemDetails errors (SOL013 §6.4).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SOL003_LCM_API_VERSION } from '../../protocols/sol003/sol003-types.js';
import { isUnavailable, type Vim } from '../vim/vim.js';
import { LabAuthenticator, type LabVnfmAuth, TOKEN_PATH } from './auth.js';
import { sendProblem } from './http-io.js';
import { LabMigrations } from './lab-migration.js';
import { DEFAULT_LAB_VNFDS } from './lab-vnfd.js';
import { type LabVnfd } from '../../protocols/sol003/vnflab-vnfd.js';
import { LcmEngine } from './lcm-engine.js';
import { DEFAULT_RECORD_LIMITS, LcmRecords, type RecordLimits } from './lcm-records.js';
import { CallbackPolicy, LOOPBACK_CALLBACK_HOSTS } from './callback-policy.js';
import { type LoadPolicyConfig, type LoadPolicyEvent, LoadPolicy, type LoadSource } from './load-policy.js';
import { type DeliveryRecord, Notifier } from './notifier.js';
import { ProblemError } from './problem.js';
import { buildRoutes, instanceIdentity, type Route, VNF_MIGRATE_PREFIX } from './routes.js';
import { SubscriptionStore } from './subscriptions.js';
import { LcmUris } from './views.js';
import { VnfmFaults, type VnfmFaultRule } from './vnfm-faults.js';

export interface LabVnfmOptions {
  /** The VIM the VNFM creates, starts, stops and deletes servers on. */
  readonly vim: Vim;
  /** VNFDs the VNFM knows (replaces the defaults: the UDP forwarder and its SR-IOV variant). */
  readonly vnfds?: readonly LabVnfd[];
  /** Client authentication; none by default. */
  readonly auth?: LabVnfmAuth;
  /** dirtyPagesPerSec of a VNF whose instantiation does not say. Default 0. */
  readonly defaultDirtyPagesPerSec?: number;
  /** How long an operation waits for a server to reach SHUTOFF / ACTIVE. Default 60 000 ms. */
  readonly serverWaitTimeoutMs?: number;
  /** TCP port on 127.0.0.1; default 0 (the OS picks one). */
  readonly port?: number;
  /**
   * A request not answered within this many ms gets a 503 ProblemDetails
   * (default 15 s, below the drivers' 30 s): the client learns the VNFM is
   * stuck (e.g. on a compute host that does not answer) instead of timing out.
   */
  readonly requestTimeoutMs?: number;
  /** Per callback test / notification delivery. Default 5000 ms. */
  readonly callbackTimeoutMs?: number;
  /**
   * Hosts the VNFM may call back (subscriptions' callbackUri and token
   * endpoint): IP addresses, CIDR ranges, host names. Default loopback only
   * (callback-policy.ts).
   */
  readonly callbackAllowList?: readonly string[];
  /** How much the VNFM keeps: instances, occurrences (lcm-records.ts), subscriptions. */
  readonly limits?: Partial<RecordLimits> & { readonly maxSubscriptions?: number };
  /** Items per page of GET vnf_instances, vnf_lcm_op_occs and subscriptions (SOL013 §5.4.2.3). Default 100. */
  readonly pageSize?: number;
  /** The lab's log (what clients are not told, e.g. why a callback test failed). Default: stderr. */
  readonly log?: (line: string) => void;
  /**
   * The VNFM's own migration policy (trigger type `load`): migrate a running
   * server whose packet rate, read from `source`, stayed above thresholdPps
   * for sustainMs. Off without it.
   */
  readonly loadPolicy?: LoadPolicyConfig & { readonly source: LoadSource };
  /** Injected faults (lab.faults `vnfm.OP=FAULT`, ../faults.ts); none by default. */
  readonly faults?: readonly VnfmFaultRule[];
}

export interface LabVnfm {
  /** `http://127.0.0.1:{port}/vnflcm/v2`: the SOL003 driver's baseUrl. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:{port}` (SOL003's {apiRoot}). */
  readonly apiRoot: string;
  /** OAuth 2.0 token endpoint when `auth.oauth2` is set, else null. */
  readonly tokenUrl: string | null;
  /** The latest notification deliveries (oldest first). */
  readonly deliveries: readonly DeliveryRecord[];
  /** What the load policy did (empty without one). */
  readonly loadPolicyEvents: readonly LoadPolicyEvent[];
  /** Resolves when every queued notification has been delivered or given up. */
  drainNotifications(): Promise<void>;
  /**
   * Stop serving and end running LCM operations (one waiting for a server
   * status gives up as FAILED_TEMP). The VIM is left alone: the caller owns it.
   */
  close(): Promise<void>;
}

/** Version values this server accepts in the `Version` request header. */
const SUPPORTED_VERSIONS = new Set([SOL003_LCM_API_VERSION]);

/** SOL013 §4.6: every request names the API version; 400 without, 406 for one not served. */
function checkVersion(req: IncomingMessage): void {
  const version = req.headers.version;
  if (typeof version !== 'string' || version.trim() === '') {
    throw new ProblemError(
      400,
      `the 'Version' header is required (this API serves ${SOL003_LCM_API_VERSION})`,
    );
  }
  if (!SUPPORTED_VERSIONS.has(version.trim())) {
    throw new ProblemError(
      406,
      `API version '${version}' is not supported (this API serves ${SOL003_LCM_API_VERSION})`,
    );
  }
}

/** SOL013 §4.7: the API answers JSON; a client that accepts none of it gets 406. */
function checkAccept(req: IncomingMessage): void {
  const accept = req.headers.accept;
  if (accept === undefined || accept.trim() === '') return;
  if (!/(?:^|,)\s*(?:\*\/\*|application\/\*|application\/(?:problem\+)?json)\s*(?:;|,|$)/i.test(accept)) {
    throw new ProblemError(406, `cannot answer in '${accept}': the API produces application/json`);
  }
}

/** Start the lab VNFM on 127.0.0.1 with an OS-assigned port. */
export async function startLabVnfm(options: LabVnfmOptions): Promise<LabVnfm> {
  const vnfds = new Map((options.vnfds ?? DEFAULT_LAB_VNFDS).map((v) => [v.vnfdId, v] as const));
  const records = new LcmRecords({ ...DEFAULT_RECORD_LIMITS, ...options.limits });
  const log = options.log ?? ((line: string) => process.stderr.write(`vnflab lab VNFM: ${line}\n`));
  const callbacks = new CallbackPolicy(options.callbackAllowList ?? LOOPBACK_CALLBACK_HOSTS);
  // Trigger type `vnf`: each VNF gets its own unguessable migrate URL (a
  // capability, on the Ve-Vnfm-vnf side, not SOL003's Or-Vnfm), so the VNF
  // needs no OAuth client of its own: the token in the path identifies it.
  // One per instance, revoked when the instance is deleted.
  const vnfMigrateTokens = new Map<string, string>();
  const vnfMigrateTokenOf = new Map<string, string>();
  let apiRootForVnfs = '';
  const vnfMigrateUrl = (vnfInstanceId: string): string => {
    let token = vnfMigrateTokenOf.get(vnfInstanceId);
    if (token === undefined) {
      token = randomBytes(18).toString('base64url');
      vnfMigrateTokens.set(token, vnfInstanceId);
      vnfMigrateTokenOf.set(vnfInstanceId, token);
    }
    return `${apiRootForVnfs}${VNF_MIGRATE_PREFIX}${token}/migrate`;
  };
  records.onInstanceDeleted((inst) => {
    const token = vnfMigrateTokenOf.get(inst.id);
    if (token !== undefined) vnfMigrateTokens.delete(token);
    vnfMigrateTokenOf.delete(inst.id);
  });
  const authenticator = options.auth ? new LabAuthenticator(options.auth) : null;
  let notifier: Notifier | null = null;
  const faults = new VnfmFaults(options.faults ?? [], log);
  const engine = new LcmEngine({
    vim: options.vim,
    records,
    vnfds,
    vimConnectionId: 'vnflab-vim',
    defaultDirtyPagesPerSec: options.defaultDirtyPagesPerSec ?? 0,
    vnfMigrateUrl,
    serverWaitTimeoutMs: options.serverWaitTimeoutMs ?? 60_000,
    occurrenceFault: (operation) => faults.occurrenceFault(operation),
    onOpState(op) {
      const inst = records.instances.get(op.vnfInstanceId);
      if (inst) notifier?.opState(op, instanceIdentity(inst, vnfds.get(inst.vnfdId)));
    },
  });
  const migrations = new LabMigrations(options.vim, records, vnfds);
  let routes: Route[] = [];

  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const server = createServer((req, res) => {
    if (faults.intercept(req, res)) return;
    // After this answer, sendJson / sendEmpty drop the handler's late one.
    const deadline = setTimeout(() => {
      const problem = new ProblemError(
        503,
        `the lab VNFM could not complete the request within ${requestTimeoutMs} ms`,
        { 'Retry-After': '1' },
      );
      sendProblem(res, problem, req.url?.startsWith('/vnflcm/') ? { Version: SOL003_LCM_API_VERSION } : {});
    }, requestTimeoutMs);
    void handle(req, res).finally(() => clearTimeout(deadline));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const apiRoot = `http://127.0.0.1:${port}`;
  apiRootForVnfs = apiRoot;
  const uris = new LcmUris(apiRoot);
  const subscriptions = new SubscriptionStore({
    baseUri: uris.subscriptions(),
    callbackTimeoutMs: options.callbackTimeoutMs ?? 5000,
    policy: callbacks,
    ...(options.limits?.maxSubscriptions !== undefined
      ? { maxSubscriptions: options.limits.maxSubscriptions }
      : {}),
    log,
  });
  notifier = new Notifier(subscriptions, uris);
  routes = buildRoutes({
    vim: options.vim,
    vnfds,
    records,
    engine,
    uris,
    subscriptions,
    notifier,
    migrations,
    vnfMigrateInstance: (token) => vnfMigrateTokens.get(token),
    pageSize: options.pageSize ?? 100,
  });
  const policy = options.loadPolicy
    ? new LoadPolicy(options.loadPolicy, {
        source: options.loadPolicy.source,
        servers: () =>
          [...records.instances.values()]
            .filter((inst) => inst.instantiationState === 'INSTANTIATED' && inst.vnfState === 'STARTED')
            .flatMap((inst) => inst.vnfcs.map((v) => ({ vnfInstanceId: inst.id, serverId: v.serverId }))),
        async migrate(target) {
          const inst = records.instances.get(target.vnfInstanceId);
          if (!inst) throw new ProblemError(404, `VNF instance ${target.vnfInstanceId} is gone`);
          await migrations.migrate(inst, {
            initiator: 'POLICY',
            vResourceType: options.loadPolicy?.vResourceType ?? 'any',
            serverIds: [target.serverId],
          });
        },
      })
    : null;
  policy?.start();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', apiRoot);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    let isSol003 = path.startsWith('/vnflcm/');
    try {
      if (path === TOKEN_PATH && authenticator) {
        await authenticator.handleTokenRequest(req, res);
        return;
      }
      // A VNF's own migrate request carries its capability token instead (vnfMigrateUrl).
      if (!path.startsWith(VNF_MIGRATE_PREFIX)) authenticator?.check(req);
      const matching = routes
        .map((route) => ({ route, match: route.path.exec(path) }))
        .filter((m): m is { route: Route; match: RegExpExecArray } => m.match !== null);
      const found = matching.find((m) => m.route.method === req.method);
      isSol003 = found?.route.sol003 ?? isSol003;
      if (isSol003) {
        checkVersion(req);
        checkAccept(req);
      }
      if (!found) {
        if (matching.length === 0) {
          throw new ProblemError(404, `the lab VNFM serves no resource at ${req.method} ${path}`);
        }
        const allow = matching.map((m) => m.route.method).join(', ');
        throw new ProblemError(405, `${req.method} is not supported on ${path} (allowed: ${allow})`, {
          Allow: allow,
        });
      }
      const params = found.match.slice(1).map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          throw new ProblemError(400, `malformed percent-encoding in path segment '${p}'`);
        }
      });
      await found.route.handle({ req, res, url, params });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const problem =
        err instanceof ProblemError
          ? err
          : isUnavailable(err)
            ? new ProblemError(
                503,
                `the VIM is unavailable: ${message}`,
                { 'Retry-After': '1' },
                { cause: err },
              )
            : new ProblemError(500, `internal error: ${message}`, {}, { cause: err });
      // Answered already (at the deadline): nothing left to say.
      if (res.writableEnded) return;
      if (res.headersSent) {
        res.destroy(problem);
        return;
      }
      sendProblem(res, problem, isSol003 ? { Version: SOL003_LCM_API_VERSION } : {});
    }
  }

  let closing: Promise<void> | null = null;
  return {
    baseUrl: uris.base,
    apiRoot,
    tokenUrl: options.auth?.oauth2 ? `${apiRoot}${TOKEN_PATH}` : null,
    deliveries: notifier.deliveries,
    loadPolicyEvents: policy?.events ?? [],
    drainNotifications: () => notifier?.drain() ?? Promise.resolve(),
    close() {
      closing ??= (async () => {
        await policy?.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await engine.stop();
        await notifier?.close();
        await callbacks.close();
      })();
      return closing;
    },
  };
}
