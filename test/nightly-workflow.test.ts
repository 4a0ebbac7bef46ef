/**
 * .github/workflows/nightly-capacity.yml cannot run here (GitHub Actions, kind, k6). This
 * checks what can be checked without running it: the YAML parses; it triggers on schedule
 * and workflow_dispatch; every `run:` refers to things that exist — `npm run X` scripts,
 * `npx capbench <command>` subcommands and their flags, flags passed to npm scripts that
 * call the CLI, repo paths — and the steps the nightly job needs are there (Node 20, k6,
 * kind with clusters/kind/cluster.yaml, baseline download, report with --baseline and
 * --fail-on-gates, summary, uploads that run always()).
 * k6: the workflow pins k6 to a version capbench's tests run on, and its k6 path — the bench
 * step's command with `--target local` instead of compose,kind, time-scaled — runs on real k6
 * of the pinned major (fails when none is found, unless CAPBENCH_SKIP_K6=1).
 * Not checked: action versions and inputs against the actions' own schemas (setup-k6-action's
 * `k6-version` input was read from its action.yaml at v1.2.1), the shell logic of the steps,
 * and anything else that happens at run time.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { buildProgram } from '../src/cli/program.ts';
import { PINNED_K6_VERSION, TESTED_K6_VERSIONS } from '../src/load/k6/find-k6.ts';
import { readRun } from '../src/store/run-store.ts';
import { cli, tempDir } from './cli-harness.ts';
import { realK6sOrError, skipK6 } from './k6-kit.ts';
import { presetNames } from '../src/targets/kubernetes/cluster-drivers.ts';
import { targetNames } from '../src/targets/registry.ts';
import { scenarioNames } from '../scenarios/lib/index.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WORKFLOW = join(REPO, '.github/workflows/nightly-capacity.yml');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>;
}

const wf = parse(readFileSync(WORKFLOW, 'utf8')) as Workflow;
const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
const runs = steps.filter((s) => typeof s.run === 'string').map((s) => ({ step: s.name ?? s.id ?? '?', script: s.run! }));
const program = buildProgram({ out: () => {}, err: () => {}, env: {}, cwd: REPO, installSignalHandlers: false, exitCode: undefined });

function command(path: string[]): Command | undefined {
  let c: Command | undefined = program;
  for (const name of path) c = c?.commands.find((x) => x.name() === name);
  return c;
}

/** the command lines of a `run:` script, continuation lines joined */
function lines(script: string): string[] {
  return script.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** `--flag` tokens of a command line (after the given start) */
function flags(tokens: string[]): string[] {
  return tokens.filter((t) => /^--?[a-z]/.test(t)).map((t) => t.replace(/=.*$/, ''));
}

function knownFlags(c: Command): string[] {
  return [...c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)), '--help', '-h'];
}

/** CLI targets a kind/minikube/local-k8s preset or a registered target may be named */
const targetLike = new Set<string>([...targetNames, ...presetNames, 'kubernetes', 'auto']);

describe('nightly-capacity workflow', () => {
  it('parses and triggers on schedule and workflow_dispatch', () => {
    assert.ok(wf.on && typeof wf.on === 'object', 'has `on:`');
    const schedule = wf.on['schedule'] as Array<{ cron: string }>;
    assert.ok(Array.isArray(schedule) && schedule.length > 0 && /^\S+ \S+ \S+ \S+ \S+$/.test(schedule[0]!.cron), 'schedule with a 5-field cron');
    assert.ok('workflow_dispatch' in wf.on);
  });

  it('sets up Node 20, k6 and kind with clusters/kind/cluster.yaml', () => {
    const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    assert.equal(String(node?.with?.['node-version']), '20');
    assert.ok(steps.some((s) => s.uses?.startsWith('grafana/setup-k6-action@')), 'k6');
    const kind = steps.find((s) => s.uses?.startsWith('helm/kind-action@'));
    assert.equal(kind?.with?.['config'], 'clusters/kind/cluster.yaml');
    assert.equal(kind?.with?.['cluster_name'], 'capbench', 'the name the kind preset expects (kind-capbench context)');
    assert.ok(existsSync(join(REPO, String(kind?.with?.['config']))));
  });

  it('every `npm run X` is a script of package.json; flags after `--` are flags of the CLI command the script runs', () => {
    let seen = 0;
    for (const { step, script } of runs) {
      for (const line of lines(script)) {
        const m = /npm run ([\w:-]+)(.*)$/.exec(line);
        if (!m) continue;
        seen++;
        const name = m[1]!;
        assert.ok(pkg.scripts[name], `${step}: npm run ${name} must be a script in package.json (got: ${Object.keys(pkg.scripts).join(', ')})`);
        const cliCall = /tsx src\/cli\/main\.ts ((?:[a-z][\w-]* ?)+)/.exec(pkg.scripts[name]!);
        const extra = /(?:^| )-- (.*)$/.exec(m[2]!.trim())?.[1];
        if (cliCall && extra) {
          const words = cliCall[1]!.trim().split(' ');
          const cmd = command(words.slice(0, 1)) ?? program;
          for (const f of flags(extra.split(/\s+/))) assert.ok(knownFlags(cmd).includes(f), `${step}: ${f} must be a flag of capbench ${words[0]} (got unknown)`);
          const target = /--target ([^\s"]+)/.exec(extra)?.[1];
          if (target) for (const t of target.split(',')) assert.ok(targetLike.has(t), `${step}: --target ${t} must be a target name (${[...targetLike].join(', ')})`);
        }
      }
    }
    // the bench calls `npx capbench run "$SCENARIO"` (one job per scenario): checked by the next test
    assert.ok(runs.some((r) => /^npm ci$/m.test(r.script)), 'npm ci');
    assert.ok(runs.some((r) => /npx capbench run "\$SCENARIO" /.test(r.script)), 'npx capbench run "$SCENARIO"');
  });

  it('every `npx capbench <command>` is a real subcommand with real flags', () => {
    let seen = 0;
    for (const { step, script } of runs) {
      for (const line of lines(script)) {
        const m = /npx capbench (.*)$/.exec(line);
        if (!m) continue;
        seen++;
        const tokens = m[1]!.split(/\s+/);
        const path: string[] = [];
        let c: Command = program;
        for (const t of tokens) {
          const sub = c.commands.find((x) => x.name() === t);
          if (!sub) break;
          path.push(t);
          c = sub;
        }
        assert.ok(path.length > 0 && c.commands.length === 0, `${step}: \`capbench ${tokens.slice(0, 2).join(' ')}\` must be a subcommand (${program.commands.map((x) => x.name()).join(', ')})`);
        for (const f of flags(tokens.slice(path.length))) assert.ok(knownFlags(c).includes(f), `${step}: ${f} must be a flag of capbench ${path.join(' ')}`);
        if (path[0] === 'cluster') assert.ok((presetNames as readonly string[]).includes(tokens[path.length]!), `${step}: cluster preset ${tokens[path.length]} must be one of ${presetNames.join(', ')}`);
      }
    }
    assert.ok(seen >= 2);
  });

  it('every repo path it mentions exists', () => {
    const text = readFileSync(WORKFLOW, 'utf8');
    const paths = [...text.matchAll(/\b((?:clusters|scripts|scenarios|src|test)\/[\w./-]*\w)/g)].map((m) => m[1]!);
    assert.ok(paths.includes('clusters/kind/cluster.yaml'));
    for (const p of new Set(paths)) assert.ok(existsSync(join(REPO, p)), `${p} must exist in the repo`);
  });

  it('bench: one job per scenario, 3 repetitions, full profiles on schedule, quick on workflow_dispatch, on compose and kind', () => {
    const bench = steps.find((s) => s.id === 'bench')!;
    assert.match(bench.run!, /npx capbench run "\$SCENARIO" --target compose,kind .*--repeat 3 /);
    const job = Object.values(wf.jobs)[0]! as { strategy?: { matrix?: { scenario?: string[] } }; env?: Record<string, string> };
    assert.deepEqual(job.strategy?.matrix?.scenario, scenarioNames.filter((n) => n !== 'capacity'), 'every scenario but the probe, which has its own job');
    assert.equal(job.env?.['SCENARIO'], '${{ matrix.scenario }}');
    assert.match(bench.run!, /if \[ "\$PROFILE" = quick \]; then quick=\(--quick\); fi/);
    const env = Object.values(wf.jobs)[0]!.env!;
    assert.equal(env['PROFILE'], "${{ github.event_name == 'schedule' && 'full' || 'quick' }}");
    assert.equal(bench['continue-on-error'], true, 'the report and the uploads still run; the last step fails the job');
    const last = Object.values(wf.jobs)[0]!.steps.at(-1)!;
    assert.equal(last.if, "steps.bench.outcome == 'failure'");
    assert.match(last.run!, /exit 1/);
  });

  it('baseline: the last successful run of this workflow, none is not an error', () => {
    const dl = steps.find((s) => s.uses?.startsWith('dawidd6/action-download-artifact@'))!;
    assert.equal(dl.with?.['workflow'], 'nightly-capacity.yml');
    assert.equal(dl.with?.['workflow_conclusion'], 'success');
    assert.equal(dl['continue-on-error'], true);
    const up = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    assert.ok(up.some((s) => s.with?.['name'] === dl.with?.['name']), 'downloads the artifact the uploads make');
    assert.ok(up.length >= 2 && up.every((s) => s.if === 'always()'), 'runs and report uploaded always()');
  });

  it('report: --baseline and --fail-on-gates; summary.md to $GITHUB_STEP_SUMMARY', () => {
    const report = steps.find((s) => s.id === 'report')!;
    assert.equal(report.if, 'always()');
    assert.match(report.run!, /npx capbench report "\$\{runs\[@\]\}" "\$\{args\[@\]\}"/);
    assert.match(report.run!, /--fail-on-gates/);
    assert.match(report.run!, /--baseline/);
    assert.ok(steps.some((s) => s.if === 'always()' && /summary\.md" >> "\$GITHUB_STEP_SUMMARY"/.test(s.run ?? '')));
  });

  it('no ${{ }} expression inside a run: script (they go through env: — no injection)', () => {
    for (const { step, script } of runs) assert.doesNotMatch(script, /\$\{\{/, step);
  });

  it('probe: the capacity probe on compose and kind, then the plan against the last probe (exit 5 on a drop in per-replica capacity)', () => {
    const probe = wf.jobs['probe'];
    assert.ok(probe, 'a job `probe`');
    const run = probe.steps.find((s) => s.id === 'probe')!.run!;
    assert.match(run, /npx capbench run capacity --target compose,kind --replicas 1,2,3 --driver k6 /);
    const plan = probe.steps.map((s) => s.run ?? '').find((r) => r.includes('npx capbench plan'))!;
    assert.match(plan, /--fail-on-regression/);
    assert.match(plan, /args\+=\(--baseline "\$\{baseline\[@\]\}"\)/);
    const dl = probe.steps.find((s) => s.uses?.startsWith('dawidd6/action-download-artifact'))!;
    const up = probe.steps.find((s) => s.name === 'upload probe')!;
    assert.equal(dl.with?.['name'], up.with?.['name'], 'the baseline is the artifact this job uploads');
  });

  it('the targets it benches are registered (kind is a preset of the kubernetes target)', { todo: (targetNames as string[]).includes('kind') ? undefined : 'kind is not registered in src/targets/registry.ts yet' }, () => {
    assert.ok((targetNames as string[]).includes('compose'));
    assert.ok((targetNames as string[]).includes('kind'), `kind must be a registered target (got ${targetNames.join(', ')})`);
  });
});

describe('nightly-capacity workflow: k6', () => {
  const setup = steps.find((s) => s.uses?.startsWith('grafana/setup-k6-action@'))!;
  const pin = String(setup.with?.['k6-version'] ?? '');
  const bench = steps.find((s) => s.id === 'bench')!;

  it('pins k6 to the version capbench pins and tests (the action installs "latest" otherwise)', () => {
    assert.match(pin, /^\d+\.\d+\.\d+$/, `setup-k6-action's k6-version must be an exact version (got ${JSON.stringify(pin)})`);
    assert.equal(`v${pin}`, PINNED_K6_VERSION, 'the version scripts/setup/k6.sh installs');
    assert.ok((TESTED_K6_VERSIONS as readonly string[]).includes(`v${pin}`), `v${pin} must be one of the tested versions ${TESTED_K6_VERSIONS.join(', ')}`);
    assert.match(setup.uses!, /^grafana\/setup-k6-action@[0-9a-f]{40}$/, 'the action itself pinned to a commit');
    assert.ok(steps.some((s) => s.run !== undefined && s.run.includes(`k6 version | grep -F 'k6 v${pin}'`)), 'a step checks the k6 on PATH is the pinned one');
    assert.match(bench.run!, /--driver k6 /, 'the bench uses k6, not whatever auto finds');
    assert.match(readFileSync(join(REPO, 'scripts/setup/k6.sh'), 'utf8'), new RegExp(`^PINNED=v${pin.replace(/\./g, '\\.')}$`, 'm'), 'scripts/setup/k6.sh installs the same version');
  });

  describe('its k6 path on real k6 of the pinned major', { skip: skipK6 }, async () => {
    const { k6s, missing } = await realK6sOrError();
    const major = Number(pin.split('.')[0]);
    const k6 = k6s.find((k) => k.version.major === major);
    it(`bench (npx capbench run "$SCENARIO" … --driver k6 --no-report, on local, each scenario of the matrix) then report, on k6 v${major}.x`, async () => {
      if (missing) throw missing;
      assert.ok(k6, `real k6 v${major}.x must be installed (got ${k6s.map((k) => k.tag).join(', ') || 'none'}); hint: bash scripts/setup/k6.sh`);
      const line = lines(bench.run!).find((l) => l.includes('npx capbench run "$SCENARIO"'))!;
      const extra = /npx capbench run "\$SCENARIO" (.*)$/.exec(line)![1]!.split(/\s+/);
      const out = tempDir('capbench-nightly-k6-');
      // --repeat 3 is asserted above; 2 here show the k6 path keeps every repetition at half the time
      const args = extra.map((t) => (t === '"$RUNS_DIR"' ? out : t === '"${quick[@]}"' ? '--quick' : t));
      args[args.indexOf('--target') + 1] = 'local';
      args[args.indexOf('--repeat') + 1] = '2';
      for (const scenario of scenarioNames.filter((n) => n !== 'capacity')) {
        // × 0.1: the rolling update must finish inside its run (the local target leaks a replica it is still starting)
        const r = await cli(['run', scenario, ...args, '--time-scale', '0.1'], { env: { ...process.env, K6_BIN: k6!.path }, cwd: REPO });
        assert.equal(r.code, 0, r.err + r.out);
      }
      const runs = readdirSync(out).map((d) => join(out, d));
      assert.equal(runs.length, 3, 'one run per scenario');
      for (const d of runs) {
        const saved = readRun(d);
        assert.equal(saved.record.driver, 'k6');
        assert.equal(saved.record.versions['driver'], k6!.version.line);
        assert.equal(saved.record.repeat, 2);
        assert.deepEqual(saved.record.targets.map((t) => [t.leg, t.status, t.error]), [['local.rep1', 'completed', undefined], ['local.rep2', 'completed', undefined]]);
        assert.ok(!existsSync(join(d, 'report')), '--no-report');
      }
      const rep = await cli(['report', ...runs, '--out', join(out, 'report'), '--fail-on-gates'], { cwd: REPO });
      assert.ok(rep.code === 0 || rep.code === 5, `report exits 0, or 5 for failed gates (got ${rep.code})\n${rep.err}`);
      assert.ok(existsSync(join(out, 'report', 'summary.md')));
    });
  });
});
