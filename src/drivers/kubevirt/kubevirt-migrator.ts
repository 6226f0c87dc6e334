/**
 * Migrator over KubeVirt: the spec's VNFM.Migration made as the call a VNFM
 * on KubeVirt makes on its behalf (DESIGN.md "Who moves the VNF").
 *
 * Mapping: `subject.computeResourceIds` are VMI names (`name` in the
 * configured namespace, or `namespace/name`) - a VNFM on KubeVirt reports a
 * VNFC's VMI as its compute resource. The vResources a VMI holds on a node
 * are its virt-launcher pod: findAllocatedVResources takes VMI names and
 * virt-launcher pod names.
 *
 * - trigger: one `VirtualMachineInstanceMigration` (kubevirt.io/v1,
 *   `spec.vmiName`) per VMI; a target node goes into `spec.addedNodeSelector`
 *   as `kubernetes.io/hostname`;
 * - validate: the VMIM's `status.phase` (Pending, Scheduling, Scheduled,
 *   PreparingTarget, TargetReady, Running, Succeeded / Failed) and the VMI's
 *   `status.migrationState` (see migration-status.ts);
 * - report: `migrationState` source / target node, start / end timestamps
 *   (whole seconds: `metav1.Time`), and every timestamp of the VMIM and the
 *   migration state as VIM events (kubevirt-events.ts); KubeVirt reports no downtime, bytes or
 *   iterations in the API (only as Prometheus metrics), so those are null;
 * - abort: delete the VMIM (KubeVirt aborts a running migration then).
 */
import type {
  MigrationHandle,
  MigrationProgress,
  MigrationReport,
  MigrationStatus,
  MigrationSubject,
  MigrationType,
  Migrator,
} from '../../ports/migrator.js';
import type { VResourceType } from '../../ports/vnfm.js';
import { KubevirtError } from './errors.js';
import { KubevirtApi } from './kubevirt-api.js';
import { loadKubeAccess, type KubeAccessConfig } from './kube-config.js';
import { decodeHandleId, encodeHandleId, parseResourceRef, type Leg } from './migration-handle.js';
import { combineStatuses, legStatus, stateOf } from './migration-status.js';
import { combineDecisions, migrationTypeOfVmi } from './migration-type.js';
import { progressOfLegs } from './migration-progress.js';
import {
  KUBEVIRT_GROUP,
  KUBEVIRT_VERSION,
  POD_TERMINAL_PHASES,
  timeMs,
  VMI_TERMINAL_PHASES,
  VMIM_FINAL_PHASES,
  type Vmi,
  type Vmim,
} from './resources.js';
import { MultipleErrors } from '../../util/errors.js';
import { DEFAULT_CLOCK_OFFSET_ALLOWANCE_MS, toVimEvents } from '../vim-events.js';
import { kubevirtVimEvents } from './kubevirt-events.js';

export interface KubevirtMigratorConfig extends KubeAccessConfig {
  /** Deadline of one Kubernetes API request, ms (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Offset allowed between the nodes' clocks and the harness's, ms (default 1 s): part of every event's precision. */
  readonly clockOffsetAllowanceMs?: number;
}

/** The node label a target host is selected by (well-known label, set by the kubelet). */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
/** Annotation naming the VNF instance a VMIM was made for. */
export const VNF_INSTANCE_ANNOTATION = 'vnflab.io/vnf-instance-id';

export class KubevirtMigrator implements Migrator {
  readonly name = 'kubevirt';
  /** Namespace of bare VMI names. */
  readonly namespace: string;
  /** API server URL. */
  readonly server: string;
  private readonly api: KubevirtApi;
  private readonly clockOffsetAllowanceMs: number;

  /** Throws KUBEVIRT_CONFIG_INVALID when the kubeconfig / in-cluster config cannot be loaded. */
  constructor(config: KubevirtMigratorConfig = {}, pathPrefix?: string) {
    const access = loadKubeAccess(config, pathPrefix);
    this.namespace = access.namespace;
    this.server = access.server;
    this.api = new KubevirtApi(access.kubeConfig, config.requestTimeoutMs);
    this.clockOffsetAllowanceMs = config.clockOffsetAllowanceMs ?? DEFAULT_CLOCK_OFFSET_ALLOWANCE_MS;
  }

  async getMigrationType(subject: MigrationSubject): Promise<{ type: MigrationType; reason: string }> {
    const decisions = await Promise.all(
      subject.computeResourceIds.map(async (id) => {
        const ref = this.ref(id);
        return migrationTypeOfVmi(
          `${ref.namespace}/${ref.name}`,
          await this.api.getVmi(ref.namespace, ref.name),
        );
      }),
    );
    return combineDecisions(decisions);
  }

  /**
   * Creates one VMIM per VMI of the subject. Refused (KUBEVIRT_NOT_MIGRATABLE)
   * unless every VMI is live-migratable, and (KUBEVIRT_MIGRATION_IN_PROGRESS)
   * while a VMI has an unfinished VMIM. If a later VMIM cannot be created the
   * earlier ones are deleted again.
   */
  async triggerMigration(
    subject: MigrationSubject,
    vResourceType: VResourceType,
    opts: { targetHost?: string } = {},
  ): Promise<MigrationHandle> {
    const decision = await this.getMigrationType(subject);
    if (decision.type !== 'LIVE_MIGRATION')
      throw new KubevirtError('KUBEVIRT_NOT_MIGRATABLE', `cannot migrate: ${decision.reason}`);
    const refs = subject.computeResourceIds.map((id) => this.ref(id));
    for (const ref of refs) await this.refuseInFlight(ref.namespace, ref.name);
    const legs: Leg[] = [];
    try {
      for (const ref of refs) legs.push(await this.createLeg(ref, subject.vnfInstanceId, opts.targetHost));
    } catch (e) {
      await Promise.allSettled(legs.map((leg) => this.api.deleteVmim(leg.namespace, leg.vmimName)));
      throw e;
    }
    return { id: encodeHandleId(legs), subject, vResourceType, type: 'LIVE_MIGRATION' };
  }

  async validateMigrationSuccess(handle: MigrationHandle): Promise<MigrationStatus> {
    const statuses = await Promise.all(
      decodeHandleId(handle.id).map(async (leg) => {
        const { vmi, vmim } = await this.read(leg);
        return legStatus(leg, vmi, vmim);
      }),
    );
    return combineStatuses(statuses);
  }

  /** Each leg's VMIM phase (and pre/post-copy mode): KubeVirt's API shows no bytes copied. */
  async readMigrationProgress(handle: MigrationHandle): Promise<MigrationProgress | null> {
    const legs = await Promise.all(
      decodeHandleId(handle.id).map(async (leg) => {
        const { vmi, vmim } = await this.read(leg);
        return { vmim, state: stateOf(leg, vmi, vmim) };
      }),
    );
    return progressOfLegs(legs);
  }

  /**
   * From the first leg's migration state (all legs in `details.legs`).
   * `totalTimeMs` is end - start of `migrationState`, whole seconds;
   * `setupTimeMs` Pending to Running of the VMIM's phase transitions.
   */
  async getMigrationReport(handle: MigrationHandle): Promise<MigrationReport> {
    const legs = await Promise.all(
      decodeHandleId(handle.id).map(async (leg) => {
        const { vmi, vmim } = await this.read(leg);
        const status = legStatus(leg, vmi, vmim);
        if (status.state === 'IN_PROGRESS')
          throw new KubevirtError(
            'KUBEVIRT_MIGRATION_IN_PROGRESS',
            `migration ${leg.vmimName} of VMI ${leg.vmiName} is still ${vmim?.status.phase ?? 'running'}`,
          );
        return { leg, vmi, vmim, state: stateOf(leg, vmi, vmim) };
      }),
    );
    const [first] = legs;
    if (first === undefined)
      throw new KubevirtError('KUBEVIRT_BAD_HANDLE', `handle ${handle.id} has no migrations`);
    const start = timeMs(first.state?.startTimestamp);
    const end = timeMs(first.state?.endTimestamp);
    const transitions = first.vmim?.status.phaseTransitionTimestamps ?? [];
    const at = (phase: string): number | null =>
      timeMs(transitions.find((t) => t.phase === phase)?.phaseTransitionTimestamp);
    const pending = at('Pending');
    const running = at('Running');
    return {
      type: 'LIVE',
      // Aborted before it started: the VMI never left the node it is on.
      fromHost: first.state?.sourceNode ?? first.vmi?.status.nodeName ?? '',
      toHost: first.state?.targetNode ?? '',
      downtimeMs: null,
      totalTimeMs: start !== null && end !== null ? end - start : null,
      setupTimeMs: pending !== null && running !== null ? running - pending : null,
      bytesTransferred: null,
      rounds: null,
      memoryVerified: null,
      timeline: null,
      vimEvents: toVimEvents(
        legs.flatMap(({ leg, vmim, state }) =>
          kubevirtVimEvents(`${leg.namespace}/${leg.vmiName}`, vmim, state),
        ),
        { clockOffsetAllowanceMs: this.clockOffsetAllowanceMs },
      ),
      details: {
        timestampResolutionMs: 1000,
        legs: legs.map(({ leg, vmi, vmim, state }) => ({
          vmi: `${leg.namespace}/${leg.vmiName}`,
          vmim: leg.vmimName,
          migrationUid: leg.vmimUid,
          phase: vmim?.status.phase ?? null,
          phaseTransitionTimestamps: vmim?.status.phaseTransitionTimestamps ?? [],
          migrationMethod: vmi?.status.migrationMethod ?? null,
          migrationState: state,
        })),
      },
    };
  }

  /**
   * Deletes each leg's VMIM unless it already reached Succeeded / Failed
   * (then its record stays readable and nothing is left to abort).
   */
  async abortMigration(handle: MigrationHandle): Promise<void> {
    const errors: unknown[] = [];
    for (const leg of decodeHandleId(handle.id)) {
      try {
        const vmim = await this.api.getVmim(leg.namespace, leg.vmimName);
        if (vmim === null || vmim.metadata.uid !== leg.vmimUid) continue;
        if (VMIM_FINAL_PHASES.includes(vmim.status.phase ?? '')) continue;
        await this.api.deleteVmim(leg.namespace, leg.vmimName);
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new MultipleErrors(errors, 'some VMIMs could not be deleted');
  }

  /**
   * Of VMI names and virt-launcher pod names (bare or `namespace/name`), those
   * that exist and are not finished: a pod in Succeeded / Failed (the source
   * virt-launcher after a migration) no longer holds node resources.
   */
  async findAllocatedVResources(ids: readonly string[]): Promise<string[]> {
    const held = await Promise.all(
      ids.map(async (id) => {
        const { namespace, name } = this.ref(id);
        const podPhase = await this.api.podPhase(namespace, name);
        if (podPhase !== null) return !POD_TERMINAL_PHASES.includes(podPhase);
        const vmi = await this.api.getVmi(namespace, name);
        return vmi !== null && !VMI_TERMINAL_PHASES.includes(vmi.status.phase ?? '');
      }),
    );
    return ids.filter((_, i) => held[i] === true);
  }

  /** client-node opens a connection per request and keeps nothing: nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private ref(id: string): { namespace: string; name: string } {
    return parseResourceRef(id, this.namespace);
  }

  /**
   * VMIM first, then VMI: virt-controller moves the VMIM to Succeeded / Failed
   * only after the VMI's migrationState says so, so a VMI read after the VMIM
   * is at least as new (read together, a final VMIM could meet a VMI from
   * before the end, without its failureReason).
   */
  private async read(leg: Leg): Promise<{ vmi: Vmi | null; vmim: Vmim | null }> {
    const vmim = await this.api.getVmim(leg.namespace, leg.vmimName);
    const vmi = await this.api.getVmi(leg.namespace, leg.vmiName);
    // A VMIM of the same name made later is not ours.
    return { vmi, vmim: vmim !== null && vmim.metadata.uid === leg.vmimUid ? vmim : null };
  }

  /** KubeVirt's admission refuses a second VMIM too; checking first names the running one. */
  private async refuseInFlight(namespace: string, vmiName: string): Promise<void> {
    const running = (await this.api.listVmims(namespace)).find(
      (m) => m.spec.vmiName === vmiName && !VMIM_FINAL_PHASES.includes(m.status.phase ?? ''),
    );
    if (running !== undefined)
      throw new KubevirtError(
        'KUBEVIRT_MIGRATION_IN_PROGRESS',
        `VMI ${namespace}/${vmiName} is being migrated by VMIM ${running.metadata.name} (${running.status.phase ?? 'new'})`,
      );
  }

  private async createLeg(
    ref: { namespace: string; name: string },
    vnfInstanceId: string,
    targetHost: string | undefined,
  ): Promise<Leg> {
    const body = {
      apiVersion: `${KUBEVIRT_GROUP}/${KUBEVIRT_VERSION}`,
      kind: 'VirtualMachineInstanceMigration',
      metadata: {
        // generateName: a fresh name per attempt, so a retry never meets the last attempt's VMIM.
        generateName: `vnflab-${ref.name.slice(0, 40)}-`,
        labels: { 'app.kubernetes.io/managed-by': 'vnflab' },
        annotations: { [VNF_INSTANCE_ANNOTATION]: vnfInstanceId },
      },
      spec: {
        vmiName: ref.name,
        ...(targetHost === undefined ? {} : { addedNodeSelector: { [HOSTNAME_LABEL]: targetHost } }),
      },
    };
    const vmim = await this.api.createVmim(ref.namespace, body);
    const uid = vmim.metadata.uid;
    if (uid === undefined)
      throw new KubevirtError(
        'KUBEVIRT_BAD_RESPONSE',
        `created VMIM ${vmim.metadata.name} has no metadata.uid`,
      );
    if (targetHost !== undefined && vmim.spec.addedNodeSelector?.[HOSTNAME_LABEL] !== targetHost) {
      // The CRD pruned the field: this KubeVirt cannot aim at a node, and the VMIM would go anywhere.
      await this.api.deleteVmim(ref.namespace, vmim.metadata.name);
      throw new KubevirtError(
        'KUBEVIRT_TARGET_NODE_UNSUPPORTED',
        `this KubeVirt dropped spec.addedNodeSelector: it cannot migrate VMI ${ref.name} to node ${targetHost}`,
      );
    }
    return { namespace: ref.namespace, vmiName: ref.name, vmimName: vmim.metadata.name, vmimUid: uid };
  }
}
