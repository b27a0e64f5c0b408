#!/usr/bin/env python3
"""Time `fingerprint analyze` against tshark on QUIC: both decrypt each connection's Initial
packets (RFC 9001 keys from the client's Destination Connection ID), reassemble the CRYPTO
frames and read the ClientHello.

The capture is built from FoxIO's reference QUIC captures (no QUIC client ships in Debian 12):
the client's Initial of `chrome-cloudflare-quic-with-secrets.pcapng` (Chrome) and of
`quic-with-several-tls-frames.pcapng` (the ClientHello split over several CRYPTO frames),
repeated --copies times. tshark follows QUIC connections by connection ID, so each copy is
re-protected (RFC 9001 5: Initial keys, AEAD and header protection, with python3-cryptography)
under a fresh Destination Connection ID, and sent from its own ephemeral client port (tshark gives some lower ports to other protocols,
memcached on 11211 for one): every copy is a
distinct connection to both tools. UDP checksums are zeroed (IPv4) or left stale (IPv6); neither
tool checks them.

In one run: the two tools must find the same number of QUIC ClientHellos with the same JA3
multiset; then CPU time (user + system) and wall time, interleaved over --reps repetitions,
ratio of the medians of CPU time.
"""
import argparse, collections, hashlib, hmac, json, os, statistics, struct, subprocess, sys
import resource, tempfile, time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

SOURCES = ['chrome-cloudflare-quic-with-secrets.pcapng', 'quic-with-several-tls-frames.pcapng']


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def read_pcapng(path):
    """The Ethernet frames of a little-endian pcapng file's Enhanced Packet Blocks. (editcap and
    tshark refuse to write these files as classic pcap: they carry a Decryption Secrets Block.)"""
    with open(path, 'rb') as f:
        data = f.read()
    frames, pos = [], 0
    while pos + 12 <= len(data):
        block_type, length = struct.unpack_from('<II', data, pos)
        if block_type == 1:
            assert struct.unpack_from('<H', data, pos + 8)[0] == 1, f'{path}: not Ethernet'
        if block_type == 6:
            high, low, captured = struct.unpack_from('<III', data, pos + 12)
            frames.append(data[pos + 28:pos + 28 + captured])
        pos += length
    return frames


def udp_offset(frame):
    """Offset of the UDP header in an Ethernet frame, or None."""
    ethertype = struct.unpack('!H', frame[12:14])[0]
    if ethertype == 0x0800 and frame[23] == 17:
        return 14 + (frame[14] & 0x0f) * 4, True
    if ethertype == 0x86dd and frame[20] == 17:
        return 54, False
    return None, None


V1_SALT = bytes.fromhex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a')


def hkdf_label(secret, label, length):
    info = struct.pack('!HB', length, 6 + len(label)) + b'tls13 ' + label + b'\0'
    return HKDFExpand(hashes.SHA256(), length, info).derive(secret)


def client_keys(dcid):
    """RFC 9001 5.2: the client's Initial key, IV and header-protection key."""
    initial = hmac.new(V1_SALT, dcid, hashlib.sha256).digest()
    secret = hkdf_label(initial, b'client in', 32)
    return (hkdf_label(secret, b'quic key', 16), hkdf_label(secret, b'quic iv', 12),
            hkdf_label(secret, b'quic hp', 16))


def hp_mask(hp_key, sample):
    encryptor = Cipher(algorithms.AES(hp_key), modes.ECB()).encryptor()
    return encryptor.update(sample) + encryptor.finalize()


def varint(data, pos):
    length = 1 << (data[pos] >> 6)
    value = data[pos] & 0x3f
    for b in data[pos + 1:pos + length]:
        value = (value << 8) | b
    return value, pos + length


def reprotect(packet, new_dcid):
    """A client Initial (one QUIC packet) opened with its own DCID's keys and sealed again under
    `new_dcid` (same length), with the same packet number."""
    dcid_len = packet[5]
    dcid = packet[6:6 + dcid_len]
    pos = 6 + dcid_len
    pos += 1 + packet[pos]                      # SCID
    token_len, pos = varint(packet, pos)
    pos += token_len
    length, pn_offset = varint(packet, pos)
    key, iv, hp = client_keys(dcid)
    mask = hp_mask(hp, packet[pn_offset + 4:pn_offset + 20])
    first = packet[0] ^ (mask[0] & 0x0f)
    pn_len = (first & 0x03) + 1
    pn = bytes(a ^ b for a, b in zip(packet[pn_offset:pn_offset + pn_len], mask[1:]))
    header = bytes([first]) + packet[1:pn_offset] + pn
    end = pn_offset + length
    nonce = bytes(a ^ b for a, b in zip(iv, pn.rjust(12, b'\0')))
    plain = AESGCM(key).decrypt(nonce, packet[pn_offset + pn_len:end], header)
    header = header[:6] + new_dcid + header[6 + dcid_len:]
    key, iv, hp = client_keys(new_dcid)
    nonce = bytes(a ^ b for a, b in zip(iv, pn.rjust(12, b'\0')))
    sealed = AESGCM(key).encrypt(nonce, plain, header)
    mask = hp_mask(hp, sealed[4 - pn_len:20 - pn_len])
    out = bytearray(header + sealed)
    out[0] ^= mask[0] & 0x0f
    for i in range(pn_len):
        out[pn_offset + i] ^= mask[1 + i]
    return bytes(out) + packet[end:]


def client_initials(testdata):
    """The first client datagram (an Initial carrying the ClientHello) of every source."""
    out = []
    for name in SOURCES:
        frames = [f for f in read_pcapng(os.path.join(testdata, 'ja4/pcap', name))
                  if udp_offset(f)[0] is not None]
        out.append(frames[0])
    return out


def build_capture(initials, copies, path):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        for copy in range(copies):
            data = bytearray(initials[copy % len(initials)])
            off, v4 = udp_offset(data)
            quic = bytes(data[off + 8:])
            data[off + 8:] = reprotect(quic, hashlib.sha256(b'%d' % copy).digest()[:quic[5]])
            data[off:off + 2] = struct.pack('!H', 49152 + copy % 16000)
            if v4:
                data[off + 6:off + 8] = b'\0\0'
            f.write(struct.pack('<IIII', 1_700_000_000 + copy, 0, len(data), len(data)))
            f.write(bytes(data))


def tshark_ja3(path):
    out = subprocess.run(['tshark', '-n', '-r', path, '-Y', 'tls.handshake.type==1', '-T',
                          'fields', '-e', 'tls.handshake.ja3'], capture_output=True, text=True,
                         check=True).stdout
    return collections.Counter(line for line in out.splitlines() if line)


def ours_ja3(binary, path):
    out = subprocess.run([binary, 'analyze', '--format', 'jsonl', path], capture_output=True,
                         text=True, check=True).stdout
    records = [json.loads(line) for line in out.splitlines()]
    return collections.Counter(r['ja3'] for r in records if r['transport'] == 'udp' and 'ja3' in r)


def timed(cmd):
    """(wall seconds, CPU seconds: user + system of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def report_cpu_ratios(commands, reps):
    """Runs the commands interleaved `reps` times; prints the median CPU and wall time of each
    and its CPU-time ratio to the first. CPU time is the figure to read on a loaded machine."""
    times = {name: [] for name in commands}
    for _ in range(reps):
        for name, cmd in commands.items():
            times[name].append(timed(cmd))
    base = statistics.median(t[1] for t in next(iter(times.values())))
    for name, t in times.items():
        cpu, wall = statistics.median(x[1] for x in t), statistics.median(x[0] for x in t)
        print(f'{name:45s} CPU {cpu * 1000:7.0f} ms  wall {wall * 1000:7.0f} ms'
              f'  CPU ratio {cpu / base:5.1f}x')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--testdata', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       '../../shared/testdata'))
    ap.add_argument('--copies', type=int, default=5000)
    ap.add_argument('--reps', type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'quic.pcap')
        build_capture(client_initials(args.testdata), args.copies, path)
        log(f'capture: {os.path.getsize(path) / 2**20:.1f} MiB, {args.copies} QUIC connections')
        want, got = tshark_ja3(path), ours_ja3(args.bin, path)
        print(f'ClientHellos: tshark {sum(want.values())}, fingerprint {sum(got.values())}; '
              f'JA3 multiset {"identical" if want == got else "DIFFERENT"}')
        commands = {
            'fingerprint analyze --format jsonl': [args.bin, 'analyze', '--format', 'jsonl', path],
            'tshark -T fields -e tls.handshake.ja3': ['tshark', '-n', '-r', path, '-T', 'fields',
                                                      '-e', 'tls.handshake.ja3'],
        }
        report_cpu_ratios(commands, args.reps)
        print(f'load average {os.getloadavg()[0]:.1f}')
        sys.exit(0 if want == got else 1)


if __name__ == '__main__':
    main()
