/**
 * 32-bit wire sequence numbers extended to 64-bit (kept as safe-integer
 * doubles). The 64-bit value chosen is the one closest to a reference (the
 * highest sequence number seen so far): serial number arithmetic as in
 * RFC 1982 and the RTP extended sequence number of RFC 3550 A.1. At 100k
 * packets/s a flow wraps after ~12 hours; reordering of up to 2^31 packets
 * is disambiguated correctly.
 */
export const SEQ_SPACE = 2 ** 32;
const HALF_SPACE = 2 ** 31;

/** The 64-bit sequence number whose low 32 bits are `seq32` and which is closest to `reference` (>= 0). */
export function extendSeq(seq32: number, reference: number): number {
  const candidate = reference - (reference % SEQ_SPACE) + seq32;
  const diff = candidate - reference;
  if (diff > HALF_SPACE) return candidate - SEQ_SPACE;
  if (diff < -HALF_SPACE) return candidate + SEQ_SPACE;
  return candidate;
}
