// capbench reference app: stands for the seeds' API (an LLM-gateway-like service).
// GET /work   burns WORK_CPU_MS of CPU, then waits WORK_UPSTREAM_MS (the upstream call)
// GET /light  a cheap call (no CPU burn, short wait)
// GET /healthz liveness; GET /readyz readiness (503 while draining)
// SIGTERM: stop accepting, finish in-flight requests, exit.
// Plain Node, no dependencies: it runs as it is in the image, in pods and as a local process.
'use strict';
const http = require('node:http');
const os = require('node:os');

const num = (name, def) => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`app: ${name} must be a non-negative number (got ${JSON.stringify(v)})`);
    process.exit(2);
  }
  return n;
};

const PORT = num('PORT', 8080);
const HOST = process.env.HOST || '0.0.0.0';
const CPU_MS = num('WORK_CPU_MS', 20);
const UPSTREAM_MS = num('WORK_UPSTREAM_MS', 100);
const DRAIN_MS = num('DRAIN_DELAY_MS', 0);
const VERSION = process.env.APP_VERSION || 'v1';
const REPLICA = process.env.REPLICA_NAME || os.hostname();

let draining = false;
let inFlight = 0;

function burn(ms) {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  let x = 0;
  while (process.hrtime.bigint() < end) x += Math.sqrt(x + 1);
  return x;
}

function send(res, status, body) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-app-version': VERSION,
    'x-served-by': REPLICA,
  });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url || '/', 'http://x');
  if (url.pathname === '/healthz') return send(res, 200, { ok: true });
  if (url.pathname === '/readyz') return draining ? send(res, 503, { ready: false, draining: true }) : send(res, 200, { ready: true });
  if (url.pathname === '/work' || url.pathname === '/light') {
    const heavy = url.pathname === '/work';
    const cpu = Number(url.searchParams.get('cpuMs') ?? (heavy ? CPU_MS : 0));
    const wait = Number(url.searchParams.get('waitMs') ?? (heavy ? UPSTREAM_MS : 5));
    inFlight++;
    if (cpu > 0) burn(Math.min(cpu, 5000));
    setTimeout(() => {
      inFlight--;
      send(res, 200, { ok: true, version: VERSION, servedBy: REPLICA });
    }, Math.min(wait, 60000));
    return;
  }
  send(res, 404, { error: 'not found', path: url.pathname });
});
server.keepAliveTimeout = 65_000;

function shutdown(signal) {
  if (draining) return;
  draining = true;
  console.log(`app ${REPLICA}: ${signal}, draining (${inFlight} in flight)`);
  // keep answering for DRAIN_DELAY_MS so load balancers see /readyz fail first, then close
  setTimeout(() => {
    server.close(() => {
      console.log(`app ${REPLICA}: drained, exiting`);
      process.exit(0);
    });
    server.closeIdleConnections?.();
    setTimeout(() => process.exit(0), 30_000).unref();
  }, DRAIN_MS);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

server.listen(PORT, HOST, () => {
  console.log(`app ${REPLICA} ${VERSION} listening on ${HOST}:${PORT} (cpu ${CPU_MS} ms, upstream ${UPSTREAM_MS} ms)`);
});
