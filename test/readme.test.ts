/**
 * Every command of README.md is either run here, run by another named test, or run by CI /
 * the nightly workflow, and the table below says which. A README command without an entry
 * fails this test; so does an entry whose command left the README, or whose test file is gone.
 * Commands come from the fenced ```sh blocks and from inline `npx capbench …` / `npm run …`
 * code spans.
 *
 * Every `capbench` command line is also parsed by the real CLI (its action replaced), so a
 * misspelt flag, a bad value or an unknown target in the README fails here even when the
 * command itself is too slow to run. `npx capbench X` is run as `node bin/capbench.js X`,
 * what npx runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { buildProgram } from '../src/cli/program.ts';
import { presetNames } from '../src/targets/kubernetes/cluster-drivers.ts';
import { parseTargetList, targetNames } from '../src/targets/registry.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

type Coverage =
  | { how: 'run here'; run: () => void }
  | { how: 'covered by .ci/run' }
  | { how: 'run by test'; test: string }
  | { how: 'covered by the nightly workflow'; evidence: RegExp };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []));
}

function sh(cmd: string, args: string[], timeoutMs: number): { code: number | null; out: string } {
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', timeout: timeoutMs, env: process.env });
  return { code: r.status, out: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}` };
}

const capbench = (args: string[], timeoutMs = 120_000) => sh(process.execPath, [pkg.bin['capbench']!, ...args], timeoutMs);

/** README command (comment stripped) → how it is exercised */
const coverage: Record<string, Coverage> = {
  'bash scripts/setup.sh --bench && npm run bench:spike': { how: 'run by test', test: 'test/e2e/readme-commands.test.ts' },
  'bash scripts/setup.sh && npm test': { how: 'covered by .ci/run' },
  'npx capbench run spike --target local,compose --quick': { how: 'run by test', test: 'test/e2e/compose.test.ts' },
  'npx capbench run node-crash --target compose --quick --reboot-delay 60': { how: 'run by test', test: 'test/sigkill-cleanup.test.ts' },
  'npx capbench run rolling-update --target local-k8s --quick': { how: 'run by test', test: 'test/e2e/k8s.test.ts' },
  // the measured-here table: the same runs, time-scaled, on the suites' shared cluster
  'npm run bench:spike': { how: 'run by test', test: 'test/e2e/readme-commands.test.ts' },
  'npx capbench run rolling-update --quick --target compose,local-k8s': { how: 'run by test', test: 'test/e2e/k8s.test.ts' },
  'npx capbench run node-crash --quick --target local-k8s --connections per-iteration --k8s-entry nodeport': { how: 'run by test', test: 'test/e2e/k8s.test.ts' },
  'npx capbench run node-crash --quick --target local-k8s --connections per-iteration --k8s-entry ingress': { how: 'run by test', test: 'test/e2e/k8s-entry.test.ts' },
  // the probe itself (orchestrator, both drivers, steps.csv, timeline marks) on the fixture app of known capacity
  'npx capbench run capacity --target local,compose --replicas 1,2,3 --quick': { how: 'run by test', test: 'test/capacity.test.ts' },
  'npx capbench cluster up local-k8s': { how: 'run by test', test: 'test/e2e/k8s.test.ts' },
  'npx capbench cluster down local-k8s': { how: 'run by test', test: 'test/e2e/k8s.test.ts' },
  'bash scripts/setup/k6.sh': { how: 'run by test', test: 'test/k6-setup.test.ts' },
  'npx capbench targets --context NAME': { how: 'run by test', test: 'test/e2e/k8s.test.ts' },
  'npx capbench run spike --target kubernetes --context staging --base-url http://127.0.0.2:8080': { how: 'run by test', test: 'test/e2e/k8s.test.ts' },
  'npx capbench run spike --target kubernetes --context staging --base-url https://app.staging.example --allow-remote': { how: 'run by test', test: 'test/base-url.test.ts' },
  'npx capbench run spike --target local --driver k6 --k6-out csv=k6.csv': { how: 'run by test', test: 'test/e2e/k6-local.test.ts' },
  'npx capbench plan reports/<capacity-run> --users 100,1000,10000': { how: 'run by test', test: 'test/plan-cli.test.ts' },
  'npx capbench plan reports/<capacity-run> --users 100,1000 --verify --target local --quick': { how: 'run by test', test: 'test/plan-verify.test.ts' },
  // the Plan section rendered from a plan.json beside synthetic capacity runs
  'npx capbench report reports/<capacity-run>': { how: 'run by test', test: 'src/report/plan.test.ts' },
  // the nightly runs each scenario in a job of its own (`capbench run "$SCENARIO"`, what `run all` loops over)
  'npm run bench:crash': { how: 'covered by the nightly workflow', evidence: /scenario: \[.*node-crash.*\][\s\S]*npx capbench run "\$SCENARIO" --target compose,kind/ },
  'npm run bench:rollout': { how: 'covered by the nightly workflow', evidence: /scenario: \[.*rolling-update.*\][\s\S]*npx capbench run "\$SCENARIO" --target compose,kind/ },
  'npm run bench:all': { how: 'covered by the nightly workflow', evidence: /scenario: \[spike, node-crash, rolling-update\][\s\S]*npx capbench run "\$SCENARIO" --target compose,kind/ },
  // the same orchestrator path with a Compose and a Kubernetes stand-in (fixture apps), --repeat 5
  'npx capbench run spike --target compose,kind --quick --repeat 5': { how: 'run by test', test: 'test/repeat.test.ts' },
  'npx capbench cluster up kind': { how: 'run by test', test: 'test/e2e/kind.test.ts' },
  'npx capbench cluster down kind': { how: 'run by test', test: 'test/e2e/kind.test.ts' },
  'npx capbench targets': {
    how: 'run here',
    run: () => {
      const r = capbench(['targets']);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /^usable +local /m);
      assert.match(r.out, /^(usable|unusable) +compose /m, 'says whether compose is usable and why');
      assert.match(r.out, /^k6: /m, 'and whether k6 was found');
    },
  },
  'npx capbench cleanup': {
    how: 'run here',
    run: () => {
      const r = capbench(['cleanup']);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /^cleanup: (nothing left over|\d+ item\(s\) removed)$/m);
    },
  },
  'npm run typecheck': {
    how: 'run here',
    run: () => {
      const r = sh('npm', ['run', 'typecheck'], 5 * 60_000);
      assert.equal(r.code, 0, r.out);
    },
  },
};

/** command lines of ```sh blocks and inline `npx capbench …` / `npm run …` spans */
function readmeCommands(): string[] {
  const out = new Set<string>();
  for (const m of README.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of m[1]!.split('\n')) {
      const cmd = line.replace(/\s+#.*$/, '').trim();
      if (cmd !== '' && !cmd.startsWith('#')) out.add(cmd);
    }
  }
  const prose = README.replace(/```[\s\S]*?```/g, '');
  for (const m of prose.matchAll(/`((?:npx capbench|npm run) [^`]+)`/g)) out.add(m[1]!.trim());
  return [...out];
}

/** Parse a capbench command line with the real CLI, its actions replaced by a recorder. */
async function parseOnly(args: string[]): Promise<{ path: string[]; opts: Record<string, unknown>; operands: unknown[] }> {
  let err = '';
  const program = buildProgram({ out: () => {}, err: (s) => void (err += s), env: process.env, cwd: REPO, installSignalHandlers: false, exitCode: undefined });
  let seen: { path: string[]; opts: Record<string, unknown>; operands: unknown[] } | null = null;
  const replace = (c: Command, path: string[]): void => {
    if (c.commands.length === 0) {
      c.action((...a: unknown[]) => {
        const cmd = a.at(-1) as Command;
        seen = { path, opts: cmd.opts(), operands: a.slice(0, -2) };
      });
    }
    for (const s of c.commands) replace(s, [...path, s.name()]);
  };
  replace(program, []);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new Error(`capbench ${args.join(' ')}: ${err.trim()}`);
    throw e;
  }
  assert.ok(seen, `capbench ${args.join(' ')} reached a command`);
  return seen;
}

describe('README commands', () => {
  const commands = readmeCommands();

  it('the table covers every README command, and nothing else', () => {
    assert.ok(commands.length >= 10, `found ${commands.length} commands`);
    const missing = commands.filter((c) => !(c in coverage));
    assert.deepEqual(missing, [], 'README commands without an entry in the table of test/readme.test.ts');
    const stale = Object.keys(coverage).filter((c) => !commands.includes(c));
    assert.deepEqual(stale, [], 'table entries no longer in the README');
  });

  it('every `npm run X` is a script of package.json', () => {
    for (const c of commands) for (const m of c.matchAll(/npm run ([\w:-]+)/g)) assert.ok(pkg.scripts[m[1]!], `${c}: ${m[1]} must be in package.json scripts`);
  });

  it('every capbench command line parses with the real CLI (flags, values, targets)', async () => {
    const futureTargets = new Set<string>([...presetNames, 'kubernetes']);
    for (const c of commands) {
      const m = /^npx capbench (.*)$/.exec(c);
      if (!m) continue;
      const parsed = await parseOnly(m[1]!.split(/\s+/));
      const target = parsed.opts['target'];
      if (parsed.path[0] === 'run' && typeof target === 'string') {
        const names = target.split(',');
        const pending = names.filter((n) => !(targetNames as string[]).includes(n));
        // kubernetes presets are named in the README before they are registered
        assert.deepEqual(pending.filter((n) => !futureTargets.has(n)), [], `${c}: unknown targets`);
        if (pending.length === 0) parseTargetList(target);
      }
    }
  });

  it('the kubernetes presets the README names are registered targets', () => {
    for (const t of ['local-k8s', 'kind', 'minikube']) assert.ok((targetNames as string[]).includes(t), `${t} must be registered (got ${targetNames.join(', ')})`);
  });

  for (const [cmd, cov] of Object.entries(coverage)) {
    if (cov.how === 'run here') {
      it(`run here: ${cmd}`, { timeout: 12 * 60_000 }, () => cov.run());
    } else if (cov.how === 'covered by .ci/run') {
      it(`covered by .ci/run: ${cmd}`, () => assert.match(readFileSync(join(REPO, '.ci/run'), 'utf8'), new RegExp(`^${cmd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm')));
    } else if (cov.how === 'run by test') {
      it(`run by ${cov.test}: ${cmd}`, () => assert.ok(existsSync(join(REPO, cov.test)), `${cov.test} must exist`));
    } else if (cov.how === 'covered by the nightly workflow') {
      it(`covered by the nightly workflow: ${cmd}`, () => {
        const wf = readFileSync(join(REPO, '.github/workflows/nightly-capacity.yml'), 'utf8');
        assert.match(wf, cov.evidence);
        // bench:crash and bench:rollout are two of the matrix's scenarios, quick: the workflow_dispatch run
        const script = /npm run ([\w:-]+)/.exec(cmd)?.[1];
        if (script && script !== 'bench:all') assert.match(pkg.scripts[script]!, /run (node-crash|rolling-update) --quick --target auto/);
      });
    }
  }
});

describe('README safety section matches behaviour', () => {
  const safety = README.slice(README.indexOf('## Safety'), README.indexOf('## Troubleshooting'));
  it('the claims are there', () => {
    assert.match(safety, /refuses to start while leftovers of an earlier run exist/);
    assert.match(safety, /npx capbench cleanup` repairs them, also after the harness was SIGKILLed/);
    assert.match(safety, /capbench\.run-id` \(and `capbench\.managed=true`\)/);
  });
  it('the troubleshooting messages are the ones the code prints', () => {
    const src = sourceFiles(join(REPO, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.match(src, /must be clean before a run \(got leftovers of an earlier run/);
    assert.match(src, /must be usable here \(got: /);
    assert.match(src, /must be free/);
    assert.match(src, /report: \$\{runJson\} must exist/); // README: `report: …/run.json must exist` (exercised in bad-input.test.ts)
  });
});
