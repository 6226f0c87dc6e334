/**
 * Parser of the iperf3 server's text output, line by line as it is printed
 * (`iperf3 -s -i 0.1 --forceflush`): the server is the receiving side, so
 * its interval lines carry what arrived and what it found missing. iperf3
 * 3.x formats (src/iperf_locale.c, report_bw_udp_format / report_outoforder):
 *
 * ```
 * [  5]   0.10-0.20   sec  62.6 KBytes  5.12 Mbits/sec  0.012 ms  0/1001 (0%)
 * [  5]   1.00-1.10   sec  3 datagrams received out-of-order
 * - - - - - - - - - - - - - - - - - - - - - - - - -
 * [  5]   0.00-1.60   sec   812 KBytes  4.16 Mbits/sec  0.007 ms  3002/16002 (19%)  receiver
 * ```
 *
 * "Lost/Total" is counted from sequence numbers: `total` is how far the
 * highest sequence number advanced in the interval, `lost` the numbers it
 * skipped (charged to the interval in which the next packet arrived).
 */

/** One report interval of one stream, or of the [SUM] of parallel streams. */
export interface ServerInterval {
  /** Stream id (the socket number iperf3 prints) or 'SUM'. */
  readonly stream: string;
  /** Seconds since the test started. */
  readonly startS: number;
  readonly endS: number;
  readonly jitterMs: number;
  readonly lost: number;
  readonly total: number;
}

/** What one line of server output says. */
export type ServerLine =
  | { readonly kind: 'listening'; readonly port: number }
  | { readonly kind: 'connected' }
  | ({ readonly kind: 'interval' } & ServerInterval)
  | { readonly kind: 'outOfOrder'; readonly stream: string; readonly startS: number; readonly count: number }
  | { readonly kind: 'separator' }
  | ({ readonly kind: 'summary' } & ServerInterval)
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'other' };

const STREAM = String.raw`^\[\s*(\d+|SUM)\]\S*\s+(\d+(?:\.\d+)?)-\s*(\d+(?:\.\d+)?)\s+sec\s+`;
const UDP_LINE = new RegExp(
  STREAM + String.raw`.*?\s(\d+(?:\.\d+)?) ms\s+(\d+)\/\s*(\d+)\s+\([^)]*\)\s*(receiver|sender)?\s*$`,
);
const OUT_OF_ORDER = new RegExp(STREAM + String.raw`(\d+) datagrams received out-of-order`);

/** Classify one line (without its newline). */
export function parseServerLine(line: string): ServerLine {
  const listening = /^Server listening on (\d+)/.exec(line);
  if (listening) return { kind: 'listening', port: Number(listening[1]) };
  if (/^\[\s*\d+\] local \S+ port \d+ connected to /.test(line)) return { kind: 'connected' };
  if (/^(- )+-?\s*$/.test(line)) return { kind: 'separator' };
  const udp = UDP_LINE.exec(line);
  if (udp) {
    const interval: ServerInterval = {
      stream: udp[1] ?? '',
      startS: Number(udp[2]),
      endS: Number(udp[3]),
      jitterMs: Number(udp[4]),
      lost: Number(udp[5]),
      total: Number(udp[6]),
    };
    return udp[7] ? { kind: 'summary', ...interval } : { kind: 'interval', ...interval };
  }
  const ooo = OUT_OF_ORDER.exec(line);
  if (ooo) return { kind: 'outOfOrder', stream: ooo[1] ?? '', startS: Number(ooo[2]), count: Number(ooo[4]) };
  const error = /^iperf3: error - (.*)$/.exec(line);
  if (error) return { kind: 'error', message: error[1] ?? line };
  return { kind: 'other' };
}

/** Splits a byte stream into lines (iperf3 flushes whole lines, but a pipe may cut them anywhere). */
export class LineSplitter {
  private rest = '';

  /** Feed a chunk; returns the complete lines it finished. */
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((l) => l.replace(/\r$/, ''));
  }
}
