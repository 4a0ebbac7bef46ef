import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { emptySlotCommand, fillSlotCommands, inMaintenance, parseServersState, parseStat, runtimeAnswerFailed, runtimeCommand, serverUp, slotName } from './haproxy-runtime.ts';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/haproxy/', import.meta.url));
const read = (f: string): string => readFileSync(`${fixtures}${f}`, 'utf8');

describe('HAProxy runtime commands', () => {
  it('fill a slot: its address and port, then out of maintenance', () => {
    assert.equal(slotName(3), 'api3');
    assert.deepEqual(fillSlotCommands(3, '10.244.2.7', 8080), ['set server api/api3 addr 10.244.2.7 port 8080', 'set server api/api3 state ready']);
  });

  it('empty a slot: into maintenance', () => {
    assert.equal(emptySlotCommand(12), 'set server api/api12 state maint');
  });

  it('answers that report a failure, and ones that do not (HAProxy 2.6 wording)', () => {
    for (const bad of ['No such server.\n', "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n", 'Unknown command. Please enter one of the following commands only :', 'Permission denied\n', "Require 'backend/server'.\n"]) {
      assert.equal(runtimeAnswerFailed(bad), true, bad);
    }
    for (const ok of ['', '\n', "IP changed from '127.0.0.1' to '10.244.2.7', no need to change the port by 'stats socket command'\n"]) {
      assert.equal(runtimeAnswerFailed(ok), false, ok);
    }
  });
});

describe('parseServersState', () => {
  it('reads the recorded answer by column name: two filled slots up, the rest in maintenance', () => {
    const s = parseServersState(read('show-servers-state.txt'));
    assert.equal(s.length, 32);
    assert.deepEqual(s[0], { backend: 'api', name: 'api1', addr: '127.0.0.21', port: 8080, opState: 2, adminState: 4 });
    assert.equal(s[2]!.name, 'api3');
    assert.equal(s[2]!.adminState, 5);
    assert.deepEqual(s.map(serverUp).filter(Boolean).length, 2);
    // the config's `disabled` leaves CMAINT (0x04) set after `state ready`: that alone is no maintenance
    assert.equal(inMaintenance(s[0]!), false);
    assert.equal(inMaintenance(s[2]!), true);
  });

  it('up and down: stopped (0) is down, starting (1) and running (2) are up, maintenance never', () => {
    assert.equal(serverUp({ opState: 0, adminState: 4 }), false);
    assert.equal(serverUp({ opState: 1, adminState: 0 }), true);
    assert.equal(serverUp({ opState: 2, adminState: 1 }), false);
    assert.equal(serverUp({ opState: 2, adminState: 0x20 }), false);
  });

  it('throws on an answer without the header', () => {
    assert.throws(() => parseServersState('Unknown command.\n'), /show servers state: answer must have a "# be_id …" header/);
  });
});

describe('parseStat', () => {
  it('frontend requests, retries, redispatches and requests per filled slot from the recorded CSV', () => {
    assert.deepEqual(parseStat(read('show-stat.csv')), { frontendRequests: 3, retries: 0, redispatches: 0, responses5xx: 0, byServer: { api1: 2, api2: 1 } });
  });

  it('throws on another format', () => {
    assert.throws(() => parseStat('No such proxy.\n'), /show stat: answer must start with a "# pxname,svname,…" header/);
  });
});

describe('runtimeCommand', () => {
  it('sends one line and resolves with everything HAProxy wrote before closing', async () => {
    const got: string[] = [];
    const server = createServer((sock) => {
      let buf = '';
      sock.on('data', (d) => (buf += d.toString()));
      sock.on('end', () => {
        got.push(buf);
        sock.end('line 1\nline 2\n\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      assert.equal(await runtimeCommand('127.0.0.1', port, 'show info'), 'line 1\nline 2\n\n');
      assert.deepEqual(got, ['show info\n']);
    } finally {
      server.close();
    }
  });

  it('rejects when nothing listens, and when the answer does not come in time', async () => {
    const server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      await assert.rejects(runtimeCommand('127.0.0.1', port, 'show stat', 200), /no answer to "show stat" within 200 ms/);
    } finally {
      server.close();
    }
    await assert.rejects(runtimeCommand('127.0.0.1', port, 'show stat', 2000), /ECONNREFUSED/);
  });
});
