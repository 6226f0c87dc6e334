/**
 * The iperf3 client's `--json` report (printed once, when the client ends,
 * also after SIGINT): what the sender sent, per interval and in total. The
 * server's lines only know what arrived; loss after the last packet that
 * arrived (a path that never recovers) is only visible as sent - total.
 */
import { Iperf3Error } from './errors.js';

/** What the driver needs from the client's report. */
export interface ClientReport {
  /** Datagrams sent, all streams. */
  readonly sentPackets: number;
  /** Seconds the client sent for. */
  readonly seconds: number;
  /** Per report interval: start/end seconds and datagrams sent, all streams. */
  readonly intervals: readonly { readonly startS: number; readonly endS: number; readonly packets: number }[];
  /** iperf3's own error, e.g. "interrupt - the client has terminated" after SIGINT. */
  readonly error: string | null;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN);

/** Parse the client's JSON; throws IPERF3_BAD_OUTPUT when it is not an iperf3 UDP report. */
export function parseClientReport(text: string): ClientReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Iperf3Error(
      'IPERF3_BAD_OUTPUT',
      'iperf3 client did not print JSON',
      { output: text.slice(0, 500) },
      {
        cause: e,
      },
    );
  }
  const d = doc as {
    end?: { sum?: { packets?: unknown; seconds?: unknown } };
    intervals?: { sum?: { start?: unknown; end?: unknown; packets?: unknown } }[];
    error?: unknown;
  };
  const sentPackets = num(d.end?.sum?.packets);
  const error = typeof d.error === 'string' ? d.error : null;
  if (Number.isNaN(sentPackets)) {
    throw new Iperf3Error(
      'IPERF3_BAD_OUTPUT',
      `iperf3 client report has no packet count${error ? `: ${error}` : ''}`,
      { output: text.slice(0, 500) },
    );
  }
  return {
    sentPackets,
    seconds: num(d.end?.sum?.seconds),
    intervals: (d.intervals ?? []).map((i) => ({
      startS: num(i.sum?.start),
      endS: num(i.sum?.end),
      packets: num(i.sum?.packets),
    })),
    error,
  };
}
