/**
 * Validation of the spec's trafficConfigParameter and of the builtin's own
 * options. Errors name the field as the config file does
 * (`traffic.packetSizeBytes must be >= 32`).
 */
import type { LoadLevel, TrafficParams } from '../ports/traffic.js';
import { TrafficParamsError } from './errors.js';
import { HEADER_BYTES } from './packet.js';

/** Largest UDP payload over IPv4 (65535 - 20 IP - 8 UDP). */
export const MAX_PACKET_BYTES = 65_507;
/** Flow ids are 16 bits on the wire; more flows than this make no sense on one machine. */
export const MAX_FLOWS = 1024;

function check(ok: boolean, field: string, message: string): void {
  if (!ok) throw new TrafficParamsError(field, message);
}

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

/** Validate `params` and return the rate of `level`, packets/s. */
export function validateTrafficParams(level: LoadLevel, params: TrafficParams): number {
  check(typeof params === 'object' && params !== null, 'traffic', 'must be an object');
  const rates = params.loadLevels as unknown as Partial<Record<string, unknown>> | undefined;
  check(typeof rates === 'object' && rates !== null, 'traffic.loadLevels', 'must be an object');
  check(
    level === 'LOW' || level === 'NORMAL' || level === 'MAX',
    'traffic.loadLevel',
    `must be LOW, NORMAL or MAX, got ${String(level)}`,
  );
  const rateHz = rates?.[level];
  check(
    typeof rateHz === 'number' && Number.isFinite(rateHz) && rateHz > 0,
    `traffic.loadLevels.${level}`,
    `must be a positive number of packets/s, got ${String(rateHz)}`,
  );
  check(
    isInt(params.packetSizeBytes),
    'traffic.packetSizeBytes',
    `must be an integer, got ${String(params.packetSizeBytes)}`,
  );
  check(
    params.packetSizeBytes >= HEADER_BYTES,
    'traffic.packetSizeBytes',
    `must be >= ${HEADER_BYTES} (the vnflab header)`,
  );
  check(
    params.packetSizeBytes <= MAX_PACKET_BYTES,
    'traffic.packetSizeBytes',
    `must be <= ${MAX_PACKET_BYTES}`,
  );
  check(
    isInt(params.flows) && params.flows >= 1,
    'traffic.flows',
    `must be an integer >= 1, got ${String(params.flows)}`,
  );
  check(params.flows <= MAX_FLOWS, 'traffic.flows', `must be <= ${MAX_FLOWS}`);
  const target = params.target as unknown as Partial<Record<string, unknown>> | undefined;
  check(typeof target === 'object' && target !== null, 'traffic.target', 'must be {host, port}');
  check(
    typeof target?.host === 'string' && target.host.length > 0,
    'traffic.target.host',
    'must be a non-empty string',
  );
  check(
    isInt(target?.port) && target.port >= 1 && target.port <= 65_535,
    'traffic.target.port',
    `must be an integer in 1..65535, got ${String(target?.port)}`,
  );
  check(
    params.durationMs === undefined || (Number.isFinite(params.durationMs) && params.durationMs > 0),
    'traffic.durationMs',
    `must be a positive number of ms (or left out: until stopped), got ${String(params.durationMs)}`,
  );
  return rateHz as number;
}
