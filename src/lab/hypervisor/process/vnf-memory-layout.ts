/**
 * Where the VNF keeps things in its guest memory: counters in page 0, a
 * packet ring after it (the NIC's receive buffers, written per packet), and
 * the rest for the background workload (its heap, dirtied at random).
 * Because the counters live in guest memory, migration moves them with the
 * memory, and the memory digest covers them.
 */
import { PAGE_SIZE, type GuestMemory } from './guest-memory.js';

/** Byte offsets of the counters in page 0 (little-endian float64, exact up to 2^53). */
export const COUNTER_OFFSET = { received: 0, forwarded: 8, ringCursor: 16 } as const;

const MAX_RING_PAGES = 256; // 1 MiB of packet buffers

export interface VnfMemoryLayout {
  readonly ringStart: number;
  readonly ringEnd: number;
  readonly workloadFirstPage: number;
  readonly workloadPageCount: number;
}

export function vnfMemoryLayout(memory: GuestMemory): VnfMemoryLayout {
  const ringPages = Math.max(1, Math.min(MAX_RING_PAGES, Math.floor((memory.pageCount - 1) / 4)));
  const workloadFirstPage = 1 + ringPages;
  return {
    ringStart: PAGE_SIZE,
    ringEnd: workloadFirstPage * PAGE_SIZE,
    workloadFirstPage,
    workloadPageCount: memory.pageCount - workloadFirstPage,
  };
}
