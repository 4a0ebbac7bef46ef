// Round-robin reverse proxy for the `local` target: the embedded stand-in for a load
// balancer. Plain Node, no dependencies, its own process (so it never competes with the
// load driver's event loop). Env: PORT, UPSTREAMS="127.0.0.1:p1,127.0.0.1:p2".
// Routes only to upstreams whose /readyz answered 200 at the last check (every 500 ms);
// a connection error marks an upstream down at once and the request gets 502.
// Scaling (started with an IPC channel): the parent sends
//   { type: 'upstreams', seq, upstreams: ['127.0.0.1:p', …] }
// the list is replaced at once (a removed upstream gets no further request), every upstream
// is checked, and the proxy answers { type: 'upstreams', seq, ready: [the ready ones] }.
'use strict';
const http = require('node:http');

const port = Number(process.env.PORT);
const parse = (hp) => {
  const [host, p] = hp.split(':');
  return { host, port: Number(p), ready: false };
};
let upstreams = String(process.env.UPSTREAMS || '').split(',').filter(Boolean).map(parse);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512 });
let next = 0;

function pick() {
  for (let i = 0; i < upstreams.length; i++) {
    const u = upstreams[(next + i) % upstreams.length];
    if (u.ready) {
      next = (next + i + 1) % upstreams.length;
      return u;
    }
  }
  return null;
}

function check(u) {
  return new Promise((resolve) => {
    const req = http.get({ host: u.host, port: u.port, path: '/readyz', agent: false, timeout: 1000 }, (res) => {
      u.ready = res.statusCode === 200;
      res.resume();
      resolve();
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      u.ready = false;
      resolve();
    });
  });
}
setInterval(() => upstreams.forEach(check), 500).unref();
upstreams.forEach(check);

if (process.send) {
  process.on('message', (m) => {
    if (!m || m.type !== 'upstreams' || !Array.isArray(m.upstreams)) return;
    const known = new Map(upstreams.map((u) => [`${u.host}:${u.port}`, u]));
    upstreams = m.upstreams.map((hp) => known.get(hp) || parse(hp));
    next = 0;
    Promise.all(upstreams.map(check)).then(() => {
      const ready = upstreams.filter((u) => u.ready).map((u) => `${u.host}:${u.port}`);
      if (process.connected) process.send({ type: 'upstreams', seq: m.seq, ready });
    });
  });
  // the harness is gone: keep serving (its cleanup ends this process), do not die with it
  process.on('disconnect', () => undefined);
}

const server = http.createServer((req, res) => {
  if (req.url === '/__capbench/upstreams') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(upstreams));
  }
  const u = pick();
  if (!u) {
    res.writeHead(503, { 'content-type': 'text/plain', 'x-served-by': 'rr-proxy' });
    return res.end('no ready upstream');
  }
  const up = http.request({ host: u.host, port: u.port, path: req.url, method: req.method, headers: req.headers, agent }, (ur) => {
    res.writeHead(ur.statusCode || 502, ur.headers);
    ur.pipe(res);
  });
  up.on('error', () => {
    u.ready = false;
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain', 'x-served-by': 'rr-proxy' });
      res.end('upstream error');
    } else {
      res.destroy();
    }
  });
  req.pipe(up);
});
server.keepAliveTimeout = 65000;
server.on('error', (e) => {
  console.error(`rr-proxy: cannot listen on 127.0.0.1:${port}: ${e.message}`);
  process.exit(3);
});
server.listen(port, '127.0.0.1', () => console.log(`rr-proxy on 127.0.0.1:${port} → ${upstreams.map((u) => u.port).join(', ')}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
