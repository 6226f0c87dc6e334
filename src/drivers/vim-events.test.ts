import { describe, expect, it } from 'vitest';
import { parseUtc, toVimEvents } from './vim-events.js';

describe('VIM events on the harness clock', () => {
  it('reads naive timestamps as UTC and keeps milliseconds of microsecond strings', () => {
    expect(parseUtc('2016-01-29T13:42:02.000000')).toBe(Date.UTC(2016, 0, 29, 13, 42, 2));
    expect(parseUtc('2018-04-25T01:26:36.790544')).toBe(Date.UTC(2018, 3, 25, 1, 26, 36, 790));
    expect(parseUtc('1986-01-01T01:01:01Z')).toBe(Date.UTC(1986, 0, 1, 1, 1, 1));
    expect(parseUtc('2020-01-01T02:00:00+02:00')).toBe(Date.UTC(2020, 0, 1));
    expect(parseUtc('not a time')).toBeNull();
    expect(parseUtc(null)).toBeNull();
    expect(parseUtc('')).toBeNull();
  });

  it('converts through the pair, adds resolution, offset allowance and the pair error to the precision', () => {
    const pair = { wallMs: Date.UTC(2026, 0, 1, 0, 0, 10), monoMs: 50_000 };
    const ev = toVimEvents(
      [
        { name: 'end', marks: 'moveEnd', source: 's', at: '2026-01-01T00:00:08Z', resolutionMs: 1000 },
        { name: 'start', marks: 'moveStart', source: 's', at: '2026-01-01T00:00:02.500000', resolutionMs: 1 },
        { name: 'gone', marks: 'info', source: 's', at: null, resolutionMs: 1000 },
      ],
      { clockOffsetAllowanceMs: 20, notOffered: ['x: HTTP 404'], pair },
    );
    expect(ev.events.map((e) => [e.name, e.atMs, e.precisionMs])).toEqual([
      ['start', 42_500, 22],
      ['end', 48_000, 1021],
    ]);
    expect(ev.clock).toEqual({ at: '2026-01-01T00:00:10.000Z', monoMs: 50_000 });
    expect(ev.notOffered).toEqual(['x: HTTP 404']);
    expect(ev.clockOffsetAllowanceMs).toBe(20);
  });
});
