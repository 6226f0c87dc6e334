/**
 * `traffic.driver: none`: no traffic generator. For a target with no data
 * plane to measure (Nova's fake virt driver, a control-plane check of a
 * cloud): the MIGRATE steps that send or judge traffic are SKIPPED with
 * NO_TRAFFIC_REASON (ports/traffic.ts), never PASS, and the verdict says the run
 * covered the control plane only. No method but prepare and close may be
 * called: the steps skip before reaching the port.
 */
import type { Disruption, Traffic, TrafficTotals, WindowStats } from '../ports/traffic.js';
import type { Endpoint } from '../util/outcome.js';
import { VnflabBugError } from '../util/errors.js';

/** The discard port (RFC 863): where a lab VNF would forward, were there traffic. */
const DISCARD: Endpoint = { host: '127.0.0.1', port: 9 };

export class NoTraffic implements Traffic {
  readonly name = 'none';

  prepare(): Promise<{ sink: Endpoint }> {
    return Promise.resolve({ sink: DISCARD });
  }
  configTrafficLoad(): Promise<void> {
    return this.never('configTrafficLoad');
  }
  startTraffic(): Promise<void> {
    return this.never('startTraffic');
  }
  doesTrafficFlow(): Promise<boolean> {
    return this.never('doesTrafficFlow');
  }
  anyTrafficLoss(): Promise<boolean> {
    return this.never('anyTrafficLoss');
  }
  clearCounters(): Promise<WindowStats | null> {
    return this.never('clearCounters');
  }
  readWindow(): Promise<WindowStats> {
    return this.never('readWindow');
  }
  getWindow(): Promise<WindowStats | null> {
    return Promise.resolve(null);
  }
  calculateServiceDisruptionLength(): Promise<Disruption | null> {
    return Promise.resolve(null);
  }
  stopTraffic(): Promise<TrafficTotals> {
    return this.never('stopTraffic');
  }
  close(): Promise<void> {
    return Promise.resolve();
  }

  private never(method: string): Promise<never> {
    return Promise.reject(
      new VnflabBugError(
        `traffic.driver none: ${method} called; every traffic step should have been skipped`,
      ),
    );
  }
}
