/**
 * The embedded lab's own drops, per hop: where the lab (not the system a
 * run measures) lost packets because a queue overflowed. A run on the lab
 * watches them while traffic flows, so a lab overload is never mistaken for
 * migration disruption (the verdict's validity and steps 7 / 10 read them).
 */

/** Drops of one lab process (a hop) in one sampling interval. */
export interface HopDropInterval {
  readonly hop: string;
  /** Monotonic ms (the packets' clock): the drops happened in (fromMs, toMs]. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly drops: number;
  /** Why: the kernel discarded datagrams at a full socket receive queue. */
  readonly cause: 'queue-overflow';
}

export interface LabHopDrops {
  /** The lab processes watched, by hop name ('fabric', 'host compute-1', ...). */
  readonly hops: readonly string[];
  /** Total drops per hop over the watch. */
  readonly totals: Readonly<Record<string, number>>;
  /** Every interval in which some hop dropped, in time order. */
  readonly intervals: readonly HopDropInterval[];
  /** The sampling period, ms: how precisely a drop is placed in time. */
  readonly sampleEveryMs: number;
  /** False where the lab's processes could not be read (not Linux, or gone): nothing is known. */
  readonly observed: boolean;
}

export interface LabDropWatch {
  /** Start watching (idempotent): drops before this do not count. */
  start(): Promise<void>;
  /** What was seen so far; the watch goes on. */
  snapshot(): Promise<LabHopDrops>;
  /** A last look, then stop (idempotent). */
  stop(): Promise<LabHopDrops>;
}

/** Drops of `d` in intervals that overlap [fromMs, toMs], per hop. */
export function labDropsIn(d: LabHopDrops, fromMs: number, toMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of d.intervals)
    if (i.toMs >= fromMs && i.fromMs <= toMs) out[i.hop] = (out[i.hop] ?? 0) + i.drops;
  return out;
}

/** "fabric 800, host compute-1 88" */
export function describeHopDrops(byHop: Readonly<Record<string, number>>): string {
  return Object.entries(byHop)
    .filter(([, n]) => n > 0)
    .map(([hop, n]) => `${hop} ${n}`)
    .join(', ');
}
