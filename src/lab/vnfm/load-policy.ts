/**
 * The lab VNFM's load policy (trigger type `load`, DESIGN.md "Who moves the
 * VNF"): the VNFM watches each running VNFC server's packet rate and
 * live-migrates a server whose rate stayed above `thresholdPps` for
 * `sustainMs`, recording the initiator POLICY. After a trigger the server is
 * left alone for `cooldownMs` (the cooldown of Heat / Senlin / Tacker
 * scaling policies), then its rate must again stay high for a whole
 * `sustainMs` before the next one. Without the cooldown a move that leaves
 * the load where it was (a vNIC or vStorage move within the host, or a host
 * as loaded as the last) is followed by another one `sustainMs` later: the
 * lab moved the port again while TC_VNF_MIGRATE_002's step 10 watched the
 * traffic after the migration, and lost packets there.
 */
import type { VResourceType } from '../../ports/vnfm.js';
import { monoMs } from '../../util/clock.js';
import { InvalidArgumentError } from '../../util/errors.js';

/** Where the policy reads load from (the lab VIM's per-server packet counters). */
export interface LoadSource {
  /** Packets per second the server is handling now (a rate over the source's own recent window). */
  packetRateHz(serverId: string): Promise<number>;
}

export interface LoadPolicyConfig {
  /** A server above this many packets per second is loaded. */
  readonly thresholdPps: number;
  /** How long it must stay loaded before the VNFM migrates it. */
  readonly sustainMs: number;
  /**
   * The vResource type the policy moves (the operator's policy names it; the
   * spec's tcInput.vResourceType when a test case configures it). Default 'any'.
   */
  readonly vResourceType?: VResourceType;
  /** After a trigger, how long the policy leaves that server alone. Default DEFAULT_COOLDOWN_MS. */
  readonly cooldownMs?: number;
  /** Sampling period. Default: a quarter of sustainMs, between 20 and 1000 ms. */
  readonly pollIntervalMs?: number;
}

/** A server the policy watches. */
export interface WatchedServer {
  readonly vnfInstanceId: string;
  readonly serverId: string;
}

/** Something the policy did or could not do, for tests and diagnosis. */
export type LoadPolicyEvent =
  | {
      readonly type: 'triggered';
      readonly vnfInstanceId: string;
      readonly serverId: string;
      readonly rateHz: number;
    }
  | {
      readonly type: 'migrate-failed';
      readonly vnfInstanceId: string;
      readonly serverId: string;
      readonly error: string;
    }
  | { readonly type: 'sample-failed'; readonly serverId: string; readonly error: string };

export interface LoadPolicyDeps {
  readonly source: LoadSource;
  /** The servers to watch now (running VNFCs). */
  servers(): readonly WatchedServer[];
  /** Start migrating one server on the policy's behalf. */
  migrate(target: WatchedServer): Promise<void>;
}

/** Heat's default scaling-policy cooldown. */
export const DEFAULT_COOLDOWN_MS = 60_000;
/** How long the load must stay above the threshold, by default (`lab.loadPolicy.sustainMs`). */
export const DEFAULT_SUSTAIN_MS = 1_000;

/** Keep this many events. */
const KEPT_EVENTS = 100;

export class LoadPolicy {
  /** When each server's rate went (and stayed) above the threshold, monotonic ms. */
  private readonly aboveSinceMs = new Map<string, number>();
  /** Until when (monotonic ms) each recently migrated server is left alone. */
  private readonly coolingUntilMs = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private tick: Promise<void> | null = null;
  private stopped = false;
  readonly events: LoadPolicyEvent[] = [];

  constructor(
    private readonly config: LoadPolicyConfig,
    private readonly deps: LoadPolicyDeps,
  ) {
    if (!(config.thresholdPps >= 0) || !(config.sustainMs >= 0) || !((config.cooldownMs ?? 0) >= 0)) {
      throw new InvalidArgumentError(
        `load policy needs thresholdPps, sustainMs and cooldownMs >= 0, got ${JSON.stringify(config)}`,
      );
    }
  }

  get pollIntervalMs(): number {
    return this.config.pollIntervalMs ?? Math.min(1000, Math.max(20, this.config.sustainMs / 4));
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const loop = (): void => {
      this.tick = this.sample().finally(() => {
        this.tick = null;
        if (!this.stopped) this.timer = setTimeout(loop, this.pollIntervalMs);
      });
    };
    this.timer = setTimeout(loop, this.pollIntervalMs);
  }

  /** Stop sampling; resolves once a sample in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.tick;
  }

  /** One sampling round over every watched server (exposed so tests can step it). */
  async sample(nowMs = monoMs()): Promise<void> {
    const servers = this.deps.servers();
    const watched = new Set(servers.map((s) => s.serverId));
    for (const id of this.aboveSinceMs.keys()) if (!watched.has(id)) this.aboveSinceMs.delete(id);
    for (const [id, until] of this.coolingUntilMs)
      if (!watched.has(id) || nowMs >= until) this.coolingUntilMs.delete(id);
    for (const target of servers) {
      if (this.coolingUntilMs.has(target.serverId)) continue;
      let rateHz: number;
      try {
        rateHz = await this.deps.source.packetRateHz(target.serverId);
      } catch (err) {
        // No reading is no evidence of sustained load: start over.
        this.aboveSinceMs.delete(target.serverId);
        this.record({ type: 'sample-failed', serverId: target.serverId, error: String(err) });
        continue;
      }
      if (!(rateHz > this.config.thresholdPps)) {
        this.aboveSinceMs.delete(target.serverId);
        continue;
      }
      const since = this.aboveSinceMs.get(target.serverId);
      if (since === undefined) {
        this.aboveSinceMs.set(target.serverId, nowMs);
        if (this.config.sustainMs > 0) continue;
      } else if (nowMs - since < this.config.sustainMs) continue;
      this.aboveSinceMs.delete(target.serverId);
      const cooldownMs = this.config.cooldownMs ?? DEFAULT_COOLDOWN_MS;
      if (cooldownMs > 0) this.coolingUntilMs.set(target.serverId, nowMs + cooldownMs);
      this.record({ type: 'triggered', ...target, rateHz });
      try {
        await this.deps.migrate(target);
      } catch (err) {
        // Nothing moved: no cooldown (Heat starts one only after an adjustment).
        this.coolingUntilMs.delete(target.serverId);
        this.record({
          type: 'migrate-failed',
          ...target,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  private record(event: LoadPolicyEvent): void {
    this.events.push(event);
    if (this.events.length > KEPT_EVENTS) this.events.shift();
  }
}
