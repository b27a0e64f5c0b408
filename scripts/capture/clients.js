// Node.js clients for scripts/capture-profiles.sh, each with Node's defaults.
//   node clients.js MODE URL...
// MODE https: the https module for https: URLs, the http module for http: URLs
//      http2: http2.connect(origin) and one GET (https: negotiates h2 by ALPN; http: is h2c)
//      fetch: the global fetch() (undici)
// The test CA comes from NODE_EXTRA_CA_CERTS. Requests run one after another.
'use strict';
const http = require('http');
const https = require('https');
const http2 = require('http2');

const [mode, ...urls] = process.argv.slice(2);

function viaModule(url) {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    mod.get(url, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
}

function viaHttp2(url) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const session = http2.connect(u.origin);
    session.on('error', reject);
    const req = session.request({':path': u.pathname});
    req.on('error', reject);
    req.resume();
    req.on('end', () => { session.close(); resolve(); });
    req.end();
  });
}

async function viaFetch(url) {
  const res = await fetch(url);
  await res.text();
}

const run = {https: viaModule, http2: viaHttp2, fetch: viaFetch}[mode];
if (!run) {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
(async () => {
  for (const url of urls) await run(url);
  // fetch keeps its pool alive; do not wait for it to time out.
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
