/**
 * Worker thread of a migration source (page-pump.ts): owns the TCP stream
 * to the destination and copies pages and volume blocks out of the shared
 * guest memory, paced by max-bandwidth. It is QEMU's migration thread: the
 * VNF (the "vCPU") keeps forwarding on the host's main thread while this
 * thread copies, and writes the dirty log there as it goes.
 */
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { VnflabBugError } from '../../../util/errors.js';
import { HostError, toWireError } from './errors.js';
import { PAGE_SIZE } from './guest-memory.js';
import { bulkWorkNice } from './ipc/priority.js';
import { MigrationChannel } from './migration-channel.js';
import { encodeBlocksFrame, encodePagesFrame } from './migration-frames.js';
import type { PumpCounters, PumpEvent, PumpMessage, PumpSetup } from './page-pump.js';
import { TokenBucket } from './token-bucket.js';
import { BLOCK_SIZE } from './volume.js';

/** Pages per PAGES frame: 256 KiB, about 1 ms at the default 256 MiB/s. */
const PAGES_PER_FRAME = 64;
/** Volume blocks per BLOCKS frame: 256 KiB, like a PAGES frame. */
const BLOCKS_PER_FRAME = 4;
/** Burst of the rate limiter: a few frames. */
const BURST_BYTES = 4 * PAGES_PER_FRAME * PAGE_SIZE;
/** Counters go to the main thread at most this often while a job runs. */
const COUNTERS_EVERY_MS = 20;

const port = parentPort;
if (port === null) throw new VnflabBugError('page-pump-worker must run as a worker thread');
// Copying is bulk work: below the VNF and the fabric, as a hypervisor's
// migration thread yields to vCPU and vhost threads (Linux: this thread only).
// On the 2-core lab machine a copier at the VNF's priority took the CPU the
// VNF needed to keep up with 10k packets/s.
try {
  os.setPriority(bulkWorkNice());
} catch {
  // Not permitted: keep the inherited priority.
}
/** Set by the connect job: one thread serves one migration. */
let setup: {
  readonly memory: { readonly bytes: Buffer };
  readonly volume: { readonly bytes: Buffer } | null;
  readonly bucket: TokenBucket;
} | null = null;
const counters: { -readonly [K in keyof PumpCounters]: PumpCounters[K] } = {
  bytesSent: 0,
  pagesSent: 0,
  blocksSent: 0,
  pagesLeftInJob: 0,
};
let lastCountersMs = 0;
let channel: MigrationChannel | null = null;
/** Jobs run one after the other, in the order the main thread sent them. */
let queue: Promise<void> = Promise.resolve();

const post = (e: PumpEvent): void => port.postMessage(e);

function postCounters(force: boolean): void {
  const nowMs = performance.now();
  if (!force && nowMs - lastCountersMs < COUNTERS_EVERY_MS) return;
  lastCountersMs = nowMs;
  counters.bytesSent = channel?.bytesSent ?? 0;
  post({ op: 'counters', counters: { ...counters } });
}

function open(): MigrationChannel {
  if (channel === null) throw new VnflabBugError('not connected');
  const closed = channel.closed;
  if (closed !== null) throw new HostError('MIGRATION_STREAM_CLOSED', closed);
  return channel;
}

/** Wait out the rate limiter; in any case let this thread's loop run (a cancel must get through). */
function pace(bytes: number): Promise<void> {
  const waitMs = session().bucket.take(bytes);
  return new Promise((resolve) => {
    if (waitMs >= 1) setTimeout(resolve, waitMs);
    else setImmediate(resolve);
  });
}

function session(): NonNullable<typeof setup> {
  if (setup === null) throw new VnflabBugError('not connected');
  return setup;
}

async function sendPages(pages: Uint32Array): Promise<void> {
  const { memory } = session();
  for (let at = 0; at < pages.length; at += PAGES_PER_FRAME) {
    const end = Math.min(at + PAGES_PER_FRAME, pages.length);
    await pace(4 + (end - at) * (4 + PAGE_SIZE) + 5);
    // Copy the pages as they are now; a page the VNF writes after this is dirty again.
    await open().send(encodePagesFrame(memory, pages, at, end));
    counters.pagesSent += end - at;
    counters.pagesLeftInJob = pages.length - end;
    postCounters(false);
  }
}

async function sendBlocks(blocks: Uint32Array): Promise<void> {
  const { volume } = session();
  if (volume === null) throw new VnflabBugError('this VM has no volume');
  for (let at = 0; at < blocks.length; at += BLOCKS_PER_FRAME) {
    const end = Math.min(at + BLOCKS_PER_FRAME, blocks.length);
    await pace(4 + (end - at) * (4 + BLOCK_SIZE) + 5);
    await open().send(encodeBlocksFrame(volume, blocks, at, end));
    counters.blocksSent += end - at;
    postCounters(false);
  }
}

async function run(command: Exclude<PumpMessage, { op: 'end' }>): Promise<void> {
  switch (command.op) {
    case 'connect':
      if (setup !== null) throw new VnflabBugError('this migration thread is in use');
      setup = connectSetup(command.setup);
      channel = await MigrationChannel.connect(command.setup.dest, (type, body) =>
        // The body is only valid during the call: copy it out.
        post({ op: 'frame', type, body: Uint8Array.from(body) }),
      );
      channel.onClose((reason) => post({ op: 'closed', reason }));
      return;
    case 'frame':
      await open().send(Buffer.from(command.frame));
      return;
    case 'pages':
      await sendPages(command.pages);
      return;
    case 'blocks':
      await sendBlocks(command.blocks);
      return;
  }
}

function connectSetup(s: PumpSetup): NonNullable<typeof setup> {
  return {
    memory: { bytes: Buffer.from(s.memory) },
    volume: s.volume === null ? null : { bytes: Buffer.from(s.volume) },
    bucket: new TokenBucket(s.bandwidthBytesPerSec, BURST_BYTES),
  };
}

port.on('message', (command: PumpMessage) => {
  if (command.op === 'end') {
    // Not queued: a cancel must overtake the pages still to go.
    if (channel === null) post({ op: 'closed', reason: command.reason });
    else channel.end(command.reason, command.last === null ? undefined : Buffer.from(command.last));
    return;
  }
  const job = command;
  queue = queue.then(async () => {
    try {
      await run(job);
      postCounters(true);
      post({ op: 'done', id: job.id });
    } catch (err) {
      postCounters(true);
      post({ op: 'failed', id: job.id, error: toWireError(err) });
    }
  });
});
