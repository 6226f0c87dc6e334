/** What a compute host process serves to its client over IPC. */
import type {
  ComputeHost,
  HostCapacity,
  MigrationParams,
  MigrationProgress,
  SourceMigrationResult,
} from '../hypervisor.js';
import type { Endpoint } from '../../../util/outcome.js';

/** ComputeHost's methods, with migrateOut's progress sent as 'progress' events instead of a callback. */
export type HostRpcApi = Omit<ComputeHost, 'name' | 'capacity' | 'migrateOut'> & {
  migrateOut(vmId: string, params: MigrationParams): Promise<SourceMigrationResult>;
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
