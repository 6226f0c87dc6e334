/** What the fabric child process serves to its parent over IPC. */
import type { Endpoint } from '../../util/outcome.js';

/** Counters of one VM's port on the fabric. */
export interface FabricPortStats {
  /** Datagrams that arrived on the VM's ingress port. */
  readonly received: number;
  /** Datagrams handed to the VM's current location. */
  readonly delivered: number;
  /** Datagrams that arrived before the fabric had learnt where the VM is. */
  readonly droppedUnknownLocation: number;
  /** Send errors towards the VM (ICMP port unreachable: nobody listens there any more). */
  readonly sendErrors: number;
  /** Locations learnt so far (1 after boot, +1 per move). */
  readonly moves: number;
}

export interface FabricLocation {
  readonly endpoint: Endpoint;
  readonly learntAtNs: string;
}

export interface FabricRpcApi {
  attach(vmId: string): Promise<Endpoint>;
  detach(vmId: string): Promise<void>;
  location(vmId: string): Promise<FabricLocation | null>;
  management(vmId: string): Promise<Endpoint | null>;
  stats(vmId: string): Promise<FabricPortStats | null>;
  shutdown(): Promise<void>;
}

/** The fabric child's ready event. */
export interface FabricReady {
  readonly controlEndpoint: Endpoint;
  /** Niceness the fabric process runs at. */
  readonly nice: number;
}
