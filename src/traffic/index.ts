/** Public API of the built-in traffic generator and analyzer. */
export { BuiltinTraffic } from './builtin-traffic.js';
export type { BuiltinTrafficTotals, BuiltinWindowStats } from './stats.js';
export type { BuiltinTrafficOptions } from './options.js';
export { TrafficError, TrafficParamsError, type TrafficErrorCode } from './errors.js';
export {
  computeDisruption,
  disruptionFromTrace,
  frameLossDisruptionMs,
  timestampDisruptionMs,
  withEpisodeDisruption,
  type DisruptionInput,
  type TraceFlow,
} from './disruption.js';
export { episodeGapMs, type BuiltinLossEpisode } from './episodes.js';
export {
  HEADER_BYTES,
  PACKET_MAGIC,
  PACKET_VERSION,
  decodePacket,
  encodePacket,
  isVnflabPacket,
  type PacketHeader,
} from './packet.js';
export { extendSeq } from './sequence.js';
export { validateTrafficParams } from './params.js';
export { LatencyHistogram, LATENCY_PRECISION } from './latency-histogram.js';
export { Timeline, mergeTimelines, TIMELINE_BIN_MS } from './timeline.js';
export { ImpairmentGate, type DropReport } from './impairment-gate.js';
