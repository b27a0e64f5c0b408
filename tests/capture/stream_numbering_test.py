#!/usr/bin/env python3
"""Stream numbers against tshark's own `tcp.stream`, on captures built here for the cases where
tshark numbers a conversation that no packet carries: the tunnel of a SOCKS connection on port
1080 (its SOCKS dissector opens one when the first bytes after a granted reply pass through it).

Each scenario is a pcap of hand-built connections; the expectation is what tshark (run here, on
the same file) prints, per client port. Nothing expected comes from our own output.
"""
import argparse, json, os, struct, subprocess, sys, tempfile


def checksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def frame(src, dst, sport, dport, seq, ack, flags, data=b''):
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    pseudo = src + dst + struct.pack('!BBH', 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', checksum(pseudo + tcp)) + tcp[18:]
    return b'\0' * 6 + b'\x11' * 6 + b'\x08\x00' + ip + tcp


CLIENT, SERVER = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
SYN, SYN_ACK, ACK, PSH_ACK = 0x02, 0x12, 0x10, 0x18


class Conn:
    def __init__(self, client_port, server_port):
        self.cp, self.sp, self.cs, self.ss = client_port, server_port, 1000, 5000

    def open(self):
        out = [frame(CLIENT, SERVER, self.cp, self.sp, self.cs, 0, SYN),
               frame(SERVER, CLIENT, self.sp, self.cp, self.ss, self.cs + 1, SYN_ACK)]
        self.cs += 1
        self.ss += 1
        out.append(frame(CLIENT, SERVER, self.cp, self.sp, self.cs, self.ss, ACK))
        return out

    def syn(self):
        return [frame(CLIENT, SERVER, self.cp, self.sp, self.cs, 0, SYN)]

    def ack(self):
        return [frame(CLIENT, SERVER, self.cp, self.sp, self.cs, self.ss, ACK)]

    def client(self, data):
        f = frame(CLIENT, SERVER, self.cp, self.sp, self.cs, self.ss, PSH_ACK, data)
        self.cs += len(data)
        return [f]

    def server(self, data):
        f = frame(SERVER, CLIENT, self.sp, self.cp, self.ss, self.cs, PSH_ACK, data)
        self.ss += len(data)
        return [f]


SOCKS4_REQUEST = b'\x04\x01\x01\xbb\x5d\xb8\xd8\x22user\x00'
SOCKS4_GRANTED = b'\x00\x5a' + b'\0' * 6
SOCKS4_REFUSED = b'\x00\x5b' + b'\0' * 6
SOCKS5_GREETING, SOCKS5_CHOICE = b'\x05\x01\x00', b'\x05\x00'
SOCKS5_REQUEST = b'\x05\x01\x00\x01\x5d\xb8\xd8\x22\x01\xbb'
SOCKS5_GRANTED = b'\x05\x00\x00\x01' + b'\0' * 6
GET = b'GET / HTTP/1.1\r\nHost: a\r\n\r\n'
OK = b'HTTP/1.1 200 OK\r\n\r\n'


def scenario(name, port=1080):
    a, b, d = Conn(40000, port), Conn(40001, 80), Conn(40002, 80)
    socks4 = a.open() + a.client(SOCKS4_REQUEST)
    if name == 'client data after the reply':
        return socks4 + a.server(SOCKS4_GRANTED) + a.client(GET) + b.syn() + a.client(GET) + d.syn()
    if name == 'server data first':
        return socks4 + a.server(SOCKS4_GRANTED) + a.server(OK) + b.syn() + a.client(GET) + d.syn()
    if name == 'a new connection between request and reply':
        return socks4 + b.syn() + a.server(SOCKS4_GRANTED) + d.syn()
    if name == 'refused':
        return socks4 + a.server(SOCKS4_REFUSED) + a.client(GET) + b.syn()
    if name == 'no reply':
        return socks4 + b.syn()
    if name == 'only an ACK after the reply':
        return socks4 + a.server(SOCKS4_GRANTED) + a.ack() + b.syn() + d.syn()
    if name == 'socks5':
        return (a.open() + a.client(SOCKS5_GREETING) + a.server(SOCKS5_CHOICE) +
                a.client(SOCKS5_REQUEST) + a.server(SOCKS5_GRANTED) + a.client(GET) + b.syn() +
                d.syn())
    raise ValueError(name)


SCENARIOS = [('client data after the reply', 1080), ('server data first', 1080),
             ('a new connection between request and reply', 1080), ('refused', 1080),
             ('no reply', 1080), ('only an ACK after the reply', 1080), ('socks5', 1080),
             ('client data after the reply', 1081), ('socks5', 9050)]


def write_pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, data in enumerate(frames):
            f.write(struct.pack('<IIII', i, 0, len(data), len(data)) + data)


def tshark_streams(path):
    out = subprocess.run(['tshark', '-n', '-r', path, '-Y', 'tcp.flags.syn==1 && tcp.flags.ack==0',
                          '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.stream'],
                         capture_output=True, text=True, check=True).stdout
    return {int(p): int(s) for p, s in (line.split('\t') for line in out.splitlines())}


def our_streams(binary, path):
    out = subprocess.run([binary, 'analyze', '--format', 'jsonl', path], capture_output=True,
                         text=True).stdout
    records = [json.loads(line) for line in out.splitlines()]
    return {int(r['src_port']): int(r['stream']) for r in records if r['transport'] == 'tcp'}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    args = ap.parse_args()
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, port in SCENARIOS:
            path = os.path.join(tmp, 'case.pcap')
            write_pcap(path, scenario(name, port))
            want, got = tshark_streams(path), our_streams(args.bin, path)
            ok = want == got and len(want) >= 2
            passed += ok
            failed += not ok
            print(f'{"ok  " if ok else "FAIL"} port {port}, {name}: tshark {want} ours {got}')
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
