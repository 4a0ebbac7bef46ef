/**
 * After the README's steps `capbench` is not on PATH; `npx capbench` is. So every command a
 * user is told to run — in a hint or message of the harness (the code of src/ with its
 * comments stripped by esbuild, so only what the harness can print counts) and in the docs (README.md,
 * docs/, clusters/ and scripts/, whole text) — says `npx capbench <command>`. Commands are
 * the real CLI's subcommands. Prose that names a run ("a capbench run") is not a command.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { buildProgram } from '../src/cli/program.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const commands = buildProgram({ out: () => {}, err: () => {}, env: {}, cwd: REPO, installSignalHandlers: false, exitCode: undefined }).commands.map((c) => c.name());
/**
 * `capbench <command>` not after `npx `, a path or a word, nor after an article (prose: "a
 * capbench run"), nor the report page's own title ("capbench report — GO", "<h1>capbench report <span")
 */
const bare = new RegExp(`(?<![\\w./-]|npx |\\b(?:a|an|the|each|every|one|this|that) )capbench (?:${commands.join('|')})\\b(?! (?:—|\\\\u2014|<))`, 'g');

function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'fixtures' || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p, keep) : keep(e.name) ? [p] : [];
  });
}

/** TypeScript source without its comments (what it can print is in there) */
function codeOf(source: string): string {
  return transformSync(source, { loader: 'ts', legalComments: 'none' }).code;
}

const offenders = (text: string): string[] => [...text.matchAll(bare)].map((m) => text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).replace(/\s+/g, ' '));

describe('every command the user is told to run says npx capbench', () => {
  it('the CLI has the subcommands this test looks for, and the pattern tells a bare command from the rest', () => {
    for (const c of ['run', 'report', 'targets', 'cluster', 'cleanup']) assert.ok(commands.includes(c), `${c} in ${commands.join(', ')}`);
    assert.equal(offenders('hint: capbench cluster up kind').length, 1);
    assert.equal(offenders('run `capbench cleanup` first').length, 1);
    assert.deepEqual(offenders('hint: npx capbench cleanup · for a capbench run (got x) · clusters/capbench targets'), []);
    assert.deepEqual(offenders('<h1>capbench report <span> · <title>capbench report — GO'), [], "the page's title names the report, not a command");
    const code = codeOf('/** `capbench cleanup` runs this */\n// capbench run\nconst hint = `hint: capbench targets ${1}`;');
    assert.deepEqual(offenders(code).length, 1, `comments stripped, the string kept: ${code}`);
  });

  it('in the harness: hints and messages (the code of src/ without comments, tests and test kits aside)', () => {
    const found = files(join(REPO, 'src'), (n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
      .filter((f) => !relative(REPO, f).startsWith('src/testing/'))
      .flatMap((f) => offenders(codeOf(readFileSync(f, 'utf8'))).map((o) => `${relative(REPO, f)}: …${o}…`));
    assert.deepEqual(found, []);
  });

  it('in the docs and scripts: README.md, docs/, clusters/, scripts/', () => {
    const docs = [join(REPO, 'README.md'), ...['docs', 'clusters', 'scripts'].flatMap((d) => files(join(REPO, d), (n) => /\.(md|sh|ya?ml|mjs|ts|js|cjs)$/.test(n)))];
    const found = docs.flatMap((f) => offenders(readFileSync(f, 'utf8')).map((o) => `${relative(REPO, f)}: …${o}…`));
    assert.deepEqual(found, []);
  });
});
