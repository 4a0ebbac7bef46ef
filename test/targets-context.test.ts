/**
 * `capbench targets --context NAME` through the CLI on a context whose API server does not
 * answer (a closed loopback port): exit 4, the failed check and its next command on stdout.
 * The checks themselves are unit-tested on a fake API (src/targets/kubernetes/context-check.test.ts)
 * and run for real on local-k8s in test/e2e/k8s.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { cli, tempDir } from './cli-harness.ts';

it('targets --context on an API server that does not answer: exit 4, what failed and what to run', async () => {
  const file = join(tempDir(), 'kubeconfig');
  writeFileSync(
    file,
    ['apiVersion: v1', 'kind: Config', 'clusters:', '- name: c\n  cluster:\n    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true', 'users:', '- name: u\n  user:\n    token: not-a-token', 'contexts:', '- name: dead\n  context:\n    cluster: c\n    user: u', 'current-context: dead', ''].join('\n'),
  );
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = file;
  try {
    const r = await cli(['targets', '--context', 'dead'], { env: { ...process.env, KUBECONFIG: file } });
    assert.equal(r.code, 4, r.err + r.out);
    assert.match(r.out, /^MISSING\s+API server\s+https:\/\/127\.0\.0\.1:1 does not answer/m);
    assert.match(r.out, /^\s+hint: kubectl --context dead get nodes$/m);
    assert.match(r.out, /context dead: 1 check\(s\) failed$/m);
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
});
