#!/usr/bin/env python3
"""Print the extension types of every TLS ClientHello in a pcap, in wire order, GREASE kept.

    hello_extensions.py FILE.pcap  ->  one JSON object: {"<client port>": ["0a0a", "0000", ...]}

The analyzer's record gives extensions in wire order without GREASE (ja4_ro) and sorted with
GREASE (peetprint); profiles want wire order with each GREASE value written 0a0a, so this reads
the ClientHello itself. Classic pcap only (what tcpdump -w writes); Ethernet, Linux SLL/SLL2,
raw IP and loopback (BSD null) link types; IPv4 and IPv6; TCP segments joined by sequence number.
"""
import json
import struct
import sys


def is_grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap file")
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        yield linktype, data[off:off + incl]
        off += incl


def ip_payload(linktype, frame):
    if linktype == 1:  # Ethernet
        ethertype, off = struct.unpack(">H", frame[12:14])[0], 14
        while ethertype in (0x8100, 0x88A8):
            ethertype, off = struct.unpack(">H", frame[off + 2:off + 4])[0], off + 4
    elif linktype == 113:  # Linux SLL
        ethertype, off = struct.unpack(">H", frame[14:16])[0], 16
    elif linktype == 276:  # Linux SLL2
        ethertype, off = struct.unpack(">H", frame[0:2])[0], 20
    elif linktype in (0, 108):  # BSD loopback
        family = struct.unpack("<I", frame[:4])[0]
        ethertype, off = (0x0800 if family == 2 else 0x86DD), 4
    elif linktype in (101, 12, 14):  # raw IP
        ethertype, off = (0x0800 if frame[0] >> 4 == 4 else 0x86DD), 0
    else:
        return None
    ip = frame[off:]
    if ethertype == 0x0800 and len(ip) >= 20:
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        if ip[9] != 6:
            return None
        return ip[12:16], ip[16:20], ip[ihl:total]
    if ethertype == 0x86DD and len(ip) >= 40:
        plen = struct.unpack(">H", ip[4:6])[0]
        if ip[6] != 6:  # extension headers are not expected on loopback
            return None
        return ip[8:24], ip[24:40], ip[40:40 + plen]
    return None


def client_hello_extensions(stream):
    """Extension types of the ClientHello at the start of `stream`, or None."""
    hs = b""
    off = 0
    while off + 5 <= len(stream) and stream[off] == 22:
        length = struct.unpack(">H", stream[off + 3:off + 5])[0]
        hs += stream[off + 5:off + 5 + length]
        off += 5 + length
        if len(hs) >= 4 and len(hs) >= 4 + int.from_bytes(hs[1:4], "big"):
            break
    if len(hs) < 4 or hs[0] != 1:
        return None
    body = hs[4:4 + int.from_bytes(hs[1:4], "big")]
    try:
        p = 2 + 32
        p += 1 + body[p]
        p += 2 + struct.unpack(">H", body[p:p + 2])[0]
        p += 1 + body[p]
        end = p + 2 + struct.unpack(">H", body[p:p + 2])[0]
        p += 2
        out = []
        while p + 4 <= end:
            etype, elen = struct.unpack(">HH", body[p:p + 4])
            out.append("0a0a" if is_grease(etype) else f"{etype:04x}")
            p += 4 + elen
        return out
    except (IndexError, struct.error):
        return None


def main():
    flows = {}
    for linktype, frame in packets(sys.argv[1]):
        ip = ip_payload(linktype, frame)
        if ip is None:
            continue
        src, dst, tcp = ip
        if len(tcp) < 20:
            continue
        sport, dport, seq = struct.unpack(">HHI", tcp[:8])
        flags = tcp[13]
        payload = tcp[(tcp[12] >> 4) * 4:]
        key = (src, sport, dst, dport)
        flow = flows.setdefault(key, {"isn": None, "segs": {}})
        if flags & 0x02:  # SYN
            flow["isn"] = seq + 1
        elif payload and flow["isn"] is not None:
            flow["segs"].setdefault((seq - flow["isn"]) & 0xFFFFFFFF, payload)
    result = {}
    for (src, sport, dst, dport), flow in flows.items():
        stream = b""
        for rel in sorted(flow["segs"]):
            if rel != len(stream):
                break
            stream += flow["segs"][rel]
            if len(stream) > 65536:
                break
        exts = client_hello_extensions(stream)
        if exts is not None:
            result[str(sport)] = exts
    json.dump(result, sys.stdout, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
