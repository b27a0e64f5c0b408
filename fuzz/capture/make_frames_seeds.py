#!/usr/bin/env python3
"""Writes the seed corpus of frames_fuzz from frames of the reference captures.

Input format of frames_fuzz.cc: one byte choosing the link type (index into LINK_TYPES), then
frames, each prefixed by its length as 2 bytes big-endian.

Usage: make_frames_seeds.py --testdata ../shared/testdata [--out fuzz/capture/corpus/frames_fuzz]
"""
import argparse
import os
import random
import struct

# The order of kLinkTypes in frames_fuzz.cc.
LINK_TYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276]
NULL, ETHERNET, RAW, LINUX_SLL, LINUX_SLL2 = 0, 1, 101, 113, 276


def read_capture(path):
    """(link type, [frame bytes]) of a pcap or pcapng file (first interface's link type)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xD4, 0x4D) else ">"
        link_type = struct.unpack(e + "I", data[20:24])[0]
        frames, off = [], 24
        while off + 16 <= len(data):
            caplen = struct.unpack(e + "I", data[off + 8:off + 12])[0]
            frames.append(data[off + 16:off + 16 + caplen])
            off += 16 + caplen
        return link_type, frames
    e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    link_types, frames, off = [], [], 0
    while off + 12 <= len(data):
        block_type, length = struct.unpack(e + "II", data[off:off + 8])
        body = data[off + 8:off + length - 4]
        if block_type == 1:  # Interface Description Block
            link_types.append(struct.unpack(e + "H", body[:2])[0])
        elif block_type == 6:  # Enhanced Packet Block
            caplen = struct.unpack(e + "I", body[12:16])[0]
            frames.append(body[20:20 + caplen])
        off += length
    return link_types[0], frames


def ip_of(link_type, frame):
    """The IP packet inside a frame of the reference captures' link types."""
    if link_type == ETHERNET:
        off = 12
        while frame[off:off + 2] in (b"\x81\x00", b"\x88\xa8"):
            off += 4
        return frame[off + 2:]
    if link_type == NULL:
        return frame[4:]
    return frame  # raw IP


def ethertype_of(ip):
    return b"\x86\xdd" if ip[0] >> 4 == 6 else b"\x08\x00"


def ethernet(ip, vlans=()):
    tags = b"".join(b"\x81\x00" + struct.pack(">H", v) for v in vlans)
    return bytes.fromhex("020000000002020000000001") + tags + ethertype_of(ip) + ip


def sll2(ip):
    # protocol, reserved, interface index, ARPHRD_ETHER, packet type, address length, address.
    return ethertype_of(ip) + bytes(2) + struct.pack(">IHBB", 2, 1, 4, 6) + bytes(8) + ip


def null_loopback(ip):
    return struct.pack("<I", 30 if ip[0] >> 4 == 6 else 2) + ip


def tcp_parts(ip):
    """(ip header, tcp header, payload) of an IPv4 or IPv6 TCP packet without extensions."""
    if ip[0] >> 4 == 4:
        ihl = (ip[0] & 0xF) * 4
        total = struct.unpack(">H", ip[2:4])[0] or len(ip)
        ip_header, rest = ip[:ihl], ip[ihl:total]
    else:
        ip_header, rest = ip[:40], ip[40:40 + struct.unpack(">H", ip[4:6])[0]]
    tcp_len = (rest[12] >> 4) * 4
    return ip_header, rest[:tcp_len], rest[tcp_len:]


def with_payload(ip, payload, seq_delta=0):
    """The TCP packet `ip` carrying `payload` instead, its sequence number moved by seq_delta."""
    ip_header, tcp, _ = tcp_parts(ip)
    seq = (struct.unpack(">I", tcp[4:8])[0] + seq_delta) & 0xFFFFFFFF
    tcp = tcp[:4] + struct.pack(">I", seq) + tcp[8:]
    if ip_header[0] >> 4 == 4:
        ip_header = ip_header[:2] + struct.pack(">H", len(ip_header) + len(tcp) + len(payload)) \
            + ip_header[4:]
    else:
        ip_header = ip_header[:4] + struct.pack(">H", len(tcp) + len(payload)) + ip_header[6:]
    return ip_header + tcp + payload


def seed(link_type, frames):
    out = bytes([LINK_TYPES.index(link_type)])
    for f in frames:
        out += struct.pack(">H", len(f)) + f[:0xFFFF]
    return out


def ips(testdata, name, first=None, last=None):
    link_type, frames = read_capture(os.path.join(testdata, name))
    return [ip_of(link_type, f) for f in frames[first:last]]


def make_seeds(testdata):
    seeds = {}
    # tls-alpn-h2.pcap: one IPv6 TLS 1.2 connection, BSD loopback; frame 4 is the ClientHello.
    alpn = ips(testdata, "ja4/pcap/tls-alpn-h2.pcap")
    seeds["tls_handshake"] = seed(NULL, [null_loopback(p) for p in alpn])
    hello_ip = alpn[3]
    hello = tcp_parts(hello_ip)[2]
    a, b = 7, len(hello) // 2
    pieces = [with_payload(hello_ip, hello[:a]), with_payload(hello_ip, hello[a:b], a),
              with_payload(hello_ip, hello[b:], b)]
    split = alpn[:3] + [pieces[2], pieces[0], pieces[2], pieces[1]] + alpn[4:]
    seeds["tls_handshake_split"] = seed(NULL, [null_loopback(p) for p in split])
    seeds["sll2"] = seed(LINUX_SLL2, [sll2(p) for p in alpn])

    # http1.pcapng: the client bytes of streams 2, 3 and 4 (two POSTs with Content-Length bodies
    # and a GET; tests/http/vectors/http1-streams.tsv) pipelined on stream 2's connection, in
    # segments of 1400 bytes, the last two swapped.
    http = ips(testdata, "ja4/pcap/http1.pcapng", 7, 8)[0]
    streams = os.path.join(os.path.dirname(__file__), "../../tests/http/vectors/http1-streams.tsv")
    with open(streams) as f:
        rows = [l.rstrip("\n").split("\t") for l in f]
    pipelined = b"".join(bytes.fromhex(r[3]) for r in rows
                         if r[0] == "http1.pcapng" and r[2] in ("2", "3", "4"))
    segments = [ethernet(with_payload(http, pipelined[o:o + 1400], o))
                for o in range(0, len(pipelined), 1400)]
    segments[-2:] = segments[-1:] + segments[-2:-1]
    seeds["http1_pipelined"] = seed(ETHERNET, segments)

    # curl 7.88.1's h2c prior-knowledge preface (tests/http/vectors/h2c-clients.tsv) on the
    # handshake of tls-alpn-h2.pcap's connection, split inside the magic.
    vectors = os.path.join(os.path.dirname(__file__), "../../tests/http/vectors/h2c-clients.tsv")
    with open(vectors) as f:
        curl = bytes.fromhex(next(l.split("\t")[1] for l in f if l.startswith("curl-")))
    seeds["h2c_preface"] = seed(RAW, alpn[:3] + [with_payload(alpn[3], curl[:10]),
                                                 with_payload(alpn[3], curl[10:], 10)])

    # v6.pcap frames 16-30: an IPv6 TCP connection from its SYN, Ethernet.
    seeds["ipv6_syn"] = seed(ETHERNET, [ethernet(p) for p in ips(testdata, "ja4/pcap/v6.pcap", 15, 30)])

    # tls-handshake.pcapng: the first connections behind one 802.1Q tag, then QinQ.
    tls = ips(testdata, "ja4/pcap/tls-handshake.pcapng", 0, 16)
    seeds["vlan_tagged"] = seed(ETHERNET, [ethernet(p, (100,) if i % 2 else (10, 20))
                                           for i, p in enumerate(tls)])

    # test2.pcap: raw IPv4, several TLS connections.
    seeds["raw_ip_connections"] = seed(RAW, ips(testdata, "ja3/dreadl0ck/test2.pcap", 0, 40))

    rng = random.Random(7)
    seeds["garbage"] = bytes([1]) + b"".join(
        struct.pack(">H", n) + rng.randbytes(n) for n in (0, 1, 13, 14, 60, 200, 1500))
    return seeds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--testdata", required=True)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__),
                                                      "corpus/frames_fuzz"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, data in make_seeds(args.testdata).items():
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
