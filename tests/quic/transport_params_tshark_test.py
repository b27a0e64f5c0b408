#!/usr/bin/env python3
"""QUIC transport parameters of `analyze` against tshark's, on FoxIO's QUIC captures.

For every ClientHello tshark finds in a UDP stream, run here on the same file:
  tshark -r PCAP -Y 'tls.handshake.type==1 && udp' -T fields -E occurrence=a -E aggregator=,
    -e udp.stream -e tls.quic.parameter.type -e tls.quic.parameter.length
    -e tls.quic.parameter.value -e tls.quic.parameter.<name> (each numeric parameter)
the record of that stream must list the same parameter ids in the same order, with the same
lengths and value bytes, and the numbers tshark decodes for the RFC 9000 18.2 integer parameters.
Nothing expected comes from our own output. Exit 77 (skipped) when tshark is missing.
"""
import argparse, json, os, shutil, subprocess, sys

PCAPS = ['chrome-cloudflare-quic-with-secrets.pcapng', 'quic-tls-handshake.pcapng',
         'quic-with-several-tls-frames.pcapng', 'https3-301-get.pcap']
NUMERIC = ['max_idle_timeout', 'max_udp_payload_size', 'initial_max_data',
           'initial_max_stream_data_bidi_local', 'initial_max_stream_data_bidi_remote',
           'initial_max_stream_data_uni', 'initial_max_streams_bidi', 'initial_max_streams_uni',
           'ack_delay_exponent', 'max_ack_delay', 'active_connection_id_limit',
           'max_datagram_frame_size']


def split(field):
    return [] if field == '' else field.split(',')


def tshark_hellos(pcap):
    fields = ['udp.stream', 'tls.quic.parameter.type', 'tls.quic.parameter.length',
              'tls.quic.parameter.value'] + ['tls.quic.parameter.' + n for n in NUMERIC]
    cmd = ['tshark', '-r', pcap, '-Y', 'tls.handshake.type==1 && udp', '-T', 'fields',
           '-E', 'occurrence=a', '-E', 'aggregator=,']
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    hellos = []
    for line in out.splitlines():
        f = line.split('\t')
        types, lengths = [int(t) for t in split(f[1])], [int(n) for n in split(f[2])]
        values = split(f[3])
        if len(values) != len(types):  # no <MISSING> placeholders: only non-empty values
            it = iter(values)
            values = [next(it) if n else '' for n in lengths]
        values = ['' if v == '<MISSING>' else v.lower() for v in values]
        numbers = {n: int(v) for n, v in zip(NUMERIC, f[4:]) if v != ''}
        hellos.append({'stream': int(f[0]), 'types': types, 'lengths': lengths,
                       'values': values, 'numbers': numbers})
    return hellos


def our_records(binary, pcap):
    out = subprocess.run([binary, 'analyze', pcap], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    records = {}
    for line in out.splitlines():
        r = json.loads(line)
        if r.get('transport') == 'udp':
            records[r['stream']] = r
    return records


def check(binary, pcap):
    failures, checked = [], 0
    records = our_records(binary, pcap)
    for h in tshark_hellos(pcap):
        name = '%s udp.stream %d' % (os.path.basename(pcap), h['stream'])
        qtp = records.get(h['stream'], {}).get('quic_transport_parameters')
        if qtp is None:
            failures.append(name + ': no quic_transport_parameters')
            continue
        params = qtp['parameters']
        ours = ([p['id'] for p in params], [len(p['value']) // 2 for p in params],
                [p['value'] for p in params])
        if ours != (h['types'], h['lengths'], h['values']):
            failures.append('%s: ids/lengths/values %s != tshark %s' %
                            (name, ours, (h['types'], h['lengths'], h['values'])))
        numbers = {p['name']: p['number'] for p in params if 'number' in p}
        for n, v in h['numbers'].items():
            if numbers.get(n) != v:
                failures.append('%s: %s %s != tshark %d' % (name, n, numbers.get(n), v))
        checked += 1
    return checked, failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--testdata', required=True)
    args = ap.parse_args()
    if not shutil.which('tshark'):
        print('tshark not found: skipped')
        return 77
    total, failures = 0, []
    for name in PCAPS:
        checked, failed = check(args.bin, os.path.join(args.testdata, 'ja4/pcap', name))
        print('%s: %d QUIC ClientHellos checked' % (name, checked))
        total += checked
        failures += failed
    for f in failures:
        print('FAIL ' + f)
    if total == 0:
        print('FAIL: tshark found no QUIC ClientHello at all')
        return 1
    print('%d hellos, %d failures' % (total, len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
