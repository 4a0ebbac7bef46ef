#!/usr/bin/env node
// capbench local-k8s metrics adapter (ES module, Node >= 18): a tiny metrics.k8s.io/v1beta1 server (NodeMetrics,
// PodMetrics) fed from each kubelet's /stats/summary. No npm dependencies.
// The kube-apiserver's aggregator proxies to it (APIService v1beta1.metrics.k8s.io ->
// ExternalName Service -> 127.0.0.1:<port>); requests must carry the front-proxy client
// certificate. It reads nodes/pods from the API with its own client certificate.
import https from 'node:https';
import fs from 'node:fs';

function parseArgs(argv) {
  const out = {};
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (!m) throw new Error(`bad argument ${a} (expected --name=value)`);
    out[m[1]] = m[2];
  }
  for (const k of ['listen', 'tls-cert', 'tls-key', 'requestheader-ca', 'api-server', 'ca', 'client-cert', 'client-key']) {
    if (!out[k]) throw new Error(`missing --${k}`);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const [listenHost, listenPort] = args.listen.split(':');
const ca = fs.readFileSync(args.ca);
const clientCert = fs.readFileSync(args['client-cert']);
const clientKey = fs.readFileSync(args['client-key']);
const allowedNames = (args['requestheader-allowed-names'] || 'front-proxy-client').split(',');
const WINDOW = '30s';
const GV = 'metrics.k8s.io/v1beta1';

function log(...m) { console.log(new Date().toISOString(), ...m); }

// kind's kubelets (kubeadm default) serve self-signed certificates: --kubelet-insecure-tls=true
// skips verifying them, as metrics-server's flag of the same name does. The API is always verified.
const kubeletInsecure = args['kubelet-insecure-tls'] === 'true';

function getJSON(url, timeoutMs = 8000, verify = true) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, cert: clientCert, key: clientKey, timeout: timeoutMs, rejectUnauthorized: verify }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(Object.assign(new Error(`${url}: HTTP ${res.statusCode} ${body.slice(0, 200)}`), { status: res.statusCode }));
        try { resolve(JSON.parse(body)); } catch (e) { reject(e); }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
  });
}

function api(path, query) {
  const u = new URL(path, args['api-server']);
  for (const [k, v] of Object.entries(query || {})) if (v) u.searchParams.set(k, v);
  return getJSON(u);
}

// ---- kubelet summaries, cached briefly so the HPA and kubectl top share one scrape
let summaryCache = { at: 0, promise: null };
function summaries() {
  const now = Date.now();
  if (summaryCache.promise && now - summaryCache.at < 2000) return summaryCache.promise;
  summaryCache = { at: now, promise: scrape() };
  return summaryCache.promise;
}

async function scrape() {
  const nodes = await api('/api/v1/nodes');
  const results = await Promise.all(nodes.items.map(async (node) => {
    const addr = (node.status.addresses || []).find((a) => a.type === 'InternalIP') || { address: node.metadata.name };
    const port = (((node.status.daemonEndpoints || {}).kubeletEndpoint) || {}).Port || 10250;
    try {
      const s = await getJSON(`https://${addr.address}:${port}/stats/summary?only_cpu_and_memory=true`, 5000, !kubeletInsecure);
      return { node, summary: s };
    } catch (e) {
      log(`scrape ${node.metadata.name} failed: ${e.message}`);
      return { node, summary: null };
    }
  }));
  return results;
}

function cpuQ(nano) { return `${Math.round(nano)}n`; }
function memQ(bytes) { return `${Math.round(bytes / 1024)}Ki`; }

function nodeMetrics(node, summary) {
  const n = summary && summary.node;
  if (!n || !n.cpu || n.cpu.usageNanoCores === undefined || !n.memory || n.memory.workingSetBytes === undefined) return null;
  return {
    kind: 'NodeMetrics', apiVersion: GV,
    metadata: { name: node.metadata.name, labels: node.metadata.labels || {}, creationTimestamp: new Date().toISOString(), selfLink: `/apis/${GV}/nodes/${node.metadata.name}` },
    timestamp: n.cpu.time || new Date().toISOString(), window: WINDOW,
    usage: { cpu: cpuQ(n.cpu.usageNanoCores), memory: memQ(n.memory.workingSetBytes) },
  };
}

function podMetrics(pod, podStats) {
  const containers = [];
  let ts = null;
  for (const c of pod.spec.containers) {
    const cs = (podStats.containers || []).find((x) => x.name === c.name);
    if (!cs || !cs.cpu || cs.cpu.usageNanoCores === undefined) return null; // incomplete: skip the pod
    const mem = (cs.memory && cs.memory.workingSetBytes) || 0;
    containers.push({ name: c.name, usage: { cpu: cpuQ(cs.cpu.usageNanoCores), memory: memQ(mem) } });
    if (!ts || cs.cpu.time < ts) ts = cs.cpu.time;
  }
  return {
    kind: 'PodMetrics', apiVersion: GV,
    metadata: {
      name: pod.metadata.name, namespace: pod.metadata.namespace, labels: pod.metadata.labels || {},
      creationTimestamp: new Date().toISOString(),
      selfLink: `/apis/${GV}/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`,
    },
    timestamp: ts || new Date().toISOString(), window: WINDOW, containers,
  };
}

async function listNodeMetrics(query, name) {
  const all = await summaries();
  let allowed = null;
  if (query.labelSelector) {
    const nodes = await api('/api/v1/nodes', { labelSelector: query.labelSelector });
    allowed = new Set(nodes.items.map((n) => n.metadata.name));
  }
  return all
    .filter(({ node }) => (!name || node.metadata.name === name) && (!allowed || allowed.has(node.metadata.name)))
    .map(({ node, summary }) => nodeMetrics(node, summary)).filter(Boolean);
}

async function listPodMetrics(query, namespace, name) {
  const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
  const q = { labelSelector: query.labelSelector, fieldSelector: name ? `metadata.name=${name}` : query.fieldSelector };
  const [pods, all] = await Promise.all([api(path, q), summaries()]);
  const stats = new Map();
  for (const { summary } of all) {
    for (const p of (summary && summary.pods) || []) stats.set(`${p.podRef.namespace}/${p.podRef.name}/${p.podRef.uid}`, p);
  }
  const out = [];
  for (const pod of pods.items) {
    if (pod.status.phase !== 'Running') continue;
    const s = stats.get(`${pod.metadata.namespace}/${pod.metadata.name}/${pod.metadata.uid}`);
    if (!s) continue;
    const m = podMetrics(pod, s);
    if (m) out.push(m);
  }
  return out;
}

// ---- HTTP
function send(res, code, obj) {
  const body = JSON.stringify(obj);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
function status(res, code, reason, message) {
  send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

const resourceList = {
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GV,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};
const group = {
  kind: 'APIGroup', apiVersion: 'v1', name: 'metrics.k8s.io',
  versions: [{ groupVersion: GV, version: 'v1beta1' }],
  preferredVersion: { groupVersion: GV, version: 'v1beta1' },
};

async function handle(req, res) {
  const url = new URL(req.url, 'https://localhost');
  const p = url.pathname.replace(/\/+$/, '') || '/';
  const query = Object.fromEntries(url.searchParams);
  if (p === '/healthz' || p === '/livez' || p === '/readyz') { res.writeHead(200); return res.end('ok'); }

  // Only the kube-apiserver's front proxy (client cert signed by the requestheader CA) may call us.
  const peer = req.socket.getPeerCertificate();
  if (!req.socket.authorized || !peer || !allowedNames.includes(peer.subject && peer.subject.CN)) {
    return status(res, 401, 'Unauthorized', 'front-proxy client certificate required');
  }
  if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', 'only GET is supported');

  if (p === '/openapi/v2') return send(res, 200, { swagger: '2.0', info: { title: 'capbench metrics adapter', version: 'v1beta1' }, paths: {} });
  if (p === '/apis') return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [group] });
  if (p === '/apis/metrics.k8s.io') return send(res, 200, group);
  if (p === `/apis/${GV}`) return send(res, 200, resourceList);

  let m;
  if ((m = new RegExp(`^/apis/${GV}/nodes(?:/([^/]+))?$`).exec(p))) {
    const items = await listNodeMetrics(query, m[1] && decodeURIComponent(m[1]));
    if (m[1]) return items[0] ? send(res, 200, items[0]) : status(res, 404, 'NotFound', `nodemetrics.metrics.k8s.io "${m[1]}" not found`);
    return send(res, 200, { kind: 'NodeMetricsList', apiVersion: GV, metadata: { selfLink: `/apis/${GV}/nodes` }, items });
  }
  if ((m = new RegExp(`^/apis/${GV}(?:/namespaces/([^/]+))?/pods(?:/([^/]+))?$`).exec(p))) {
    const ns = m[1] && decodeURIComponent(m[1]);
    const name = m[2] && decodeURIComponent(m[2]);
    if (name && !ns) return status(res, 404, 'NotFound', 'not found');
    const items = await listPodMetrics(query, ns, name);
    if (name) return items[0] ? send(res, 200, items[0]) : status(res, 404, 'NotFound', `podmetrics.metrics.k8s.io "${ns}/${name}" not found`);
    return send(res, 200, { kind: 'PodMetricsList', apiVersion: GV, metadata: { selfLink: p }, items });
  }
  return status(res, 404, 'NotFound', `no handler for ${p}`);
}

const server = https.createServer({
  cert: fs.readFileSync(args['tls-cert']),
  key: fs.readFileSync(args['tls-key']),
  ca: fs.readFileSync(args['requestheader-ca']),
  requestCert: true,
  rejectUnauthorized: false,
}, (req, res) => {
  handle(req, res).catch((e) => {
    log(`error ${req.method} ${req.url}: ${e.message}`);
    if (!res.headersSent) status(res, e.status === 404 ? 404 : 500, e.status === 404 ? 'NotFound' : 'InternalError', e.message);
  });
});
server.listen(Number(listenPort), listenHost, () => log(`metrics adapter listening on https://${listenHost}:${listenPort}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(); process.exit(0); });
