/**
 * The instance action log, as Nova keeps it (os-instance-actions): one
 * action per user request (create, start, stop, live-migration, ...) with
 * the events the services recorded while carrying it out. Nova names events
 * after the method that ran, prefixed with the service
 * ('compute_live_migration', 'conductor_live_migrate_instance') and marks an
 * action's message 'Error' once one of its events failed.
 */
import { randomUUID } from 'node:crypto';
import { isoNow } from '../../util/clock.js';
import type { InstanceAction, InstanceActionEvent } from './vim.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A running event: finish it once, with success or the failure's reason. */
export interface ActionEvent {
  ok(): void;
  fail(reason: string): void;
}

/** One action being recorded. */
export interface ActionRecorder {
  readonly requestId: string;
  /** Start an event (on a compute host, when `host` is given). */
  event(name: string, host?: string): ActionEvent;
  /** Record an event that already finished successfully. */
  done(name: string, host?: string): void;
}

/** Nova's request id format. */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

export class InstanceActionLog {
  private readonly byServer = new Map<string, Mutable<InstanceAction>[]>();

  /** Start recording an action for a server. */
  start(serverId: string, action: string, requestId: string = newRequestId()): ActionRecorder {
    const now = isoNow();
    const record: Mutable<InstanceAction> = {
      action,
      requestId,
      startTime: now,
      updatedAt: now,
      message: null,
      events: [],
    };
    const list = this.byServer.get(serverId) ?? [];
    list.push(record);
    this.byServer.set(serverId, list);
    const event = (name: string, host?: string): ActionEvent => {
      const ev: Mutable<InstanceActionEvent> = {
        event: name,
        startTime: isoNow(),
        finishTime: null,
        result: null,
        traceback: null,
        ...(host === undefined ? {} : { host }),
      };
      record.events = [...record.events, ev];
      record.updatedAt = ev.startTime;
      const finish = (result: 'Success' | 'Error', traceback: string | null): void => {
        if (ev.finishTime !== null) return;
        ev.finishTime = isoNow();
        ev.result = result;
        ev.traceback = traceback;
        record.updatedAt = ev.finishTime;
        if (result === 'Error') record.message = 'Error';
      };
      return { ok: () => finish('Success', null), fail: (reason) => finish('Error', reason) };
    };
    return { requestId, event, done: (name, host) => event(name, host).ok() };
  }

  /** Actions of a server, newest first (Nova's order), as snapshots. */
  list(serverId: string): InstanceAction[] {
    const list = this.byServer.get(serverId) ?? [];
    return structuredClone([...list].reverse());
  }
}
