/** What a compute host process serves to its client over IPC. */
import type {
  ComputeHost,
  HostCapacity,
  MigrationParams,
  MigrationProgress,
  SourceMigrationResult,
  VResourceMoveRequest,
  VResourceMoveResult,
} from '../hypervisor.js';
import type { Endpoint } from '../../../util/outcome.js';

/** ComputeHost's methods, with the progress of migrateOut / moveVResource sent as 'progress' events instead of a callback. */
export type HostRpcApi = Omit<ComputeHost, 'name' | 'capacity' | 'migrateOut' | 'moveVResource'> & {
  migrateOut(vmId: string, params: MigrationParams): Promise<SourceMigrationResult>;
  moveVResource(vmId: string, req: VResourceMoveRequest): Promise<VResourceMoveResult>;
};

/** Event the host emits during migrateOut. */
export const PROGRESS_EVENT = 'progress';
export interface ProgressEvent {
  readonly vmId: string;
  readonly progress: MigrationProgress;
}

/** The host process's init argument. */
export interface HostInit {
  readonly name: string;
  readonly capacity: HostCapacity;
  readonly fabricControl: Endpoint;
}
