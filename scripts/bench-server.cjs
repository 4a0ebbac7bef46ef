// Minimal loopback HTTP/1.1 server for bench:self: a fixed 200 "ok" per request, after
// argv[2] ms. Raw TCP (no http module) so the server costs as little CPU as possible and
// the driver, not the server, is what is measured. Keep-alive; handles pipelined requests.
// Reports its port over IPC (or stdout when started by hand).
'use strict';
const net = require('node:net');
const delay = Number(process.argv[2] || 0);
const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-served-by: bench\r\nx-app-version: v1\r\nkeep-alive: timeout=60\r\n\r\nok');
const server = net.createServer((sock) => {
  sock.setNoDelay(true);
  let pending = '';
  sock.on('data', (chunk) => {
    pending += chunk.latin1Slice ? chunk.latin1Slice(0, chunk.length) : chunk.toString('latin1');
    let n = 0;
    let i;
    while ((i = pending.indexOf('\r\n\r\n')) >= 0) {
      pending = pending.slice(i + 4);
      n++;
    }
    if (n === 0) return;
    const reply = () => {
      if (sock.destroyed) return;
      sock.write(n === 1 ? RESPONSE : Buffer.concat(Array(n).fill(RESPONSE)));
    };
    if (delay > 0) setTimeout(reply, delay); else reply();
  });
  sock.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  if (process.send) process.send(port); else console.log(port);
});
process.on('SIGTERM', () => process.exit(0));
