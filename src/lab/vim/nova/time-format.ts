/**
 * Nova's timestamp formats: server `created`/`updated` are ISO 8601 to the
 * second with a 'Z'; migrations, instance actions and launched_at are naive
 * UTC with microseconds ("2016-01-29T13:42:02.000000").
 */

/** "2013-09-03T04:01:32Z" */
export function toSecondsZ(iso: string): string {
  return `${iso.slice(0, 19)}Z`;
}

/** "2016-01-29T13:42:02.123000" */
export function toMicros(iso: string): string;
export function toMicros(iso: string | null): string | null;
export function toMicros(iso: string | null): string | null {
  if (iso === null) return null;
  const millis = /\.(\d{1,3})/.exec(iso)?.[1] ?? '000';
  return `${iso.slice(0, 19)}.${millis.padEnd(3, '0')}000`;
}
