/**
 * Instance actions as Nova shows them to an admin
 * (nova/api/openstack/compute/instance_actions.py): `updated_at` from 2.58,
 * event `host`/`hostId` from 2.62 (`details` is 2.84, above the lab's
 * maximum); `traceback` is admin-only, and the lab's user is admin.
 */
import type { InstanceAction } from '../vim.js';
import { atLeast } from '../../../protocols/nova/microversion.js';
import { hostIdOf, type ViewContext } from './server-view.js';
import { toMicros } from './time-format.js';

export function instanceActionSummary(
  ctx: ViewContext,
  serverId: string,
  a: InstanceAction,
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    action: a.action,
    instance_uuid: serverId,
    message: a.message,
    project_id: ctx.projectId,
    request_id: a.requestId,
    start_time: toMicros(a.startTime),
    user_id: ctx.userId,
  };
  if (atLeast(ctx.version, '2.58')) view.updated_at = toMicros(a.updatedAt);
  return view;
}

export function instanceActionDetail(
  ctx: ViewContext,
  serverId: string,
  a: InstanceAction,
): Record<string, unknown> {
  return {
    ...instanceActionSummary(ctx, serverId, a),
    events: a.events.map((e) => {
      const view: Record<string, unknown> = {
        event: e.event,
        start_time: toMicros(e.startTime),
        finish_time: toMicros(e.finishTime),
        result: e.result,
        traceback: e.traceback ?? null,
      };
      if (atLeast(ctx.version, '2.62'))
        Object.assign(view, { host: e.host ?? '', hostId: hostIdOf(ctx.projectId, e.host ?? '') });
      return view;
    }),
  };
}
