/**
 * The MIGRATE family's test matrix as the plan defines it: every case
 * (TC_VNF_MIGRATE_001..004) x every trigger type x every vResource type
 * (`../shared/spec/TC_VNF_MIGRATE_00x.txt`, "Input": triggerType and
 * vResourceType; the plan's notes: "each vResource type is its own sub-test
 * case"). Combinations the plan rules out are data here, each with its
 * reason; the matrix test reports them as skipped with that reason.
 */
import { V_RESOURCE_TYPES, type VResourceType } from '../../src/ports/vnfm.js';

export const CASES = [
  'TC_VNF_MIGRATE_001',
  'TC_VNF_MIGRATE_002',
  'TC_VNF_MIGRATE_003',
  'TC_VNF_MIGRATE_004',
] as const;
export type CaseId = (typeof CASES)[number];

/** tcInput.triggerType: command to the VNFM, higher load over time, EM, VNF. */
export const TRIGGERS = ['vnfm', 'load', 'em', 'vnf'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const RESOURCES: readonly VResourceType[] = V_RESOURCE_TYPES;

/** What the plan says about a case (spec README's table). */
export const CASE_KIND: Readonly<
  Record<CaseId, { migration: 'LIVE' | 'OFFLINE'; trafficDuringMove: boolean; steps: number }>
> = {
  TC_VNF_MIGRATE_001: { migration: 'LIVE', trafficDuringMove: false, steps: 14 },
  TC_VNF_MIGRATE_002: { migration: 'LIVE', trafficDuringMove: true, steps: 13 },
  TC_VNF_MIGRATE_003: { migration: 'OFFLINE', trafficDuringMove: false, steps: 14 },
  TC_VNF_MIGRATE_004: { migration: 'OFFLINE', trafficDuringMove: true, steps: 13 },
};

/** A combination the plan excludes, and why. */
export interface Exclusion {
  readonly testCase: CaseId;
  readonly trigger: Trigger;
  /** Every vResource type when absent. */
  readonly resource?: VResourceType;
  readonly reason: string;
}

export const EXCLUDED: readonly Exclusion[] = [
  {
    testCase: 'TC_VNF_MIGRATE_001',
    trigger: 'load',
    reason:
      'no traffic to raise: 001 stops the traffic (step 8) before the trigger (step 9), "without traffic load"; a load trigger would contradict the case',
  },
  {
    testCase: 'TC_VNF_MIGRATE_003',
    trigger: 'load',
    reason:
      'no traffic to raise: 003 stops the traffic (step 8) before the trigger (step 9), "without traffic load"; a load trigger would contradict the case',
  },
];

/** The VNFD a combination runs: the case's default, or the SR-IOV one ("vNIC or specialized hardware"). */
export type Vnfd = 'default' | 'sriov';
export const SRIOV_VNFD_ID = 'vnfd-vnflab-udp-fwd-sriov';

export interface Combination {
  readonly testCase: CaseId;
  readonly trigger: Trigger;
  readonly resource: VResourceType;
  readonly vnfd: Vnfd;
  /** Why the plan excludes it; null: it runs. */
  readonly excluded: string | null;
}

export function exclusionOf(testCase: CaseId, trigger: Trigger, resource: VResourceType): string | null {
  const hit = EXCLUDED.find(
    (e) => e.testCase === testCase && e.trigger === trigger && (e.resource ?? resource) === resource,
  );
  return hit?.reason ?? null;
}

/**
 * Every case x trigger x vResource type on the case's default VNFD, plus
 * the vResource "vNIC or specialized hardware" as specialized hardware
 * (an SR-IOV NIC) under the live cases: such a VNF cannot move live, so
 * step 5 fails it (the offline cases' default VNFD already has one).
 */
export function matrix(): Combination[] {
  const out: Combination[] = [];
  for (const testCase of CASES)
    for (const trigger of TRIGGERS)
      for (const resource of RESOURCES) {
        const excluded = exclusionOf(testCase, trigger, resource);
        out.push({ testCase, trigger, resource, vnfd: 'default', excluded });
        if (resource === 'vNIC' && CASE_KIND[testCase].migration === 'LIVE')
          out.push({ testCase, trigger, resource, vnfd: 'sriov', excluded });
      }
  return out;
}
