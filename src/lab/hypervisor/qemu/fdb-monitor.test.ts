import { describe, expect, it } from 'vitest';
import { parseFdbLine } from './fdb-monitor.js';

describe('parseFdbLine', () => {
  it('reads learnt and deleted entries of `bridge monitor fdb`', () => {
    expect(parseFdbLine('52:54:00:d5:00:0b dev h1 master fab0 ')).toEqual({
      mac: '52:54:00:d5:00:0b',
      dev: 'h1',
      deleted: false,
    });
    expect(parseFdbLine('Deleted 52:54:00:d5:00:0b dev h1 master fab0 ')).toEqual({
      mac: '52:54:00:d5:00:0b',
      dev: 'h1',
      deleted: true,
    });
  });

  it("ignores the bridge's own permanent entries and other lines", () => {
    expect(parseFdbLine('02:11:22:33:44:55 dev h2 master fab0 permanent')).toBeNull();
    expect(parseFdbLine('33:33:00:00:00:01 dev fab0 self permanent')).toBeNull();
    expect(parseFdbLine('')).toBeNull();
  });
});
