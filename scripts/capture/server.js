// Loopback servers for scripts/capture-profiles.sh (Node's stdlib only).
//   node server.js CERT KEY TLS_PORT HTTP_PORT H2C_PORT
// TLS_PORT:  TLS with ALPN h2 and http/1.1 (http2.createSecureServer, allowHTTP1)
// HTTP_PORT: plain HTTP/1.1 (answers an h2c Upgrade request as HTTP/1.1)
// H2C_PORT:  cleartext HTTP/2 with prior knowledge (h2c)
// Binds 127.0.0.1 and ::1 only. Every answer is a tiny HTML page.
'use strict';
const fs = require('fs');
const http = require('http');
const http2 = require('http2');

const [cert, key, tlsPort, httpPort, h2cPort] = process.argv.slice(2);
// The data: icon keeps browsers from asking for /favicon.ico, so each run makes the same requests.
const body = '<!doctype html><link rel="icon" href="data:,"><title>capture</title><p>ok</p>\n';
const handler = (req, res) => {
  res.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'});
  res.end(body);
};
const hosts = ['127.0.0.1', '::1'];
const listen = (make, port) => {
  for (const host of hosts) {
    const s = make();
    s.on('error', (e) => { console.error(`server ${host}:${port}: ${e.message}`); });
    s.listen(Number(port), host);
  }
};
const tls = {cert: fs.readFileSync(cert), key: fs.readFileSync(key), allowHTTP1: true,
             ALPNProtocols: ['h2', 'http/1.1']};
listen(() => http2.createSecureServer(tls, handler), tlsPort);
listen(() => http.createServer(handler), httpPort);
listen(() => http2.createServer(handler), h2cPort);
console.log('ready');
