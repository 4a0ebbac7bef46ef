import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { scenarioNames } from '../../scenarios/lib/index.ts';
import { selectDriver, driverChoices } from '../load/select-driver.ts';
import { ExitCode, HarnessError, unknownName } from '../model/index.ts';
import { harnessVersion } from '../run/machine.ts';
import { Interrupt } from '../run/interrupt.ts';
import { runScenario, type RunOutcome } from '../run/run.ts';
import { createTarget, targetNames } from '../targets/registry.ts';

/** What the CLI may touch of the outside world (injected in tests). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** install SIGINT/SIGTERM handlers for runs (the real CLI only) */
  installSignalHandlers: boolean;
  /** set by a command that wants a non-zero exit without an error (gates failed) */
  exitCode: number | undefined;
  /** tests may pass an Interrupt to simulate Ctrl-C */
  interrupt?: Interrupt;
}

function number(flag: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be a number in [${min}, ${max}] (got ${JSON.stringify(v)})`);
    return n;
  };
}

interface RunFlags {
  target: string;
  quick?: boolean;
  timeScale?: number;
  driver: string;
  model: 'closed' | 'open';
  out: string;
  rebootDelay?: number;
  port?: number;
  context?: string;
  composeFile?: string;
  allowDestructive?: boolean;
  report: boolean;
  slo?: string;
  failOnGates?: boolean;
  warmup: boolean;
}

export function buildProgram(io: Io): Command {
  const program = new Command('capbench')
    .description('Measure what users get during a spike, a node crash and a rolling update — on Compose and Kubernetes, side by side.')
    .version(harnessVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showSuggestionAfterError(true);

  program
    .command('run')
    .description(`run a scenario (${scenarioNames.join(', ')}, or all) on one or more targets and save it under reports/`)
    .argument('<scenario>', `${scenarioNames.join(' | ')} | all`)
    .option('-t, --target <names>', `comma-separated targets (${targetNames.join(', ')}) or auto = every usable one`, 'auto')
    .option('--quick', 'the ~3-minute profile instead of the ~30-minute one')
    .option('--time-scale <factor>', 'scale every duration of the profile (tests: 0.1 makes a quick run ~20 s)', number('--time-scale', 0.01, 10))
    .addOption(new Option('--driver <name>', 'load driver: k6 when found (auto), k6, or builtin').choices([...driverChoices]).default('auto'))
    .addOption(new Option('--model <model>', 'closed = ramping VUs; open = ramping arrival rate (no coordinated omission)').choices(['closed', 'open']).default('closed'))
    .option('-o, --out <dir>', 'where run directories go', 'reports')
    .option('--reboot-delay <s>', 'Compose/local host crash: seconds until the host comes back (default 120)', number('--reboot-delay', 0, 3600))
    .option('--port <port>', 'local target: proxy port on 127.0.0.1 (0 = any free)', number('--port', 0, 65535))
    .option('--compose-file <file>', 'compose target: your compose file (see clusters/compose/README.md)')
    .option('--context <name>', 'kubernetes target: kubeconfig context')
    .option('--allow-destructive', 'allow node crashes on a context capbench did not create')
    .option('--no-report', 'do not render the report at the end')
    .option('--slo <file>', 'SLO gates file for the report (default clusters/slo/default.yaml)')
    .option('--fail-on-gates', 'exit 5 when a gate fails')
    .option('--no-warmup', 'skip the warm-up (not recommended)')
    .action(async (scenario: string, flags: RunFlags) => {
      if (scenario !== 'all' && !(scenarioNames as string[]).includes(scenario)) throw unknownName('run', 'scenario', scenario, [...scenarioNames, 'all']);
      if (flags.quick && flags.timeScale !== undefined && flags.timeScale > 1) {
        throw new HarnessError(`--time-scale: must be ≤ 1 with --quick (got ${flags.timeScale})`, { code: 'usage', hint: 'drop --quick to run the full profile' });
      }
      const interrupt = io.interrupt ?? new Interrupt();
      const detach = io.installSignalHandlers ? installSignals(interrupt, io) : () => {};
      try {
        const log = (l: string): void => io.out(l + '\n');
        const driver = await selectDriver(flags.driver, { harnessVersion: harnessVersion(), env: io.env, log });
        const scenarios = scenario === 'all' ? scenarioNames : [scenario];
        const outcomes: RunOutcome[] = [];
        for (const s of scenarios) {
          if (interrupt.interrupted) break;
          outcomes.push(
            await runScenario({
              scenario: s,
              quick: flags.quick === true,
              ...(flags.timeScale === undefined ? {} : { timeScale: flags.timeScale }),
              targets: flags.target,
              driver,
              model: flags.model,
              outRoot: resolve(io.cwd, flags.out),
              targetOptions: {
                ...(flags.rebootDelay === undefined ? {} : { rebootDelayS: flags.rebootDelay }),
                ...(flags.port === undefined ? {} : { port: flags.port }),
                ...(flags.context === undefined ? {} : { context: flags.context }),
                ...(flags.composeFile === undefined ? {} : { composeFile: resolve(io.cwd, flags.composeFile) }),
                ...(flags.allowDestructive ? { allowDestructive: true } : {}),
              },
              interrupt,
              log,
              command: ['capbench', 'run', scenario, ...process.argv.slice(4)],
              ...(flags.warmup === false ? { skipWarmUp: true } : {}),
            }),
          );
        }
        for (const oc of outcomes) io.out(`saved: ${oc.runDir} (${oc.record.status})\n`);
        if (flags.report && outcomes.length > 0) {
          const rep = await renderReportLazy(outcomes.map((o) => o.runDir), { ...(flags.slo ? { slo: flags.slo } : {}), ...(flags.failOnGates ? { failOnGates: true } : {}) }, log);
          io.out(`report: ${rep.htmlPath}\nsummary: ${rep.summaryMdPath}\n`);
          if (rep.gatesFailed && flags.failOnGates) io.exitCode = ExitCode.gatesFailed;
        }
        if (interrupt.interrupted) {
          io.err(`capbench: interrupted; the partial run is saved and reportable\n`);
          io.exitCode = ExitCode.interrupted;
          return;
        }
        const failed = outcomes.find((o) => o.firstError);
        if (failed?.firstError) throw failed.firstError;
      } finally {
        detach();
      }
    });

  program
    .command('report')
    .description('render the report of saved runs (HTML, PNG, CSV, Markdown, verdict)')
    .argument('<run-dirs...>', 'run directories made by `capbench run`')
    .option('--baseline <dirs...>', 'earlier runs to compare against (regressions)')
    .option('--slo <file>', 'SLO gates file (default clusters/slo/default.yaml)')
    .option('--out <dir>', 'output directory (default <first run>/report)')
    .option('--fail-on-gates', 'exit 5 when a gate fails or a regression is flagged')
    .action(async (dirs: string[], flags: { baseline?: string[]; slo?: string; out?: string; failOnGates?: boolean }) => {
      const rep = await renderReportLazy(dirs.map((d) => resolve(io.cwd, d)), { ...flags, report: true }, (l) => io.out(l + '\n'), flags.baseline?.map((d) => resolve(io.cwd, d)));
      io.out(`report: ${rep.htmlPath}\nsummary: ${rep.summaryMdPath}\n`);
      if (rep.gatesFailed && flags.failOnGates) io.exitCode = ExitCode.gatesFailed;
    });

  program
    .command('targets')
    .description('list the targets and whether each is usable here (and why not); k6 availability')
    .action(async () => {
      for (const name of targetNames) {
        const t = await createTarget(name, {});
        const u = await t.probe();
        io.out(`${u.usable ? 'usable  ' : 'unusable'}  ${name.padEnd(10)} ${u.reason}${u.hint ? `\n            hint: ${u.hint}` : ''}\n`);
      }
      io.out(await describeK6(io.env));
    });

  const cluster = program.command('cluster').description('create or delete a Kubernetes cluster for a preset (local-k8s, kind, minikube)');
  for (const verb of ['up', 'down'] as const) {
    cluster
      .command(verb)
      .description(verb === 'up' ? 'create the cluster (and build/load what it needs); idempotent' : 'delete the cluster and restore the host; idempotent')
      .argument('<preset>', 'local-k8s | kind | minikube')
      .action(async (preset: string) => {
        const { clusterUp, clusterDown } = await import('../targets/kubernetes/cluster.ts');
        const log = (l: string): void => io.out(l + '\n');
        await (verb === 'up' ? clusterUp(preset, log) : clusterDown(preset, log));
      });
  }

  program
    .command('cleanup')
    .description('find and remove leftovers of earlier runs (processes, containers, networks, namespaces, stopped nodes)')
    .action(async () => {
      let n = 0;
      for (const name of targetNames) {
        const t = await createTarget(name, {});
        if (!(await t.probe()).usable) continue;
        for (const line of await t.cleanup()) {
          io.out(`${line}\n`);
          n++;
        }
      }
      io.out(n === 0 ? 'cleanup: nothing left over\n' : `cleanup: ${n} item(s) removed\n`);
    });

  return program;
}

async function describeK6(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { findK6 } = await import('../load/k6/find-k6.ts');
    const k = await findK6({ env });
    return `k6: ${k.version.line} at ${k.path} (--driver auto uses it)\n`;
  } catch (e) {
    return `k6: not usable (${(e as Error).message.split('\n')[0]}); --driver auto uses the builtin driver\n`;
  }
}

interface ReportResult {
  htmlPath: string;
  summaryMdPath: string;
  gatesFailed: boolean;
}

async function renderReportLazy(dirs: string[], flags: { slo?: string; out?: string; failOnGates?: boolean; report?: boolean }, log: (l: string) => void, baselineDirs?: string[]): Promise<ReportResult> {
  const { renderReport } = await import('../report/index.ts');
  return renderReport({
    runDirs: dirs,
    ...(baselineDirs ? { baselineDirs } : {}),
    ...(flags.slo ? { sloFile: flags.slo } : {}),
    ...(flags.out ? { outDir: flags.out } : {}),
    ...(flags.failOnGates ? { failOnGates: true } : {}),
    log,
  });
}

function installSignals(interrupt: Interrupt, io: Io): () => void {
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupt.interrupted) {
      io.err(`\ncapbench: ${sig} again — faster teardown (nodes are still restored)\n`);
    } else {
      io.err(`\ncapbench: ${sig} — stopping load, recovering faults, tearing down, saving the partial run (again for a faster teardown)\n`);
    }
    interrupt.trigger(`interrupted by ${sig}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
