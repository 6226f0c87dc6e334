/**
 * The lab VNFM's notifications (SOL003 §5.5.2.17 - §5.5.2.19), POSTed to
 * every subscription whose filter passes. An occurrence notifies each state
 * it enters: START for STARTING, PROCESSING and ROLLING_BACK, RESULT for
 * COMPLETED, FAILED_TEMP, FAILED and ROLLED_BACK (SOL003 §5.6.2.2, figure
 * 5.6.2.2-1). Deliveries to one subscriber go out one at a time, in order,
 * so a START never overtakes its RESULT.
 */
import { randomUUID } from 'node:crypto';
import type {
  AffectedVnfc,
  LcmOperationStateType,
  ProblemDetails,
} from '../../protocols/sol003/sol003-types.js';
import { isoNow } from '../../util/clock.js';
import type { LcmOpOccRecord } from './lcm-records.js';
import type { InstanceIdentity, LcmEvent, SubscriptionRecord, SubscriptionStore } from './subscriptions.js';
import type { LcmUris } from './views.js';

/** Notification status per operation state (SOL003 §5.5.4.6 LcmOperationStateType notes). */
const RESULT_STATES: ReadonlySet<LcmOperationStateType> = new Set([
  'COMPLETED',
  'FAILED_TEMP',
  'FAILED',
  'ROLLED_BACK',
]);

interface Href {
  readonly href: string;
}

/** SOL003 §5.5.2.17 VnfLcmOperationOccurrenceNotification. */
export interface VnfLcmOperationOccurrenceNotification {
  readonly id: string;
  readonly notificationType: 'VnfLcmOperationOccurrenceNotification';
  readonly subscriptionId: string;
  readonly timeStamp: string;
  readonly notificationStatus: 'START' | 'RESULT';
  readonly operationState: LcmOperationStateType;
  readonly vnfInstanceId: string;
  readonly operation: string;
  readonly isAutomaticInvocation: boolean;
  readonly verbosity: 'FULL' | 'SHORT';
  readonly vnfLcmOpOccId: string;
  readonly affectedVnfcs?: readonly AffectedVnfc[];
  readonly changedInfo?: Record<string, unknown>;
  readonly error?: ProblemDetails;
  readonly _links: { readonly vnfInstance: Href; readonly subscription: Href; readonly vnfLcmOpOcc: Href };
}

/** SOL003 §5.5.2.18 / §5.5.2.19 VnfIdentifierCreationNotification / VnfIdentifierDeletionNotification. */
export interface VnfIdentifierNotification {
  readonly id: string;
  readonly notificationType: 'VnfIdentifierCreationNotification' | 'VnfIdentifierDeletionNotification';
  readonly subscriptionId: string;
  readonly timeStamp: string;
  readonly vnfInstanceId: string;
  readonly _links: { readonly vnfInstance: Href; readonly subscription: Href };
}

export type LcmNotification = VnfLcmOperationOccurrenceNotification | VnfIdentifierNotification;

/** One delivery attempt, kept for tests and diagnosis. */
export interface DeliveryRecord {
  readonly subscriptionId: string;
  readonly notificationType: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** How many delivery records are kept. */
const KEPT_DELIVERIES = 200;

export class Notifier {
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;
  /** The latest deliveries, oldest first. */
  readonly deliveries: DeliveryRecord[] = [];

  constructor(
    private readonly store: SubscriptionStore,
    private readonly uris: LcmUris,
  ) {}

  /** An occurrence entered a state: notify the subscribers whose filter passes. */
  opState(op: LcmOpOccRecord, instance: InstanceIdentity): void {
    const event: LcmEvent = {
      type: 'VnfLcmOperationOccurrenceNotification',
      instance,
      operation: op.operation,
      operationState: op.operationState,
    };
    // The body is rendered now, so a later state change cannot leak into it.
    const timeStamp = isoNow();
    const snapshot = {
      state: op.operationState,
      affectedVnfcs: [...op.affectedVnfcs],
      changedInfo: op.changedInfo ? { ...op.changedInfo } : undefined,
      error: op.error ?? undefined,
    };
    for (const sub of this.store.matching(event)) {
      const full = sub.verbosity === 'FULL' && RESULT_STATES.has(snapshot.state);
      const body: VnfLcmOperationOccurrenceNotification = {
        id: randomUUID(),
        notificationType: 'VnfLcmOperationOccurrenceNotification',
        subscriptionId: sub.id,
        timeStamp,
        notificationStatus: RESULT_STATES.has(snapshot.state) ? 'RESULT' : 'START',
        operationState: snapshot.state,
        vnfInstanceId: op.vnfInstanceId,
        operation: op.operation,
        isAutomaticInvocation: false,
        verbosity: sub.verbosity,
        vnfLcmOpOccId: op.id,
        ...(full && snapshot.affectedVnfcs.length > 0 ? { affectedVnfcs: snapshot.affectedVnfcs } : {}),
        ...(full && snapshot.changedInfo ? { changedInfo: snapshot.changedInfo } : {}),
        // SOL003: error shall be present when operationState is FAILED_TEMP, FAILED or ROLLED_BACK.
        ...(snapshot.error && RESULT_STATES.has(snapshot.state) ? { error: snapshot.error } : {}),
        _links: {
          vnfInstance: { href: this.uris.vnfInstance(op.vnfInstanceId) },
          subscription: { href: this.store.uri(sub.id) },
          vnfLcmOpOcc: { href: this.uris.opOcc(op.id) },
        },
      };
      this.enqueue(sub, body);
    }
  }

  /** A VNF instance resource was created or deleted. */
  identifier(
    type: 'VnfIdentifierCreationNotification' | 'VnfIdentifierDeletionNotification',
    instance: InstanceIdentity,
  ): void {
    const timeStamp = isoNow();
    for (const sub of this.store.matching({ type, instance })) {
      this.enqueue(sub, {
        id: randomUUID(),
        notificationType: type,
        subscriptionId: sub.id,
        timeStamp,
        vnfInstanceId: instance.id,
        _links: {
          vnfInstance: { href: this.uris.vnfInstance(instance.id) },
          subscription: { href: this.store.uri(sub.id) },
        },
      });
    }
  }

  /**
   * Stop delivering: notifications not yet sent are dropped (a subscriber
   * that stopped answering must not hold the VNFM's shutdown), the ones in
   * flight finish.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  /** Resolves when every queued notification has been delivered (or given up). */
  async drain(): Promise<void> {
    while (this.queues.size > 0) await Promise.allSettled([...this.queues.values()]);
  }

  private enqueue(sub: SubscriptionRecord, body: LcmNotification): void {
    const previous = this.queues.get(sub.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      // A subscription deleted meanwhile gets nothing more; a closed VNFM sends nothing more.
      if (this.closed || !this.store.get(sub.id)) return;
      const outcome = await sub.client.notify(sub.callbackUri, body);
      this.deliveries.push({
        subscriptionId: sub.id,
        notificationType: body.notificationType,
        ok: outcome.ok,
        ...(outcome.ok ? {} : { detail: outcome.detail }),
      });
      if (this.deliveries.length > KEPT_DELIVERIES) this.deliveries.shift();
    });
    this.queues.set(sub.id, next);
    void next.finally(() => {
      if (this.queues.get(sub.id) === next) this.queues.delete(sub.id);
    });
  }
}
