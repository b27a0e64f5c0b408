#!/usr/bin/env python3
# Writes the scenario-named HTTP/2 seeds of fuzz/http/corpus/http2_preface_fuzz/.
# Usage: fuzz/http/make_h2_seeds.py fuzz/http/corpus/http2_preface_fuzz
import struct, sys, os
d = sys.argv[1]
MAGIC = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
def frame(t, f, s, p): return struct.pack('>I', len(p))[1:] + bytes([t, f]) + struct.pack('>I', s) + p
def settings(kv): return frame(4, 0, 0, b''.join(struct.pack('>HI', k, v) for k, v in kv))
def wu(s, inc): return frame(8, 0, s, struct.pack('>I', inc))
def prio(s, e, dep, w): return frame(2, 0, s, struct.pack('>IB', (0x80000000 if e else 0) | dep, w))
def lit(n, v): return b'\x00' + bytes([len(n)]) + n + bytes([len(v)]) + v
block = lit(b':method', b'GET') + lit(b':authority', b'a.example') + lit(b':scheme', b'https') + lit(b':path', b'/') + lit(b'user-agent', b'x/1') + lit(b'cookie', b'a=1; b=2') + lit(b'accept-language', b'*')
chrome = settings([(1, 65536), (2, 0), (4, 6291456), (6, 262144)]) + wu(0, 15663105)
seeds = {
  'chrome_like': MAGIC + chrome + frame(1, 0x25, 1, b'\x80\x00\x00\x00\xff' + block),
  'firefox_priority': MAGIC + settings([(1, 65536), (4, 131072), (5, 16384)]) + wu(0, 12517377) + prio(3, 0, 0, 200) + prio(5, 0, 0, 100) + prio(9, 0, 7, 0) + frame(1, 5, 13, block),
  'continuation': MAGIC + settings([]) + frame(1, 1, 1, block[:20]) + frame(9, 0, 1, block[20:40]) + frame(9, 4, 1, block[40:]),
  'padded': MAGIC + settings([(3, 100)]) + frame(1, 0x0d, 1, b'\x04' + block + b'\0\0\0\0'),
  'truncated_frame': MAGIC + chrome + frame(1, 5, 1, block)[:-7],
  'huge_length': MAGIC + settings([]) + b'\xff\xff\xff\x01\x04\x00\x00\x00\x01abc',
  'empty_settings_node': MAGIC + settings([]) + frame(4, 1, 0, b'') + frame(1, 5, 1, block),
  'frames_only': b'\x00' + chrome + frame(1, 5, 1, block),
  'not_http2': b'GET / HTTP/1.1\r\nHost: h\r\n\r\n',
  'bad_hpack': MAGIC + settings([]) + frame(1, 5, 1, b'\xff\x7f\xff\xff'),
  'huffman_static': MAGIC + settings([]) + frame(1, 5, 1, bytes.fromhex('828784418cf1e3c2e5f23a6ba0ab90f4ff')),
}
for name, data in seeds.items():
    open(os.path.join(d, name), 'wb').write(data)
