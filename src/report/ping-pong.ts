/** How a ping-pong run's moves read: console lines and report.html's section. */
import { MOVE_FIGURES, type PingPongRecord } from '../record/ping-pong.js';
import { esc, ms, table } from './html-format.js';

const f = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toFixed(2));

/** Relative to the move's own trigger: where its switch-over fell. */
function switchOverSpan(m: PingPongRecord['moves'][number]): string {
  const e = m.disruption?.events;
  if (!e || e.pausedAtMs === null) return 'n/a';
  const rel = (v: number | null): string => (v === null ? 'open' : `+${(v - e.triggerAtMs).toFixed(1)}`);
  return `${rel(e.pausedAtMs)} .. ${rel(e.switchedAtMs)} ms`;
}

export function formatPingPong(pp: PingPongRecord): string {
  const lines = [`ping-pong: ${pp.moves.length} of ${pp.movesPlanned} moves`];
  for (const m of pp.moves)
    lines.push(
      `  move ${m.n}: ${m.fromHost ?? '?'} -> ${m.toHost ?? '?'}  disruption ${f(m.serviceDisruptionMs)} ms (timestamps ${f(m.timestampMethodMs)}), switch-over ${f(m.switchOverMs)} ms at ${switchOverSpan(m)} from its trigger, degradation ${f(m.degradationMs)} ms, migration ${f(m.migrationTimeMs)} ms, target's downtime ${f(m.targetDowntimeMs)} ms`,
    );
  const { first, repeats } = pp.firstVersusRepeats;
  lines.push(`  first move versus repeats (moves 2..${pp.moves.length}: mean, min-max, stdev):`);
  for (const k of MOVE_FIGURES) {
    const r = repeats[k];
    lines.push(
      `    ${k.padEnd(20)} first ${f(first?.[k]).padStart(9)}   repeats ${r ? `${f(r.mean)} (${f(r.min)}-${f(r.max)}, sd ${f(r.stdev)}, n ${r.n})` : 'n/a'}`,
    );
  }
  return lines.join('\n');
}

export function pingPongSection(pp: PingPongRecord | undefined): string {
  if (!pp) return '';
  const moves = table(
    [
      'move',
      'from - to',
      'disruption',
      'timestamps',
      'switch-over',
      'switch-over from its trigger',
      'degradation',
      'migration',
      "target's downtime",
    ],
    pp.moves.map((m) => [
      m.n,
      `${m.fromHost ?? '?'} - ${m.toHost ?? '?'}`,
      ms(m.serviceDisruptionMs),
      ms(m.timestampMethodMs),
      ms(m.switchOverMs),
      switchOverSpan(m),
      ms(m.degradationMs),
      ms(m.migrationTimeMs, 0),
      ms(m.targetDowntimeMs),
    ]),
    'id="ping-pong-moves"',
  );
  const { first, repeats } = pp.firstVersusRepeats;
  const vs = table(
    ['figure', 'first move', 'repeats: mean', 'min', 'max', 'stdev', 'n'],
    MOVE_FIGURES.map((k) => [
      k,
      ms(first?.[k]),
      ms(repeats[k]?.mean),
      ms(repeats[k]?.min),
      ms(repeats[k]?.max),
      ms(repeats[k]?.stdev),
      repeats[k]?.n ?? 0,
    ]),
  );
  return `<h2>Ping-pong: ${pp.moves.length} of ${pp.movesPlanned} moves</h2>
<p class="muted">${esc("The same VNF moved back and forth under continuous traffic; each move's loss is placed on its own timeline. The sections above describe the last move.")}</p>
${moves}<h3>First move versus repeats</h3>${vs}`;
}
