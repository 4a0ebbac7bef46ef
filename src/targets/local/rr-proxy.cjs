// Round-robin reverse proxy for the `local` target: the embedded stand-in for a load
// balancer. Plain Node, no dependencies, its own process (so it never competes with the
// load driver's event loop). Env: PORT, UPSTREAMS="127.0.0.1:p1,127.0.0.1:p2".
// Routes only to upstreams whose /readyz answered 200 at the last check (every 500 ms);
// a connection error marks an upstream down at once and the request gets 502.
'use strict';
const http = require('node:http');

const port = Number(process.env.PORT);
const upstreams = String(process.env.UPSTREAMS || '').split(',').filter(Boolean).map((hp) => {
  const [host, p] = hp.split(':');
  return { host, port: Number(p), ready: false };
});
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
  const req = http.get({ host: u.host, port: u.port, path: '/readyz', agent: false, timeout: 1000 }, (res) => {
    u.ready = res.statusCode === 200;
    res.resume();
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => { u.ready = false; });
}
setInterval(() => upstreams.forEach(check), 500).unref();
upstreams.forEach(check);

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
