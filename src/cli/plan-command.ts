/** `capbench plan`: the capacity plan from saved capacity runs (src/plan), printed and written. */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { checkOutDir } from './run-flags.ts';
import { number, numberList } from './flag-parsers.ts';
import type { Io } from './program.ts';

/** CPU of one app replica and of the balancer in clusters/compose/compose.yaml (`cpus`). */
const COMPOSE_REPLICA_CPU = 0.25;
const COMPOSE_BALANCER_CPU = 0.5;

/** Adds the `plan` command to the program; called once by buildProgram. */
export function addPlanCommand(program: Command, io: Io): void {
  program
    .command('plan')
    .description('the replicas, nodes or host each target needs for N users, from capacity runs (`run capacity`)')
    .argument('<runs...>', 'run directories of `capbench run capacity` (several are pooled per replica count), and optionally a spike run (its measured pod start delay)')
    .requiredOption('--users <counts>', 'comma-separated user counts to plan for, e.g. 100,1000,10000', numberList('--users'))
    .option('--headroom <share>', 'spare capacity on top of the load (0.2 = 20 %)', number('--headroom', 0, 5, 'e.g. --headroom 0.2 for 20 % spare'), 0.2)
    .option('--response-ms <ms>', "mean response time for Little's law (default: the knee's measured p50)", number('--response-ms', 0, 600_000, 'a mean response time in ms, e.g. --response-ms 50'))
    .option('--node-cpu <cores>', 'Kubernetes node size: CPU cores', number('--node-cpu', 0.1, 1024, 'e.g. --node-cpu 4'), 4)
    .option('--node-memory <MiB>', 'Kubernetes node size: memory, MiB', number('--node-memory', 64, 16_777_216, 'e.g. --node-memory 16384 for 16 GiB'), 16_384)
    .option('--pod-cpu <millicores>', 'CPU one pod takes (default: CPU per replica measured at the knee)', number('--pod-cpu', 1, 1_024_000, 'e.g. --pod-cpu 250'))
    .option('--pod-memory <MiB>', 'memory one pod takes (default: the Deployment\'s request, 64)', number('--pod-memory', 1, 16_777_216, 'e.g. --pod-memory 128'), 64)
    .option('--host-cpu <cores>', 'Compose: the host\'s CPU cores', number('--host-cpu', 0.1, 1024, 'e.g. --host-cpu 8'), 8)
    .option('--out <dir>', 'where plan.json, plan.csv, plan.md go (default <first run>/plan)')
    .action(async (dirs: string[], flags: { users: number[]; headroom: number; responseMs?: number; nodeCpu: number; nodeMemory: number; podCpu?: number; podMemory: number; hostCpu: number; out?: string }) => {
      if (flags.out !== undefined) checkOutDir('--out', flags.out, io.cwd);
      const { readRun } = await import('../store/run-store.ts');
      const { buildCapacityPlan } = await import('../plan/capacity-plan.ts');
      const { planMarkdown, writePlanFiles } = await import('../plan/plan-files.ts');
      const paths = dirs.map((d) => resolve(io.cwd, d));
      const { spikeEvidence } = await import('../plan/spike-evidence.ts');
      const saved = paths.map((p) => readRun(p));
      const runs = saved.map((r) => r.record);
      const spikes = saved.filter((r) => r.record.scenario === 'spike').flatMap(spikeEvidence);
      const plan = buildCapacityPlan(runs, dirs, {
        users: flags.users,
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
      io.out(planMarkdown(plan));
      for (const p of writePlanFiles(plan, flags.out === undefined ? join(paths[0]!, 'plan') : resolve(io.cwd, flags.out))) io.out(`plan: ${p}\n`);
    });
}
