/** Small formatters shared by report.html's sections: escaping, numbers with units, tables. */

export const esc = (v: string | number | boolean | null | undefined): string =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export const ms = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined ? 'n/a' : `${v.toFixed(digits)} ms`;

export const num = (v: number | null | undefined): string =>
  v === null || v === undefined ? 'n/a' : String(v);

/** An instant relative to the trigger, signed ("+812.4 ms", "-1020.0 ms"); `open` where unbounded. */
export function relMs(atMs: number | null | undefined, triggerAtMs: number | null, open = 'open'): string {
  if (atMs === null || atMs === undefined) return open;
  if (triggerAtMs === null) return 'n/a';
  const d = atMs - triggerAtMs;
  return `${d >= 0 ? '+' : '-'}${Math.abs(d).toFixed(1)} ms`;
}

/** A cell already holding markup (not escaped again). */
export interface Raw {
  readonly html: string;
}
export const raw = (html: string): Raw => ({ html });

type Cell = string | number | null | Raw;
const cell = (c: Cell): string => (typeof c === 'object' && c !== null ? c.html : esc(c));

export function table(
  head: readonly string[],
  rows: readonly (readonly Cell[])[],
  attrs = '',
  empty = 'none',
): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  return `<table${attrs === '' ? '' : ` ${attrs}`}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A two-column key / value table; values are markup. */
export function kv(rows: readonly (readonly [string, string])[]): string {
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`).join('')}</tbody></table>`;
}
