/**
 * What limits the builtin's rate: CPU per datagram of the sending side alone
 * (the generator sends to a socket nobody reads: the kernel queues and then
 * drops, the receiver thread idles) and of the whole generator + receiver +
 * analyzer path (sink = its own receiver). CPU seconds, not wall time, so a
 * busy machine slows the figures less than it slows zero-loss rates.
 */
import { spawn } from 'node:child_process';
import { BuiltinTraffic } from '../src/traffic/builtin-traffic.js';
import type { TrafficIo } from '../src/traffic/udp-batch.js';
import type { Endpoint } from '../src/util/outcome.js';
import { load1 } from './machine.js';
import { measureWindow } from './window.js';

/** CPU microseconds per datagram of one path at one rate. */
export interface PacketCost {
  readonly io: TrafficIo;
  readonly path: 'send only' | 'send + receive + analyze';
  readonly rateHz: number;
  readonly offeredRateHz: number;
  readonly cpuUsPerPacket: number;
  /** 1 / cost: the rate one fully busy core would reach on this path alone. */
  readonly oneCoreRateHz: number;
  readonly load1: number;
}

async function measure(
  io: TrafficIo,
  target: Endpoint | null,
  rateHz: number,
  windowMs: number,
): Promise<PacketCost> {
  const {
    window: w,
    cpu,
    wallSeconds,
  } = await measureWindow(new BuiltinTraffic({ io }), {
    rateHz,
    windowMs,
    warmUpMs: 300,
    ...(target ? { target } : {}),
  });
  const sent = w?.sent ?? 0;
  const cpuUs = (cpu.self * 1e6) / Math.max(1, sent);
  return {
    io,
    path: target ? 'send only' : 'send + receive + analyze',
    rateHz,
    offeredRateHz: Math.round(w?.offeredRateHz ?? sent / wallSeconds),
    cpuUsPerPacket: Math.round(cpuUs * 100) / 100,
    oneCoreRateHz: Math.round(1e6 / cpuUs),
    load1: load1(),
  };
}

/**
 * Both paths at `rateHz`. The send-only sink lives in a child process, so
 * whatever it costs to drain is not counted as this process's CPU.
 */
export async function perPacketCost(io: TrafficIo, rateHz: number, windowMs: number): Promise<PacketCost[]> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      "const s=require('node:dgram').createSocket('udp4');s.on('message',()=>{});" +
        "s.bind(0,'127.0.0.1',()=>console.log(s.address().port));",
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    });
    const sendOnly = await measure(io, { host: '127.0.0.1', port }, rateHz, windowMs);
    const full = await measure(io, null, rateHz, windowMs);
    return [sendOnly, full];
  } finally {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}
