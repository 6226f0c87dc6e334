/**
 * Nova's list paging and time filters (os-migrations 2.59/2.66,
 * os-instance-actions 2.58/2.66): `limit`, `marker` (the last item's id on
 * the previous page), `changes-since` / `changes-before` on `updated_at`,
 * and a "next" link when a page is full.
 */
import { NovaFault } from './faults.js';
import { atLeast, type Microversion } from '../../../protocols/nova/microversion.js';

export interface Page<T> {
  readonly items: T[];
  /** The query string of the next page, when the page is full. */
  readonly next: string | null;
}

export function paginate<T>(
  all: readonly T[],
  query: URLSearchParams,
  v: Microversion,
  keys: { markerOf(item: T): string; updatedOf(item: T): string; pagingSince: string },
): Page<T> {
  if (!atLeast(v, keys.pagingSince)) return { items: [...all], next: null };
  let items = [...all];
  const since = time(query, 'changes-since');
  if (since !== null) items = items.filter((i) => Date.parse(keys.updatedOf(i)) >= since);
  const before = atLeast(v, '2.66') ? time(query, 'changes-before') : null;
  if (before !== null) items = items.filter((i) => Date.parse(keys.updatedOf(i)) <= before);
  const marker = query.get('marker');
  if (marker !== null) {
    const at = items.findIndex((i) => keys.markerOf(i) === marker);
    if (at < 0) throw new NovaFault(400, `Marker ${marker} could not be found.`);
    items = items.slice(at + 1);
  }
  const limitText = query.get('limit');
  if (limitText === null) return { items, next: null };
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 0)
    throw new NovaFault(400, `Invalid input for query parameters limit. Value: ${limitText}.`);
  const page = items.slice(0, limit);
  const last = page.at(-1);
  if (page.length < limit || last === undefined || limit === 0) return { items: page, next: null };
  const next = new URLSearchParams(query);
  next.set('marker', keys.markerOf(last));
  return { items: page, next: next.toString() };
}

function time(query: URLSearchParams, name: string): number | null {
  const text = query.get(name);
  if (text === null) return null;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(t))
    throw new NovaFault(400, `Invalid input for query parameters ${name}. Value: ${text}.`);
  return t;
}
