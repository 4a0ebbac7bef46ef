import { Command, Option } from 'commander';
import { number } from './flag-parsers.ts';
import { addPlanCommand } from './plan-command.ts';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { connectionModels, scenarioNames, type ScenarioName } from '../../scenarios/lib/index.ts';
import type { LoadDriver } from '../load/driver.ts';
import { selectDriver, driverChoices } from '../load/select-driver.ts';
import { ExitCode, HarnessError, MAX_REPEAT, type TimeSource } from '../model/index.ts';
import { harnessVersion } from '../run/machine.ts';
import type { Interrupt } from '../run/interrupt.ts';
import { runScenario, type RunOutcome, type TargetFactory } from '../run/run.ts';
import { ProgressPrinter } from './progress.ts';
import { checkOutDir, checkRunFlags, runBaseUrl, type RunFlags } from './run-flags.ts';
import { parseReplicas } from './replicas-flag.ts';
import { runSeams, withInterrupt } from './signals.ts';
import { loadSloFile, sloFor, type SloConfig } from '../scenario/slo-file.ts';
import { cleanupOwnedTempDirs } from '../store/owned-temp-dirs.ts';
import { cleanupStaleLeases, runIsAlive } from '../store/run-lease.ts';
import { baseUrlNotice } from '../targets/base-url.ts';
import { k8sEntries } from '../targets/entries.ts';
import { createTarget, targetNames, targetOptionsFromEnv, type TargetOptions } from '../targets/registry.ts';

/**
 * What every target gets from the CLI: its environment, the run leases that tell live runs
 * from leftovers, and the settings of the environment (CAPBENCH_COMPOSE). Throws HarnessError
 * (usage) on a bad setting.
 */
export function baseTargetOptions(io: Io): TargetOptions {
  return { env: io.env, runIsAlive, ...targetOptionsFromEnv(io.env) };
}

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
  /** tests: make `run`'s targets (default: the target registry) */
  createTarget?: TargetFactory;
  /** tests: `run`'s load driver, instead of the one --driver selects */
  driver?: LoadDriver;
  /** tests: the time source of `run`'s clocks (default real time) */
  time?: TimeSource;
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
    .option('--time-scale <factor>', 'scale every duration of the profile (tests: 0.1 makes a quick run ~20 s)', number('--time-scale', 0.01, 10, 'e.g. --time-scale 0.1 for a smoke run; omit it for the profile as written'))
    .option('--repeat <n>', 'run every target n times, interleaved (A B B A …); figures become median [interval] (n) — 5 for a go/no-go', number('--repeat', 1, MAX_REPEAT, `e.g. --repeat 5 for a go/no-go (at most ${MAX_REPEAT})`, { integer: true }), 1)
    .addOption(new Option('--driver <name>', 'load driver: k6 when found (auto), k6, or builtin').choices([...driverChoices]).default('auto'))
    .addOption(new Option('--model <model>', 'closed = ramping VUs; open = ramping arrival rate (no coordinated omission)').choices(['closed', 'open']).default('closed'))
    .addOption(new Option('--connections <model>', "per-vu = each VU keeps one keep-alive connection; per-iteration = every iteration (one user's visit) opens its own (default: the scenario's, per-iteration)").choices([...connectionModels]))
    .option('-o, --out <dir>', 'where run directories go', 'reports')
    .option('--reboot-delay <s>', 'Compose/local host crash: seconds until the host comes back (default 120)', number('--reboot-delay', 0, 3600, 'seconds until the crashed host comes back, e.g. --reboot-delay 60 (default 120)'))
    .option('--port <port>', 'local target: proxy port on 127.0.0.1 (0 = any free)', number('--port', 0, 65535, 'a free TCP port, or --port 0 for any free one', { integer: true }))
    .option('--compose-file <file>', 'compose target: your compose file (see clusters/compose/README.md)')
    .option('--context <name>', 'kubernetes target: kubeconfig context')
    .option('--base-url <url>', 'kubernetes (--context) or compose target: reach the app here (ingress, LoadBalancer, port-forward) instead of 127.0.0.1')
    .addOption(new Option('--k8s-entry <entry>', 'Kubernetes targets: how users\' traffic enters — nodeport = the app Service\'s NodePort (kube-proxy, L4); ingress = HAProxy in the cluster (L7: per request, health checks, retries, as Compose\'s)').choices([...k8sEntries]))
    .option('--allow-remote', 'let --base-url point off this machine\'s loopback (the address is printed before anything starts)')
    .option('--allow-destructive', 'allow node crashes on a context capbench did not create')
    .option('--no-report', 'do not render the report at the end')
    .option('--slo <file>', 'the SLO: p95/error limits (time to recover, k6 thresholds, chart lines) and the verdict\'s gates (default clusters/slo/default.yaml)')
    .option('--fail-on-gates', 'exit 5 when a gate fails or the run is INVALID (its load generator could not keep the schedule)')
    .option('--no-warmup', 'skip the warm-up (not recommended)')
    .option('--replicas <counts>', 'capacity scenario: replica counts to probe one after another, e.g. 1,2,3 (default 1,2,4)')
    .option('--k6-out <output>', 'k6 driver: an extra k6 output beside capbench\'s, as `k6 run --out` takes it (repeatable; K6_OUT works too)', (v: string, all: string[]) => [...all, v], [] as string[])
    .action(async (scenario: string, flags: RunFlags) => {
      // the one SLO: time to recover, k6 thresholds, charts and verdict all use it
      const sloConfig = await checkRunFlags(scenario, flags, io.cwd);
      const baseUrl = runBaseUrl(flags);
      if (baseUrl) io.out(`${baseUrlNotice(baseUrl)}\n`);
      await withInterrupt(io, async (interrupt) => {
        const log = (l: string): void => io.out(l + '\n');
        const progress = new ProgressPrinter(log);
        const driver = io.driver ?? (await selectDriver(flags.driver, { harnessVersion: harnessVersion(), env: io.env, log, k6Outputs: flags.k6Out }));
        // `all` is the user-facing scenarios; the capacity probe is run by name
        const scenarios: ScenarioName[] = scenario === 'all' ? scenarioNames.filter((s) => s !== 'capacity') : [scenario as ScenarioName];
        const outcomes: RunOutcome[] = [];
        for (const s of scenarios) {
          if (interrupt.interrupted) break;
          outcomes.push(
            await runScenario({
              scenario: s,
              slo: sloFor(sloConfig, s),
              quick: flags.quick === true,
              ...(flags.timeScale === undefined ? {} : { timeScale: flags.timeScale }),
              repeat: flags.repeat,
              targets: flags.target,
              driver,
              model: flags.model,
              ...(flags.connections === undefined ? {} : { connections: flags.connections }),
              outRoot: resolve(io.cwd, flags.out),
              targetOptions: {
                ...baseTargetOptions(io),
                ...(flags.rebootDelay === undefined ? {} : { rebootDelayS: flags.rebootDelay }),
                ...(flags.port === undefined ? {} : { port: flags.port }),
                ...(flags.context === undefined ? {} : { context: flags.context }),
                ...(baseUrl === undefined ? {} : { baseUrl: baseUrl.url }),
                ...(flags.composeFile === undefined ? {} : { composeFile: resolve(io.cwd, flags.composeFile) }),
                ...(flags.allowDestructive ? { allowDestructive: true } : {}),
                ...(flags.k8sEntry === undefined ? {} : { k8sEntry: flags.k8sEntry }),
              },
              interrupt,
              onProgress: progress.on,
              command: ['capbench', 'run', scenario, ...process.argv.slice(4)],
              ...(flags.warmup === false ? { skipWarmUp: true } : {}),
              ...runSeams(io),
              ...(flags.replicas === undefined ? {} : { replicas: parseReplicas(flags.replicas) }),
            }),
          );
        }
        for (const oc of outcomes) io.out(`saved: ${oc.runDir} (${oc.record.status})\n`);
        if (flags.report && outcomes.length > 0) {
          const rep = await renderReportLazy(outcomes.map((o) => o.runDir), { slo: sloConfig, ...(flags.failOnGates ? { failOnGates: true } : {}) }, log);
          printReportPaths(rep, io);
          if (rep.gatesFailed && flags.failOnGates) io.exitCode = ExitCode.gatesFailed;
        }
        if (interrupt.interrupted) {
          io.err(`capbench: interrupted; the partial run is saved and reportable\n`);
          io.exitCode = ExitCode.interrupted;
          return;
        }
        const failed = outcomes.find((o) => o.firstError);
        if (failed?.firstError) throw failed.firstError;
      });
    });

  program
    .command('report')
    .description('render the report of saved runs (HTML, PNG, CSV, Markdown, verdict)')
    .argument('<run-dirs...>', 'run directories made by `npx capbench run`')
    .option('--baseline <dirs...>', 'earlier runs to compare against (regressions)')
    .option('--slo <file>', 'SLO gates file (default clusters/slo/default.yaml)')
    .option('--out <dir>', 'output directory (default <first run>/report)')
    .option('--fail-on-gates', 'exit 5 when a gate fails, a regression is flagged or a run is INVALID (its load generator could not keep the schedule)')
    .action(async (dirs: string[], flags: { baseline?: string[]; slo?: string; out?: string; failOnGates?: boolean }) => {
      if (flags.out !== undefined) checkOutDir('--out', flags.out, io.cwd);
      const opts = { ...flags, slo: loadSloFile(flags.slo === undefined ? undefined : resolve(io.cwd, flags.slo)), ...(flags.out === undefined ? {} : { out: resolve(io.cwd, flags.out) }) };
      const rep = await renderReportLazy(dirs.map((d) => resolve(io.cwd, d)), opts, (l) => io.out(l + '\n'), flags.baseline?.map((d) => resolve(io.cwd, d)));
      printReportPaths(rep, io);
      if (rep.gatesFailed && flags.failOnGates) io.exitCode = ExitCode.gatesFailed;
    });

  addPlanCommand(program, io);

  program
    .command('targets')
    .description('list the targets and whether each is usable here (and why not); k6 availability')
    .option('--context <name>', 'check a kubeconfig context instead: API server, HPA API, metrics API and every permission capbench needs (exit 4 when something is missing)')
    .action(async (flags: { context?: string }) => {
      if (flags.context !== undefined) {
        const { checkContextLines } = await import('./context-lines.ts');
        const r = await checkContextLines(flags.context, baseTargetOptions(io));
        for (const l of r.lines) io.out(`${l}\n`);
        if (!r.ok) io.exitCode = ExitCode.missingEnvironment;
        return;
      }
      for (const name of targetNames) {
        const t = await createTarget(name, baseTargetOptions(io));
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
        await (verb === 'up' ? clusterUp(preset, log, { env: io.env }) : clusterDown(preset, log, { env: io.env }));
      });
  }

  program
    .command('cleanup')
    .description("find and remove leftovers of earlier runs (processes, containers, networks, namespaces, stopped nodes, app logs, stale run leases, test temp dirs); never a live run's")
    .action(async () => {
      let n = 0;
      const said = (lines: string[]): void => {
        for (const line of lines) io.out(`${line}\n`);
        n += lines.length;
      };
      // leases first, so each one a SIGKILLed harness left is named, not dropped silently by a target's liveness check
      said(cleanupStaleLeases());
      for (const name of targetNames) {
        const t = await createTarget(name, baseTargetOptions(io));
        if (!(await t.probe()).usable) continue;
        said(await t.cleanup());
      }
      said(cleanupOwnedTempDirs(tmpdir()));
      io.out(n === 0 ? 'cleanup: nothing left over\n' : `cleanup: ${n} item(s) removed\n`);
    });

  addErrorHints(program, 'npx capbench');
  return program;
}

/**
 * Commander's own errors (unknown command or option, missing argument, bad choice) name the
 * input; this adds the next command to run, and the valid subcommands where there are some.
 */
function addErrorHints(cmd: Command, path: string): void {
  const subs = cmd.commands.map((c) => c.name());
  cmd.showHelpAfterError(`hint: ${path} --help${subs.length > 0 ? ` (commands: ${subs.join(', ')})` : ' lists every option'}`);
  for (const c of cmd.commands) addErrorHints(c, `${path} ${c.name()}`);
}

async function describeK6(env: NodeJS.ProcessEnv): Promise<string> {
  const { describeK6: lines } = await import('../load/k6/find-k6.ts');
  return (await lines(env)).map((l) => `${l}\n`).join('');
}

interface ReportResult {
  htmlPath: string;
  summaryMdPath: string;
  gatesFailed: boolean;
  /** every file written */
  written: string[];
  failures: Array<{ writes: string; error?: HarnessError }>;
}

/**
 * The paths of index.html and summary.md — only those written. A reporter that failed was
 * logged by the report; when index.html or summary.md is among them the command fails
 * (exit 1): the run is saved, its report is not. PNG charts alone may fail (no canvas).
 */
function printReportPaths(rep: ReportResult, io: Io): void {
  if (rep.written.includes(rep.htmlPath)) io.out(`report: ${rep.htmlPath}\n`);
  if (rep.written.includes(rep.summaryMdPath)) io.out(`summary: ${rep.summaryMdPath}\n`);
  const lost = [rep.htmlPath, rep.summaryMdPath].filter((p) => !rep.written.includes(p));
  if (lost.length > 0) {
    const why = rep.failures.map((f) => `${f.writes}: ${f.error?.message.split('\n')[0] ?? 'failed'}`).join('; ');
    throw new HarnessError(`report: ${lost.join(' and ')} must be written (got ${why || 'nothing written'})`, { code: 'internal', hint: 'the run itself is saved: fix the cause, then `npx capbench report <run dir>`' });
  }
}

async function renderReportLazy(dirs: string[], flags: { slo: SloConfig; out?: string; failOnGates?: boolean; report?: boolean }, log: (l: string) => void, baselineDirs?: string[]): Promise<ReportResult> {
  const { renderReport } = await import('../report/index.ts');
  return renderReport({
    runDirs: dirs,
    ...(baselineDirs ? { baselineDirs } : {}),
    slo: flags.slo,
    ...(flags.out ? { outDir: flags.out } : {}),
    ...(flags.failOnGates ? { failOnGates: true } : {}),
    log,
  });
}
