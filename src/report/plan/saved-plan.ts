/**
 * The capacity plan beside a run, as the report reads it: `<run>/plan/plan.json`, written by
 * `npx capbench plan` (src/model/plan.ts is its shape). Checked, not trusted: no file or an
 * unreadable one is no plan (null, no section); a file that is not JSON or not a plan is a
 * `problem`, which the report shows as one line instead of the section. Never throws.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapacityPlan } from '../../model/index.ts';
import type { PlanChecks } from '../../model/plan-check.ts';
import { checkShape, ShapeError, type Shape } from './json-shape.ts';

export type SavedPlan =
  /** `plan` as saved; a plan saved before the self-checks has them filled in as "none" (OLDER_PLAN_CHECKS) */
  | { status: 'ok'; file: string; plan: CapacityPlan }
  | { status: 'broken'; file: string; problem: string };

const range: Shape = { tuple: ['number', 'number?'] };
const settings: Shape = { fields: { minReplicas: 'number', maxReplicas: 'number', cpuPercent: 'number' } };
const outcome: Shape = { fields: { settings, overCapacityS: 'number', peakReplicas: 'number', replicaSeconds: 'number', scaleUpReactionS: 'number?', worstP95Ms: 'number?' } };
const kind: Shape = { oneOf: ['local', 'compose', 'kubernetes'] };

const PLAN_SHAPE: Shape = {
  fields: {
    runs: { list: 'string' },
    options: { fields: { users: { list: 'number' }, headroom: 'number', nodeCpuCores: 'number', nodeMemoryMiB: 'number', podMemoryMiB: 'number', composeReplicaCpu: 'number', composeBalancerCpu: 'number', hostCpuCores: 'number' } },
    models: {
      list: {
        fields: {
          target: 'string', kind,
          observations: { list: { fields: { replicas: 'number', throughputRps: { list: 'number' } } } },
          fit: {
            fields: {
              params: { fields: { lambdaRps: 'number', sigma: 'number', kappa: 'number' } },
              kappaFitted: 'boolean', peakReplicas: 'number?', peakThroughputRps: 'number?', rSquared: 'number', note: 'string',
              intervals: { fields: { lambdaRps: range, sigma: range, kappa: range, peakReplicas: { nullable: range } } },
              band: { opt: { list: { fields: { replicas: 'number', throughputRps: 'number', lowerRps: 'number', upperRps: 'number' } } } },
            },
          },
          perUserRps: 'number', responseMs: 'number', responseFrom: 'string', thinkTimeMeanMs: 'number', cpuMsPerRequest: 'number?',
          podsPerNode: 'number?', podCpuMillicores: 'number?', podCpuFrom: 'string?', lowerBoundCounts: { list: 'number' },
        },
      },
    },
    rows: {
      list: {
        fields: {
          target: 'string', kind, users: 'number', loadRps: 'number', neededRps: 'number', replicas: 'number?',
          reach: { oneOf: ['probed', 'interpolated', 'beyond-probed', 'extrapolated', 'unreachable'] },
          predictedRps: 'number?', predictedLowerRps: 'number?', nodes: 'number?', hostCpuCores: 'number?', note: 'string',
        },
      },
    },
    autoscaler: { list: { fields: { target: 'string', users: 'number', recommended: outcome, current: outcome, podStartDelayS: 'number', podStartFrom: 'string', measuredScaleUpReactionS: 'number?', note: 'string' } } },
    regressions: { opt: { list: { fields: { target: 'string', lambdaRps: 'number', baselineLambdaRps: 'number', baselineRange: range, basis: 'string', flagged: 'boolean', change: 'number' } } } },
    cost: {
      opt: {
        fields: {
          days: {
            list: {
              fields: {
                peakUsers: 'number', traffic: 'string', hourlyUsers: { list: 'number' },
                kubernetes: { list: { fields: { target: 'string', settings, podHours: 'number', peakPods: 'number', fixedNodes: 'number', fixedNodeHours: 'number', followingNodeHours: 'number', costFixed: 'number?', costFollowing: 'number?' } } },
                compose: { list: { fields: { target: 'string', replicas: 'number', hostCpuCores: 'number', hostHours: 'number', cost: 'number?' } } },
              },
            },
          },
          prices: { fields: { vcpuHour: { opt: 'number' }, nodeHour: { opt: 'number' }, hostHour: { opt: 'number' } } },
          notes: { list: 'string' },
        },
      },
    },
    verified: 'boolean',
    notes: { list: 'string' },
    verification: {
      nullable: {
        fields: {
          target: 'string', users: 'number', replicas: 'number', runDir: 'string', offeredRps: 'number', errorPct: 'number?', reason: 'string',
          verdict: { oneOf: ['pass', 'fail', 'not-evidence'] },
          predicted: { fields: { rateRps: 'number', capacityRps: 'number', lowerRps: 'number', upperRps: 'number' } },
          measured: { nullable: { fields: { throughputRps: 'number', p95Ms: 'number?', errorRate: 'number', requests: 'number', measuredS: 'number', generatorBoundS: 'number', hostBoundS: 'number', bound: { oneOf: ['app', 'generator', 'host'] } } } },
          slo: { fields: { p95Ms: 'number', errorRate: 'number' } },
        },
      },
    },
    verificationNote: { opt: 'string' },
    holdOut: {
      opt: {
        list: {
          fields: {
            target: 'string', fitOnCounts: { list: 'number' }, predictedCount: 'number', predicted: 'number', band: { tuple: ['number', 'number'] },
            measured: 'number?', errorPct: 'number?', within20pct: 'boolean?', boundNote: 'string?',
          },
        },
      },
    },
    holdOutNotes: { opt: { list: 'string' } },
  },
};

/** The self-checks of a plan saved before plans kept them (no `holdOut`, no `verificationNote`). */
export const OLDER_PLAN_CHECKS: PlanChecks = {
  verification: null,
  verificationNote: 'this plan.json was saved before plans recorded their self-checks',
  holdOut: [],
  holdOutNotes: ['no hold-out check: this plan.json was saved before plans kept one — re-run `npx capbench plan` on its runs'],
};

/** Where `capbench plan` writes the plan of a run by default. */
export const planFileOf = (runDir: string): string => join(runDir, 'plan', 'plan.json');

/** Check parsed plan.json; `file` names it in the problem. */
export function parseSavedPlan(data: unknown, file: string): SavedPlan {
  try {
    checkShape(data, PLAN_SHAPE, 'plan');
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    return { status: 'broken', file, problem: `${file}: ${e.message}` };
  }
  const d = data as Omit<CapacityPlan, keyof PlanChecks> & Partial<PlanChecks>;
  const checks: PlanChecks = d.holdOut === undefined ? { ...OLDER_PLAN_CHECKS, verification: d.verification ?? null } : { verification: d.verification ?? null, verificationNote: d.verificationNote ?? OLDER_PLAN_CHECKS.verificationNote, holdOut: d.holdOut, holdOutNotes: d.holdOutNotes ?? [] };
  return { status: 'ok', file, plan: { ...d, ...checks } };
}

/** The plan beside `runDir`, or null when there is none (or it cannot be read). */
export function loadSavedPlan(runDir: string): SavedPlan | null {
  const file = planFileOf(runDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { status: 'broken', file, problem: `${file}: must be JSON (got ${(e as Error).message})` };
  }
  return parseSavedPlan(data, file);
}
