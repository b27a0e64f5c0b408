#!/usr/bin/env python3
"""Time `fingerprint analyze --keylog` against tshark decrypting the same HTTPS capture.

The capture is FoxIO's `http2-with-cookies.pcapng` (Chrome to youtube.com: TLS 1.3, AES-128-GCM,
HTTP/2 with 15 requests, 1,607 frames, 2 MB), its one TCP connection repeated --copies times,
each copy from its own client port and shifted in time. The TLS secrets come from the file's own
Decryption Secrets Block, written out as an NSS key log that both tools are given
(`--keylog FILE`, `-o tls.keylog_file:FILE`); every copy has the same client random, so one key
log line set decrypts them all.

In one run: both tools must decode the same number of HTTP/2 requests (tshark: HEADERS frames
from the client with a `:method`; fingerprint: the JA4H values of its records); then CPU time
(user + system) and wall time, interleaved over --reps repetitions, ratio of the medians of CPU
time. tshark is asked for one field of each request (`http2.header.value` of `:path` would need
its header table too), so both decrypt and decode every HEADERS block.
"""
import argparse, json, os, struct, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_tshark_quic import report_cpu_ratios  # noqa: E402

SOURCE = 'http2-with-cookies.pcapng'
DSB = 0x0000000A
TLS_KEY_LOG = 0x544c534b


def read_pcapng(path):
    """(Ethernet frames of the Enhanced Packet Blocks, TLS key log text of the DSBs)."""
    with open(path, 'rb') as f:
        data = f.read()
    frames, key_log, pos = [], b'', 0
    while pos + 12 <= len(data):
        block_type, length = struct.unpack_from('<II', data, pos)
        if block_type == 6:
            captured = struct.unpack_from('<I', data, pos + 20)[0]
            frames.append(data[pos + 28:pos + 28 + captured])
        elif block_type == DSB:
            kind, size = struct.unpack_from('<II', data, pos + 8)
            if kind == TLS_KEY_LOG:
                key_log += data[pos + 16:pos + 16 + size]
        pos += length
    return frames, key_log


def tcp_ports_offset(frame):
    ethertype = struct.unpack('!H', frame[12:14])[0]
    if ethertype == 0x0800:
        return 14 + (frame[14] & 0x0f) * 4
    if ethertype == 0x86dd:
        return 54
    return None


def build_capture(frames, copies, path):
    client_port = struct.unpack('!H', frames[0][tcp_ports_offset(frames[0]):][:2])[0]
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for copy in range(copies):
            port = struct.pack('!H', 49152 + copy)
            for i, data in enumerate(frames):
                off = tcp_ports_offset(data)
                data = bytearray(data)
                if struct.unpack('!H', data[off:off + 2])[0] == client_port:
                    data[off:off + 2] = port
                else:
                    data[off + 2:off + 4] = port
                f.write(struct.pack('<IIII', 1_700_000_000 + copy * 10, i, len(data), len(data)))
                f.write(bytes(data))


def tshark_requests(path, key_log):
    out = subprocess.run(['tshark', '-n', '-r', path, '-o', f'tls.keylog_file:{key_log}', '-Y',
                          'http2.type == 1 && http2.header.name == ":method"', '-T', 'fields',
                          '-e', 'http2.streamid'], capture_output=True, text=True,
                         check=True).stdout
    return sum(len(line.split(',')) for line in out.splitlines() if line)


def our_requests(binary, path, key_log):
    out = subprocess.run([binary, 'analyze', '--format', 'jsonl', '--keylog', key_log, path],
                         capture_output=True, text=True, check=True).stdout
    return sum(len(json.loads(line).get('http', [])) for line in out.splitlines())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--testdata', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       '../../shared/testdata'))
    ap.add_argument('--copies', type=int, default=20)
    ap.add_argument('--reps', type=int, default=5)
    args = ap.parse_args()
    frames, key_log_text = read_pcapng(os.path.join(args.testdata, 'ja4/pcap', SOURCE))
    with tempfile.TemporaryDirectory() as tmp:
        path, key_log = os.path.join(tmp, 'https.pcap'), os.path.join(tmp, 'keys.log')
        with open(key_log, 'wb') as f:
            f.write(key_log_text)
        build_capture(frames, args.copies, path)
        print(f'capture: {os.path.getsize(path) / 2**20:.1f} MiB, {args.copies} HTTPS connections')
        want, got = tshark_requests(path, key_log), our_requests(args.bin, path, key_log)
        print(f'HTTP/2 requests decrypted: tshark {want}, fingerprint {got}')
        commands = {
            'fingerprint analyze --keylog': [args.bin, 'analyze', '--format', 'jsonl', '--keylog',
                                             key_log, path],
            'tshark -o tls.keylog_file … http2.streamid': [
                'tshark', '-n', '-r', path, '-o', f'tls.keylog_file:{key_log}', '-T', 'fields',
                '-e', 'http2.streamid'],
        }
        report_cpu_ratios(commands, args.reps)
        print(f'load average {os.getloadavg()[0]:.1f}')
        sys.exit(0 if want == got else 1)


if __name__ == '__main__':
    main()
