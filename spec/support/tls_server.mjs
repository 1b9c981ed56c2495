// spec/support/tls_server.mjs — an HTTPS server on loopback for the specs of
// the engine's HTTPS client (spec/http_tls_spec.lua): it answers every POST
// as the Bot API answers a sent message, and counts the TLS connections it
// accepted, so a spec can see whether the client reuses them.
//
//   node tls_server.mjs CERT KEY PORT_FILE [h2]
//
// With h2 it offers HTTP/2 as well (ALPN), as api.telegram.org may; the
// HTTPS benchmark (bench/https_calls.lua) compares the two.
// Listens on 127.0.0.1 on a free port and writes that port to PORT_FILE once
// listening. GET /connections answers {"connections": N}: the TLS
// handshakes completed so far. Idle connections are kept for 10 minutes, so
// a connection the client lost is the client's doing.
import https from 'node:https';
import http2 from 'node:http2';
import fs from 'node:fs';

const [cert, key, portFile] = process.argv.slice(2);
let connections = 0;
const h2 = process.argv[5] === 'h2';
const tls = { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
const handler = (req, res) => {
  req.resume();
  req.on('end', () => {
    const body = req.method === 'GET' && req.url === '/connections'
      ? { connections }
      : { ok: true, result: { message_id: 1 } };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
};
const server = h2 ? http2.createSecureServer({ ...tls, allowHTTP1: true }, handler) : https.createServer(tls, handler);
server.keepAliveTimeout = 600000;
server.headersTimeout = 601000;
server.requestTimeout = 0;
server.on('secureConnection', () => { connections++; });
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => process.exit(0));
