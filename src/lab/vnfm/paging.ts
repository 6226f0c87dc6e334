/**
 * Paged lists, SOL013 §5.4.2.3 ("alternative 2: paging"): a list answer
 * holds at most one page; when more follow, it carries
 * `Link: <{same URI}&nextpage_opaque_marker={marker}>; rel="next"`
 * (IETF RFC 8288) and the client GETs that URI for the next page, until an
 * answer has no such link. The marker is opaque to the client; here it is
 * the creation number of the page's last item, so a page picks up after it
 * even when items were created or deleted in between.
 */
import { ProblemError } from './problem.js';

/** The query parameter of the next page's marker (SOL013 §5.4.2.3). */
export const NEXTPAGE_MARKER = 'nextpage_opaque_marker';

/** Creation numbers of a store's records, by id: the order pages follow. */
export class Sequence {
  private next = 1;
  private readonly numbers = new Map<string, number>();

  /** Number a new record (once; a second call keeps the first number). */
  stamp(id: string): void {
    if (!this.numbers.has(id)) this.numbers.set(id, this.next++);
  }

  forget(id: string): void {
    this.numbers.delete(id);
  }

  /** The record's number; 0 for one never stamped. */
  of(id: string): number {
    return this.numbers.get(id) ?? 0;
  }
}

export interface Page<T> {
  readonly items: T[];
  /** The `Link` header of the answer, when a next page follows. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The page of `items` (in creation order) that `url` asks for: the first
 * `pageSize` after its marker, with the link to the next page if any.
 * A marker this server did not issue is a 400.
 */
export function pageOf<T>(
  items: readonly T[],
  numberOf: (item: T) => number,
  url: URL,
  pageSize: number,
): Page<T> {
  const marker = url.searchParams.get(NEXTPAGE_MARKER);
  let after = 0;
  if (marker !== null) {
    const decoded = Buffer.from(marker, 'base64url').toString('utf8');
    if (!/^[1-9]\d{0,15}$/.test(decoded))
      throw new ProblemError(400, `${NEXTPAGE_MARKER} '${marker}' is not a marker this API issued`);
    after = Number(decoded);
  }
  const rest = items.filter((item) => numberOf(item) > after);
  const page = rest.slice(0, pageSize);
  const last = page.at(-1);
  if (rest.length <= pageSize || last === undefined) return { items: page, headers: {} };
  const next = new URL(url);
  next.searchParams.set(NEXTPAGE_MARKER, Buffer.from(String(numberOf(last))).toString('base64url'));
  return { items: page, headers: { Link: `<${next.href}>; rel="next"` } };
}
