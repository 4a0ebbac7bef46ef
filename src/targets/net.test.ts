import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { getServedBy, servedByExactly, type ServedBy } from './net.ts';

/** a fake entry answering from a fixed script of replies, then repeating the last `cycle` */
function script(replies: ServedBy[], cycle: ServedBy[]): (url: string) => Promise<ServedBy> {
  let i = 0;
  return async () => {
    const r = i < replies.length ? replies[i] : cycle[(i - replies.length) % cycle.length];
    i++;
    return r!;
  };
}
const ok = (by: string | null): ServedBy => ({ status: 200, servedBy: by });
const wait = (get: (url: string) => Promise<ServedBy>, ms = 2000) => ({ deadlineMs: Date.now() + ms, signal: new AbortController().signal, get, concurrency: 1 });

test('servedByExactly: true once every expected replica answered in one clean stretch', async () => {
  assert.equal(await servedByExactly('u', new Set(['a', 'b', 'c']), wait(script([], [ok('a'), ok('b'), ok('c')]))), true);
});

test('servedByExactly: a removed replica still answering, an error or a missing name restarts the stretch', async () => {
  // b answers, then the removed x: the stretch starts again and must see a and b afresh
  const get = script([ok('b'), ok('x'), ok('a'), { status: 503, servedBy: 'a' }, ok('a')], [ok('b')]);
  assert.equal(await servedByExactly('u', new Set(['a', 'b']), wait(get)), true);
  const seen: string[] = [];
  assert.equal(await servedByExactly('u', new Set(['a', 'b']), wait(script([ok('b'), ok('x')], [ok('a')]), 200), seen), false);
  assert.deepEqual(seen, ['a', 'last other answer: HTTP 200 from x']);
});

test('servedByExactly: one expected answer is not enough; the stretch must hold minAnswers (a stale backend picked at random shows up)', async () => {
  const few = script([ok('a'), ok('a'), ok('x'), ok('a'), ok('a')], [ok('x'), ok('a')]);
  assert.equal(await servedByExactly('u', new Set(['a']), { ...wait(few, 200), minAnswers: 3 }), false);
  const settled = script([ok('a'), ok('x')], [ok('a')]);
  assert.equal(await servedByExactly('u', new Set(['a']), { ...wait(settled), minAnswers: 3 }), true);
});

test('servedByExactly: an app without x-served-by cannot be checked and passes at once', async () => {
  assert.equal(await servedByExactly('u', new Set(['a']), wait(script([], [ok(null)]))), true);
});

test('servedByExactly: false at the deadline with nothing answering', async () => {
  const seen: string[] = [];
  assert.equal(await servedByExactly('u', new Set(['a']), wait(script([], [{ status: 0, servedBy: null }]), 100), seen), false);
  assert.deepEqual(seen, ['last other answer: no answer']);
});

test('getServedBy: status and x-served-by over a fresh connection; 0 when nothing listens', async () => {
  const conns: string[] = [];
  const srv = createServer((req, res) => {
    conns.push(String(req.headers.connection));
    res.writeHead(200, { 'x-served-by': 'r1' }).end('ok');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  try {
    assert.deepEqual(await getServedBy(`http://127.0.0.1:${port}/readyz`), { status: 200, servedBy: 'r1' });
    assert.deepEqual(conns, ['close']);
  } finally {
    await new Promise((r) => srv.close(r));
  }
  assert.deepEqual(await getServedBy(`http://127.0.0.1:${port}/readyz`), { status: 0, servedBy: null });
});
