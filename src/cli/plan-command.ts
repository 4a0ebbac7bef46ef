/** `capbench plan`: the capacity plan from saved capacity runs (src/plan), printed and written. */
import { Option, type Command } from 'commander';
import { driverChoices } from '../load/select-driver.ts';
import { join, resolve } from 'node:path';
import { checkOutDir } from './run-flags.ts';
import { number, numberList } from './flag-parsers.ts';
import type { Io } from './program.ts';
import { ExitCode, HarnessError } from '../model/index.ts';
import type { Prices } from '../model/plan.ts';
import { checkVerifyFlags, type VerifyFlags } from './plan-verify-flags.ts';

/** CPU of one app replica and of the balancer in clusters/compose/compose.yaml (`cpus`). */
const COMPOSE_REPLICA_CPU = 0.25;
const COMPOSE_BALANCER_CPU = 0.5;

interface PlanFlags extends VerifyFlags {
  users: number[]; headroom: number; responseMs?: number; nodeCpu: number; nodeMemory: number; podCpu?: number; podMemory: number; hostCpu: number;
  traffic?: string; priceVcpuHour?: number; priceNodeHour?: number; priceHostHour?: number; out?: string;
  baseline?: string[]; failOnRegression?: boolean;
}

/** One pricing: per vCPU-hour, or per node-hour and host-hour together. */
function checkPrices(f: PlanFlags): Prices {
  const perMachine = f.priceNodeHour !== undefined || f.priceHostHour !== undefined;
  if (f.priceVcpuHour !== undefined && perMachine) {
    throw new HarnessError('plan: prices must be per vCPU-hour or per node-/host-hour, not both (got --price-vcpu-hour with --price-node-hour/--price-host-hour)', { code: 'usage', hint: 'pass --price-vcpu-hour X, or --price-node-hour Y --price-host-hour Z' });
  }
  if (perMachine && (f.priceNodeHour === undefined || f.priceHostHour === undefined)) {
    throw new HarnessError(`plan: --price-node-hour and --price-host-hour must be given together (got only ${f.priceNodeHour === undefined ? '--price-host-hour' : '--price-node-hour'})`, { code: 'usage', hint: 'pass both, e.g. --price-node-hour 0.17 --price-host-hour 0.68' });
  }
  return { ...(f.priceVcpuHour === undefined ? {} : { vcpuHour: f.priceVcpuHour }), ...(f.priceNodeHour === undefined ? {} : { nodeHour: f.priceNodeHour }), ...(f.priceHostHour === undefined ? {} : { hostHour: f.priceHostHour }) };
}

/** Adds the `plan` command to the program; called once by buildProgram. */
export function addPlanCommand(program: Command, io: Io): void {
  program
    .command('plan')
    .description('the replicas, nodes or host each target needs for N users, from capacity runs (`run capacity`)')
    .argument('<runs...>', 'run directories of `npx capbench run capacity` (several are pooled per replica count), and optionally a spike run (its measured pod start delay)')
    .requiredOption('--users <counts>', 'comma-separated user counts to plan for, e.g. 100,1000,10000', numberList('--users'))
    .option('--headroom <share>', 'spare capacity on top of the load (0.2 = 20 %)', number('--headroom', 0, 5, 'e.g. --headroom 0.2 for 20 % spare'), 0.2)
    .option('--response-ms <ms>', "mean response time for Little's law (default: the knee's measured p50)", number('--response-ms', 0, 600_000, 'a mean response time in ms, e.g. --response-ms 50'))
    .option('--node-cpu <cores>', 'Kubernetes node size: CPU cores', number('--node-cpu', 0.1, 1024, 'e.g. --node-cpu 4'), 4)
    .option('--node-memory <MiB>', 'Kubernetes node size: memory, MiB', number('--node-memory', 64, 16_777_216, 'e.g. --node-memory 16384 for 16 GiB'), 16_384)
    .option('--pod-cpu <millicores>', 'CPU one pod takes (default: CPU per replica measured at the knee)', number('--pod-cpu', 1, 1_024_000, 'e.g. --pod-cpu 250'))
    .option('--pod-memory <MiB>', 'memory one pod takes (default: the Deployment\'s request, 64)', number('--pod-memory', 1, 16_777_216, 'e.g. --pod-memory 128'), 64)
    .option('--host-cpu <cores>', 'Compose: the host\'s CPU cores', number('--host-cpu', 0.1, 1024, 'e.g. --host-cpu 8'), 8)
    .option('--traffic <csv>', 'a day of traffic: CSV of `hour,users` for hours 0…23 (default: the spike profile\'s shape over 24 h)')
    .option('--price-vcpu-hour <price>', 'cost per vCPU-hour (Kubernetes node CPUs, the Compose host\'s CPUs)', number('--price-vcpu-hour', 0, 1e6, 'e.g. --price-vcpu-hour 0.04'))
    .option('--price-node-hour <price>', 'cost per Kubernetes node-hour (with --price-host-hour)', number('--price-node-hour', 0, 1e6, 'e.g. --price-node-hour 0.17'))
    .option('--price-host-hour <price>', 'cost per Compose host-hour (with --price-node-hour)', number('--price-host-hour', 0, 1e6, 'e.g. --price-host-hour 0.68'))
    .option('--baseline <dirs...>', 'earlier capacity runs: flag a target whose per-replica capacity (λ) fell below their band')
    .option('--fail-on-regression', 'exit 5 when --baseline flags a target')
    .option('--out <dir>', 'where plan.json, plan.csv, plan.md go (default <first run>/plan)')
    .option('--verify', 'check the plan by measurement: deploy its replica count for one user count on --target, pinned, and hold the predicted request rate (PASS / FAIL / NOT EVIDENCE; exit 5 unless PASS)')
    .option('--target <name>', '--verify: the target to measure on (one of the plan\'s targets: local, compose, local-k8s, kind, …)')
    .option('--verify-users <n>', '--verify: the user count to check, one of --users (default the first)', number('--verify-users', 0, Number.MAX_SAFE_INTEGER, 'one of the --users counts, e.g. --verify-users 100'))
    .option('--quick', '--verify: hold the rate ~20 s (5 s settling) instead of ~60 s (10 s)')
    .option('--time-scale <factor>', '--verify: scale the hold and warm-up durations', number('--time-scale', 0.01, 10, 'e.g. --time-scale 0.5'))
    .option('--verify-out <dir>', '--verify: where the verification run directory goes', 'reports')
    .addOption(new Option('--driver <name>', '--verify: load driver (default: the one the capacity runs used)').choices([...driverChoices]))
    .action(async (dirs: string[], flags: PlanFlags) => {
      if (flags.out !== undefined) checkOutDir('--out', flags.out, io.cwd);
      checkVerifyFlags(flags, io.cwd);
      const prices = checkPrices(flags);
      const { readFileSync } = await import('node:fs');
      const { parseTraffic } = await import('../plan/cost-plan.ts');
      const { planDayCosts } = await import('../plan/day-cost.ts');
      let traffic: number[] | undefined;
      if (flags.traffic !== undefined) {
        const file = resolve(io.cwd, flags.traffic);
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (e) {
          throw new HarnessError(`plan: --traffic ${flags.traffic} must be a readable file (got ${(e as Error).message})`, { code: 'usage', hint: 'a CSV of `hour,users`, one line per hour 0…23' });
        }
        traffic = parseTraffic(text, flags.traffic);
      }
      const users = traffic && !flags.users.includes(Math.max(...traffic)) ? [...flags.users, Math.max(...traffic)] : flags.users;
      const { readRun } = await import('../store/run-store.ts');
      const { buildCapacityPlan } = await import('../plan/capacity-plan.ts');
      const { planMarkdown, writePlanFiles } = await import('../plan/plan-files.ts');
      const paths = dirs.map((d) => resolve(io.cwd, d));
      const { spikeEvidence } = await import('../plan/spike-evidence.ts');
      const saved = paths.map((p) => readRun(p));
      const runs = saved.map((r) => r.record);
      const spikes = saved.filter((r) => r.record.scenario === 'spike').flatMap(spikeEvidence);
      const plan = buildCapacityPlan(runs, dirs, {
        users,
        headroom: flags.headroom,
        ...(flags.responseMs === undefined ? {} : { responseMs: flags.responseMs }),
        nodeCpuCores: flags.nodeCpu,
        nodeMemoryMiB: flags.nodeMemory,
        ...(flags.podCpu === undefined ? {} : { podCpuMillicores: flags.podCpu }),
        podMemoryMiB: flags.podMemory,
        composeReplicaCpu: COMPOSE_REPLICA_CPU,
        composeBalancerCpu: COMPOSE_BALANCER_CPU,
        hostCpuCores: flags.hostCpu,
      }, spikes);
      if (flags.baseline !== undefined) {
        const { capacityRegressions } = await import('../plan/plan-regression.ts');
        const base = flags.baseline.map((d) => readRun(resolve(io.cwd, d)).record);
        plan.regressions = capacityRegressions(plan, buildCapacityPlan(base, flags.baseline, plan.options));
      }
      plan.cost = planDayCosts(plan, plan.options, { ...(traffic ? { traffic, trafficFile: flags.traffic } : {}), prices });
      if (flags.verify) {
        const { verifyPlan } = await import('./plan-verify.ts');
        await verifyPlan(plan, runs, flags, io);
      }
      io.out(planMarkdown(plan));
      if (flags.failOnRegression && plan.regressions?.some((r) => r.flagged)) io.exitCode ??= ExitCode.gatesFailed;
      for (const p of writePlanFiles(plan, flags.out === undefined ? join(paths[0]!, 'plan') : resolve(io.cwd, flags.out))) io.out(`plan: ${p}\n`);
    });
}
