#!/usr/bin/env python3
"""HTTP/3 SETTINGS of `analyze` against the bytes tshark decrypts, on FoxIO's Chrome capture
whose pcapng Decryption Secrets Block holds the QUIC connection's secrets.

tshark 4.0.17 does not dissect HTTP/3 frames in this file but does decrypt its 1-RTT packets:
  tshark -r PCAP -Y 'quic.stream.stream_id == 2' -T fields -E occurrence=a -E aggregator=,
    -e udp.stream -e quic.stream.stream_id -e quic.stream_data
The first STREAM frame of stream 2 (the client's control stream, RFC 9114 6.2.1) is parsed
here (stream type, SETTINGS frame, id/value varints, RFC 9000 16) and compared with the
record's `http3.settings`. Nothing expected comes from our own output. Exit 77 without tshark.
"""
import argparse, json, os, shutil, subprocess, sys

PCAP = 'chrome-cloudflare-quic-with-secrets.pcapng'


def varint(data, at):
    length = 1 << (data[at] >> 6)
    value = data[at] & 0x3f
    for b in data[at + 1:at + length]:
        value = (value << 8) | b
    return value, at + length


def settings_of(stream):
    stream_type, at = varint(stream, 0)
    frame_type, at = varint(stream, at)
    length, at = varint(stream, at)
    assert stream_type == 0 and frame_type == 4, (stream_type, frame_type)
    pairs, end = [], at + length
    while at < end:
        ident, at = varint(stream, at)
        value, at = varint(stream, at)
        pairs.append([ident, value])
    return pairs


def tshark_control_streams(pcap):
    out = subprocess.run(['tshark', '-r', pcap, '-Y', 'quic.stream.stream_id == 2', '-T',
                          'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e',
                          'udp.stream', '-e', 'quic.stream.stream_id', '-e', 'quic.stream_data'],
                         capture_output=True, text=True, check=True).stdout
    streams = {}
    for line in out.splitlines():
        udp, ids, data = line.split('\t')
        ids, data = ids.split(','), data.split(',')
        if len(ids) != len(data) or int(udp) in streams:
            continue  # only the first packet carrying stream 2, frames aligned
        streams[int(udp)] = bytes.fromhex(data[ids.index('2')])
    return streams


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--testdata', required=True)
    args = ap.parse_args()
    if not shutil.which('tshark'):
        print('tshark not found: skipped')
        return 77
    pcap = os.path.join(args.testdata, 'ja4/pcap', PCAP)
    expected = {udp: settings_of(data) for udp, data in tshark_control_streams(pcap).items()}
    if not expected:
        print('FAIL: tshark decrypted no control stream')
        return 1
    out = subprocess.run([args.bin, 'analyze', pcap], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    records = {r['stream']: r for r in map(json.loads, out.splitlines())
               if r.get('transport') == 'udp'}
    failures = 0
    for udp, settings in sorted(expected.items()):
        ours = records.get(udp, {}).get('http3', {}).get('settings')
        ours = [[s['id'], s['value']] for s in ours] if ours is not None else None
        status = 'ok' if ours == settings else 'FAIL'
        failures += status != 'ok'
        print('%s udp.stream %d: tshark %s ours %s' % (status, udp, settings, ours))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
