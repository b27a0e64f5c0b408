#!/usr/bin/env python3
"""TLS decryption end to end: curl against nginx on loopback (TLS 1.2 and 1.3; AES-128-GCM,
AES-256-GCM, ChaCha20-Poly1305; HTTP/1.1 and HTTP/2, two requests per connection so the second
HTTP/2 header block leans on the first's HPACK dynamic table), captured with tcpdump, the key log
written by curl (SSLKEYLOGFILE). `fingerprint analyze --keylog` is checked against tshark's own
decryption of the same capture with the same key log:
  HTTP/2: the Akamai fingerprint (tshark's frames) and one JA4H per request, computed here from
          the header lists tshark decodes (Rust convention: pseudo-headers counted and hashed);
  HTTP/1: one JA4H per request, from tshark's request lines.
The same capture analysed without the key log must give no JA4H (the decryption is the source).

  python3 tests/clients/decrypt_clients_test.py --bin path/to/fingerprint

Needs root (capture on lo), nginx, tcpdump, tshark, curl, openssl. Exit 77 when one is missing.
"""
import argparse, hashlib, os, shutil, signal, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_capture  # noqa: E402  (Tshark, akamai_from_pdml: tshark's side of the checks)
import clients_helper  # noqa: E402

PASSED, FAILED = [], []

# name, curl options, expected TLS version, HTTP version
CASES = [
    ('tls13-aes128-h2', ['--http2', '--tls13-ciphers', 'TLS_AES_128_GCM_SHA256'], 'h2'),
    ('tls13-chacha-h2', ['--http2', '--tls13-ciphers', 'TLS_CHACHA20_POLY1305_SHA256'], 'h2'),
    ('tls13-aes256-h1', ['--http1.1', '--tls13-ciphers', 'TLS_AES_256_GCM_SHA384'], 'h1'),
    ('tls12-aes128-h2', ['--http2', '--tls-max', '1.2', '--ciphers',
                         'ECDHE-RSA-AES128-GCM-SHA256'], 'h2'),
    ('tls12-aes256-h1', ['--http1.1', '--tls-max', '1.2', '--ciphers',
                         'ECDHE-RSA-AES256-GCM-SHA384'], 'h1'),
    ('tls12-chacha-h2', ['--http2', '--tls-max', '1.2', '--ciphers',
                         'ECDHE-RSA-CHACHA20-POLY1305'], 'h2'),
]
EXTRA_HEADERS = ['-H', 'Cookie: b=2; a=1', '-H', 'Referer: https://fp.test/from',
                 '-H', 'Accept-Language: en-GB,en;q=0.8', '-H', 'X-Test: decrypt']

NGINX_CONF = """daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {tmp}/cert.pem; ssl_certificate_key {tmp}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_session_tickets off;
    root {tmp}/www;
  }}
}}
"""


def check(ok, what, detail=''):
    (PASSED if ok else FAILED).append(what)
    print(('ok   ' if ok else 'FAIL ') + what + ('' if ok else f': {detail}'))


def sha12(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else '000000000000'


def ja4h(method, version, headers):
    """JA4H (spec/JA4H.png) from (name, value) pairs in wire order; pseudo-headers count."""
    names = [n for n, _ in headers if n.lower() not in ('cookie', 'referer')]
    cookies = []
    for n, v in headers:
        if n.lower() == 'cookie':
            cookies += [c.strip() for c in v.split(';') if c.strip()]
    referer = any(n.lower() == 'referer' for n, _ in headers)
    lang = next((v for n, v in headers if n.lower() == 'accept-language'), '')
    lang = lang.split(',')[0].split(';')[0].replace('-', '').lower()[:4]
    lang = (lang + '0000')[:4] if lang else '0000'
    a = '%s%s%s%s%02d%s' % (method[:2].lower(), version, 'c' if cookies else 'n',
                            'r' if referer else 'n', min(len(names), 99), lang)
    cookie_names = sorted(c.split('=', 1)[0] for c in cookies)
    return '_'.join([a, sha12(','.join(names)), sha12(','.join(cookie_names)),
                     sha12(','.join(sorted(cookies)))])


def tshark_requests(ts, port):
    """{tcp.stream: [JA4H of each client request]} from tshark's decrypted HTTP/1 and HTTP/2."""
    out = {}
    for row in ts.fields(f'http.request and tcp.dstport=={port}',
                         ['tcp.stream', 'http.request.method', 'http.request.version',
                          'http.request.line']):
        lines = [l for l in row['http.request.line'].split('|') if l]
        # tshark prints each line's CRLF as the four characters \r\n.
        lines = [l[:-4] if l.endswith('\\r\\n') else l.rstrip('\r\n') for l in lines]
        headers = [tuple(x.strip() for x in l.split(':', 1)) for l in lines]
        version = row['http.request.version'].replace('HTTP/', '').replace('.', '')
        out.setdefault(int(row['tcp.stream']), []).append(
            ja4h(row['http.request.method'], version, headers))
    # HTTP/2: every HEADERS frame of the client (one per request here; curl sends no trailers).
    for row in ts.fields(f'http2.type == 1 and tcp.dstport=={port}',
                         ['tcp.stream', 'http2.type', 'http2.header.name', 'http2.header.value']):
        types = row['http2.type'].split('|')
        names = row['http2.header.name'].split('|')
        values = row['http2.header.value'].split('|')
        if types.count('1') != 1 or len(names) != len(values):
            raise RuntimeError(f'cannot split the HEADERS frames of one packet: {row}')
        headers = list(zip(names, values))
        method = dict(headers).get(':method', '')
        out.setdefault(int(row['tcp.stream']), []).append(ja4h(method, '20', headers))
    return out


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    args = ap.parse_args()
    for tool in ('nginx', 'tcpdump', 'tshark', 'curl', 'openssl'):
        if not shutil.which(tool):
            print(f'SKIP: {tool} is not installed')
            return 77
    if os.geteuid() != 0:
        print('SKIP: capturing on lo needs root')
        return 77
    tmp = tempfile.mkdtemp(prefix='fp-decrypt.')
    procs = []
    try:
        return run_test(args, tmp, procs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        if os.environ.get('FP_KEEP_TMP') == '1':
            print(f'kept {tmp}')
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run_test(args, tmp, procs):
    os.makedirs(f'{tmp}/www')
    for name in ('a.txt', 'b.txt'):
        with open(f'{tmp}/www/{name}', 'w') as f:
            f.write(name * 10)
    r = run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj',
             '/CN=fp.test', '-keyout', f'{tmp}/key.pem', '-out', f'{tmp}/cert.pem'])
    if r.returncode != 0:
        check(False, 'self-signed certificate', r.stderr)
        return 1
    port, probe = (int(p) for p in subprocess.run(
        [sys.executable, f'{HERE}/clients_helper.py', 'ports', '2'], capture_output=True,
        text=True).stdout.split())
    with open(f'{tmp}/nginx.conf', 'w') as f:
        f.write(NGINX_CONF.format(tmp=tmp, port=port))
    procs.append(subprocess.Popen(['nginx', '-p', tmp, '-c', f'{tmp}/nginx.conf'],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    if clients_helper.wait_listen('127.0.0.1', port) != 0:
        check(False, 'nginx starts', open(f'{tmp}/nginx-error.log').read())
        return 1
    pcap = f'{tmp}/decrypt.pcap'
    procs.append(subprocess.Popen(
        ['tcpdump', '-i', 'lo', '-n', '-s', '0', '-U', '--immediate-mode', '-Z', 'root', '-w',
         pcap, f'tcp and (port {port} or port {probe})'],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    if clients_helper.wait_capture(pcap, '127.0.0.1', probe) != 0:
        check(False, 'tcpdump captures on lo')
        return 1
    keylog = f'{tmp}/keys.log'
    env = dict(os.environ, SSLKEYLOGFILE=keylog)
    base = f'https://fp.test:{port}'
    for name, options, _ in CASES:
        r = run(['curl', '-sSk', '--resolve', f'fp.test:{port}:127.0.0.1', *options,
                 *EXTRA_HEADERS, f'{base}/a.txt', f'{base}/b.txt', '-o', '/dev/null', '-o',
                 '/dev/null'], env=env)
        check(r.returncode == 0, f'{name}: curl', r.stderr)
    time.sleep(0.5)
    procs[-1].send_signal(signal.SIGINT)
    procs[-1].wait(10)

    ours = {}
    p = run([args.bin, 'analyze', '--format', 'jsonl', '--keylog', keylog, pcap])
    check(p.returncode == 0, 'analyze --keylog exits 0', p.stderr)
    import json
    for line in p.stdout.splitlines():
        rec = json.loads(line)
        if rec.get('dst_port') == port:
            ours[rec['stream']] = rec
    ts = check_capture.Tshark(pcap, [])
    ts.decode += ['-o', f'tls.keylog_file:{keylog}']
    theirs = tshark_requests(ts, port)
    akamai = check_capture.akamai_from_pdml(ts.pdml('http2'), port)
    streams = sorted(s for s in ours if ours[s].get('ja4'))
    check(len(streams) == len(CASES), 'one TLS stream per curl run', f'{streams}')
    for (name, _, http), stream in zip(CASES, streams):
        rec = ours[stream]
        got = [h['ja4h'] for h in rec.get('http', [])]
        want = theirs.get(stream)
        check(want is not None and len(want) == 2, f'{name}: tshark decrypts 2 requests', f'{want}')
        check(got == want, f'{name}: JA4H of both requests', f'ours {got} tshark {want}')
        if http == 'h2':
            check(rec.get('akamai_fingerprint') == akamai.get(stream), f'{name}: Akamai',
                  f'ours {rec.get("akamai_fingerprint")} tshark {akamai.get(stream)}')
    plain = run([args.bin, 'analyze', '--format', 'jsonl', pcap])
    leaked = [l for l in plain.stdout.splitlines() if '"ja4h"' in l]
    check(not leaked, 'without the key log: no JA4H', f'{len(leaked)} records')
    print(f'{len(PASSED)} passed, {len(FAILED)} failed')
    return 1 if FAILED else 0


if __name__ == '__main__':
    sys.exit(main())
