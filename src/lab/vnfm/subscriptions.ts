/**
 * The lab VNFM's LCM notification subscriptions (SOL003 §5.4.18 / §5.4.19):
 * creation tests the callback endpoint first (SOL003 §5.4.18.3.1: a GET the
 * subscriber answers with 204, §5.4.20.3.2), a second subscription with the
 * same callbackUri and filter is not created (303 See Other to the existing
 * one, as SOL003 lets the VNFM choose), and a notification goes to every
 * subscription whose filter it passes (SOL003 §5.5.3.12).
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { LcmOperationStateType, LcmOperationType } from '../../protocols/sol003/sol003-types.js';
import { CallbackClient } from './callback-client.js';
import type { CallbackPolicy } from './callback-policy.js';
import { Sequence } from './paging.js';
import { ProblemError } from './problem.js';
import type { LccnSubscriptionRequestBody, LifecycleChangeNotificationsFilter } from './requests.js';

/** The SOL003 notification types of the VNF LCM interface. */
export type LcmNotificationType =
  | 'VnfLcmOperationOccurrenceNotification'
  | 'VnfIdentifierCreationNotification'
  | 'VnfIdentifierDeletionNotification';

/** What a filter is matched against: the VNF instance a notification is about. */
export interface InstanceIdentity {
  readonly id: string;
  readonly vnfdId: string;
  readonly vnfInstanceName?: string;
  readonly vnfProvider: string;
  readonly vnfProductName: string;
  readonly vnfSoftwareVersion: string;
  readonly vnfdVersion: string;
}

/** One event, before it is rendered for a subscription. */
export interface LcmEvent {
  readonly type: LcmNotificationType;
  readonly instance: InstanceIdentity;
  /** VnfLcmOperationOccurrenceNotification only. */
  readonly operation?: LcmOperationType;
  readonly operationState?: LcmOperationStateType;
}

export interface SubscriptionRecord {
  readonly id: string;
  readonly callbackUri: string;
  readonly filter?: LifecycleChangeNotificationsFilter;
  readonly verbosity: 'FULL' | 'SHORT';
  /** How the VNFM authenticates to the subscriber; never shown in a GET (SOL003 §5.5.2.16). */
  readonly client: CallbackClient;
}

/** SOL003 §5.5.2.16 LccnSubscription. */
export interface LccnSubscriptionView {
  readonly id: string;
  readonly filter?: LifecycleChangeNotificationsFilter;
  readonly callbackUri: string;
  readonly verbosity: 'FULL' | 'SHORT';
  readonly _links: { readonly self: { readonly href: string } };
}

/** True when the event passes the subscription's filter (every present attribute must match, SOL013 §5.5.3.12 / SOL003 §4.4.1.5). */
export function filterMatches(
  filter: LifecycleChangeNotificationsFilter | undefined,
  event: LcmEvent,
): boolean {
  if (!filter) return true;
  if (filter.notificationTypes && !filter.notificationTypes.includes(event.type)) return false;
  if (event.type === 'VnfLcmOperationOccurrenceNotification') {
    if (filter.operationTypes && !filter.operationTypes.includes(event.operation as never)) return false;
    if (filter.operationStates && !filter.operationStates.includes(event.operationState as never))
      return false;
  }
  const f = filter.vnfInstanceSubscriptionFilter;
  if (!f) return true;
  const inst = event.instance;
  if (f.vnfdIds && !f.vnfdIds.includes(inst.vnfdId)) return false;
  if (f.vnfInstanceIds && !f.vnfInstanceIds.includes(inst.id)) return false;
  if (f.vnfInstanceNames && !f.vnfInstanceNames.includes(inst.vnfInstanceName ?? '')) return false;
  if (f.vnfProductsFromProviders) {
    const byProduct = f.vnfProductsFromProviders.some(
      (p) =>
        p.vnfProvider === inst.vnfProvider &&
        (!p.vnfProducts ||
          p.vnfProducts.some(
            (prod) =>
              prod.vnfProductName === inst.vnfProductName &&
              (!prod.versions ||
                prod.versions.some(
                  (v) =>
                    v.vnfSoftwareVersion === inst.vnfSoftwareVersion &&
                    (!v.vnfdVersions || v.vnfdVersions.includes(inst.vnfdVersion)),
                )),
          )),
    );
    if (!byProduct) return false;
  }
  return true;
}

export interface SubscriptionStoreOptions {
  /** `{apiRoot}/vnflcm/v2/subscriptions` */
  readonly baseUri: string;
  /** Per probe / delivery. */
  readonly callbackTimeoutMs: number;
  /** Where the VNFM may call back (default: loopback only). */
  readonly policy: CallbackPolicy;
  /** Subscriptions at most (default {@link DEFAULT_MAX_SUBSCRIPTIONS}); one more is refused (422). */
  readonly maxSubscriptions?: number;
  /** The lab's log: what a failed endpoint test met, which the 422 does not tell the client. */
  readonly log: (line: string) => void;
}

export const DEFAULT_MAX_SUBSCRIPTIONS = 100;

export class SubscriptionStore {
  private readonly subs = new Map<string, SubscriptionRecord>();
  /** Creation numbers, for paging. */
  readonly sequence = new Sequence();

  constructor(private readonly opts: SubscriptionStoreOptions) {}

  uri(id: string): string {
    return `${this.opts.baseUri}/${id}`;
  }

  /**
   * Create a subscription, or return the existing one with the same
   * callbackUri and filter (`created: false`: the caller answers 303).
   * A callback the policy refuses, a full store, and a callback endpoint
   * that does not answer the probe GET with 204 are 422s. The last one does
   * not say what the endpoint answered (or whether it answered at all): the
   * VNFM must not become a way to probe the hosts it can reach. The lab's
   * log has it.
   */
  async create(req: LccnSubscriptionRequestBody): Promise<{ sub: SubscriptionRecord; created: boolean }> {
    for (const sub of this.subs.values()) {
      if (sub.callbackUri === req.callbackUri && isDeepStrictEqual(sub.filter ?? {}, req.filter ?? {})) {
        return { sub, created: false };
      }
    }
    const max = this.opts.maxSubscriptions ?? DEFAULT_MAX_SUBSCRIPTIONS;
    if (this.subs.size >= max)
      throw new ProblemError(422, `the lab VNFM holds ${max} subscriptions, its limit: delete one first`);
    const tokenEndpoint = req.authentication?.paramsOauth2ClientCredentials?.tokenEndpoint;
    for (const [field, uri] of [
      ['callbackUri', req.callbackUri],
      ['authentication.paramsOauth2ClientCredentials.tokenEndpoint', tokenEndpoint],
    ] as const) {
      const refusal = uri === undefined ? null : this.opts.policy.refusal(uri);
      if (refusal !== null) throw new ProblemError(422, `${field} refused: ${refusal}`);
    }
    const client = new CallbackClient(
      req.authentication,
      this.opts.callbackTimeoutMs,
      this.opts.policy.fetch,
    );
    const probe = await client.probe(req.callbackUri);
    if (!probe.ok) {
      this.opts.log(
        `subscription refused: the test of callback endpoint ${req.callbackUri} failed: ${probe.detail}`,
      );
      throw new ProblemError(
        422,
        'callback endpoint test failed: the GET to callbackUri did not get 204 No Content (SOL003 §5.4.20.3.2)',
      );
    }
    const sub: SubscriptionRecord = {
      id: randomUUID(),
      callbackUri: req.callbackUri,
      ...(req.filter !== undefined ? { filter: req.filter } : {}),
      verbosity: req.verbosity ?? 'FULL',
      client,
    };
    this.subs.set(sub.id, sub);
    this.sequence.stamp(sub.id);
    return { sub, created: true };
  }

  get(id: string): SubscriptionRecord | undefined {
    return this.subs.get(id);
  }

  list(): SubscriptionRecord[] {
    return [...this.subs.values()];
  }

  delete(id: string): boolean {
    this.sequence.forget(id);
    return this.subs.delete(id);
  }

  /** Subscriptions the event is for. */
  matching(event: LcmEvent): SubscriptionRecord[] {
    return this.list().filter((sub) => filterMatches(sub.filter, event));
  }

  view(sub: SubscriptionRecord): LccnSubscriptionView {
    return {
      id: sub.id,
      ...(sub.filter !== undefined ? { filter: sub.filter } : {}),
      callbackUri: sub.callbackUri,
      verbosity: sub.verbosity,
      _links: { self: { href: this.uri(sub.id) } },
    };
  }
}
