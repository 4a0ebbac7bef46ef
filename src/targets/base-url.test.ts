import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HarnessError } from '../model/index.ts';
import { baseUrlNotice, isLoopbackHost, parseBaseUrl } from './base-url.ts';

test('isLoopbackHost: 127.0.0.0/8, ::1 and localhost only, by text (names are never resolved)', () => {
  const table: Array<[string, boolean]> = [
    ['127.0.0.1', true], ['127.0.0.2', true], ['127.255.255.254', true], ['localhost', true], ['LOCALHOST', true],
    ['::1', true], ['[::1]', true], ['::ffff:127.0.0.2', true],
    ['128.0.0.1', false], ['10.0.0.1', false], ['0.0.0.0', false], ['192.168.49.2', false], ['::', false], ['::ffff:10.0.0.1', false],
    ['localhost.example', false], ['127.0.0.1.nip.io', false], ['app.staging.example', false],
  ];
  for (const [host, want] of table) assert.equal(isLoopbackHost(host), want, host);
});

test('parseBaseUrl: loopback URLs pass without --allow-remote; the trailing slash goes', () => {
  assert.deepEqual(parseBaseUrl('http://127.0.0.2:8080/', { allowRemote: false }), { url: 'http://127.0.0.2:8080', host: '127.0.0.2', loopback: true });
  assert.deepEqual(parseBaseUrl('http://[::1]:9000/app/', { allowRemote: false }), { url: 'http://[::1]:9000/app', host: '::1', loopback: true });
  assert.deepEqual(parseBaseUrl('https://localhost', { allowRemote: false }), { url: 'https://localhost', host: 'localhost', loopback: true });
});

test('parseBaseUrl: off loopback is a usage error (exit 2) unless allowRemote', () => {
  for (const raw of ['http://10.0.0.5', 'https://app.staging.example', 'http://0.0.0.0:8080', 'http://[2001:db8::1]/']) {
    assert.throws(() => parseBaseUrl(raw, { allowRemote: false }), (e: unknown) => e instanceof HarnessError && e.exitCode === 2 && /must be a loopback address/.test(e.message) && /--allow-remote/.test(e.hint ?? ''), raw);
    const ok = parseBaseUrl(raw, { allowRemote: true });
    assert.equal(ok.loopback, false, raw);
  }
});

test('parseBaseUrl: bad shapes are usage errors naming the value', () => {
  const table: Array<[string, RegExp]> = [
    ['127.0.0.2:8080', /scheme must be http or https|absolute/],
    ['not a url', /must be an absolute http/],
    ['ftp://127.0.0.1/', /scheme must be http or https \(got "ftp"\)/],
    ['http://u:p@127.0.0.1/', /without credentials, query or fragment/],
    ['http://127.0.0.1/?x=1', /without credentials, query or fragment/],
    ['http://127.0.0.1/#top', /without credentials, query or fragment/],
  ];
  for (const [raw, re] of table) assert.throws(() => parseBaseUrl(raw, { allowRemote: true }), (e: unknown) => e instanceof HarnessError && e.exitCode === 2 && re.test(e.message), raw);
});

test('baseUrlNotice names the address, and says plainly when it is not this machine', () => {
  assert.match(baseUrlNotice(parseBaseUrl('http://127.0.0.2:8080', { allowRemote: false })), /^load goes to http:\/\/127\.0\.0\.2:8080 \(--base-url, loopback\)$/);
  assert.match(baseUrlNotice(parseBaseUrl('https://app.example', { allowRemote: true })), /^load goes to https:\/\/app\.example — NOT this machine's loopback/);
});
