// Minimal loopback server for bench:self: answers "ok" after argv[2] ms. Reports its port over IPC.
'use strict';
const http = require('node:http');
const delay = Number(process.argv[2] || 0);
const body = Buffer.from('ok');
const server = http.createServer((req, res) => {
  const end = () => { res.writeHead(200, { 'content-length': '2', 'x-served-by': 'bench', 'x-app-version': 'v1' }); res.end(body); };
  if (delay > 0) setTimeout(end, delay); else end();
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('SIGTERM', () => process.exit(0));
