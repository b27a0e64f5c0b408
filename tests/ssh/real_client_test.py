#!/usr/bin/env python3
"""End to end: OpenSSH's ssh against OpenSSH's sshd on 127.0.0.1, captured with tcpdump on lo.

Our `analyze` of the capture must give the HASSH values computed here independently from
tshark's dissection of the same capture (MD5 of `ssh.kex_algorithms;
ssh.encryption_algorithms_*;ssh.mac_algorithms_*;ssh.compression_algorithms_*`, per direction,
as Salesforce defines HASSH), the identification strings tshark shows as `ssh.protocol`, and
the JA4SSH windows counted from tshark's per-packet view the way FoxIO's Rust tool counts them
(segments with an `ssh` layer by tcp.len; others with tcp.flags == 0x010 as bare ACKs).

The servers run unprivileged-style: a temporary host key, config and port; nothing is left
behind. Exit status 77 (skipped) when ssh, sshd, tcpdump or tshark is missing or capture on lo
is not permitted.
"""
import argparse, collections, hashlib, json, os, shutil, socket, subprocess, sys, tempfile, time

SKIP = 77


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


SERVER_PORT = None  # set in main(): tshark decodes it as SSH (its SSH port is 22 only)


def tshark_fields(pcap, fields, display_filter=None):
    cmd = ['tshark', '-r', pcap, '-d', f'tcp.port=={SERVER_PORT},ssh', '-T', 'fields',
           '-E', 'separator=|', '-E', 'occurrence=f']
    if display_filter:
        cmd += ['-Y', display_filter]
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split('|') for line in out.splitlines() if line]


def expected_hassh(pcap, port, client_port):
    """(hassh, hassh_server) from tshark's KEXINIT fields, MD5 computed here."""
    names = ['ssh.kex_algorithms', 'ssh.encryption_algorithms_client_to_server',
             'ssh.encryption_algorithms_server_to_client', 'ssh.mac_algorithms_client_to_server',
             'ssh.mac_algorithms_server_to_client', 'ssh.compression_algorithms_client_to_server',
             'ssh.compression_algorithms_server_to_client']
    rows = tshark_fields(pcap, ['tcp.srcport'] + names,
                         f'ssh.message_code == 20 && tcp.port == {client_port}')
    client = server = None
    for row in rows:
        kex, enc_c, enc_s, mac_c, mac_s, comp_c, comp_s = row[1:]
        if int(row[0]) == port:
            server = hashlib.md5(';'.join([kex, enc_s, mac_s, comp_s]).encode()).hexdigest()
        else:
            client = hashlib.md5(';'.join([kex, enc_c, mac_c, comp_c]).encode()).hexdigest()
    return client, server


def expected_ja4ssh(pcap, port, client_port):
    rows = tshark_fields(pcap, ['tcp.srcport', 'tcp.len', 'tcp.flags', 'frame.protocols'],
                         f'tcp.port == {client_port}')
    windows, cur = [], None

    def fresh():
        return [collections.Counter(), collections.Counter(), [0, 0], [0, 0]]

    def fp(c):
        def mode(counts):
            if not counts:
                return 0
            top = max(counts.values())
            return min(k for k, v in counts.items() if v == top)
        return f'c{mode(c[0])}s{mode(c[1])}_c{c[2][0]}s{c[2][1]}_c{c[3][0]}s{c[3][1]}'

    cur = fresh()
    for src, length, flags, protocols in rows:
        side = 1 if int(src) == port else 0
        if ':ssh' in protocols:
            cur[side][int(length)] += 1
            cur[2][side] += 1
        elif flags == '0x0010':
            cur[3][side] += 1
        if cur[2][0] + cur[2][1] == 200:
            windows.append(fp(cur))
            cur = fresh()
    if cur[0] or cur[1]:
        windows.append(fp(cur))
    return windows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    args = ap.parse_args()
    tools = {t: shutil.which(t) or (f'/usr/sbin/{t}' if os.path.exists(f'/usr/sbin/{t}') else None)
             for t in ('ssh', 'sshd', 'ssh-keygen', 'tcpdump', 'tshark')}
    missing = [t for t, path in tools.items() if not path]
    if missing:
        print('skipped: missing ' + ', '.join(missing))
        return SKIP
    work = tempfile.mkdtemp(prefix='fp-ssh-')
    procs = []
    try:
        global SERVER_PORT
        port = SERVER_PORT = free_port()
        host_key, user_key = os.path.join(work, 'host_key'), os.path.join(work, 'user_key')
        for key in (host_key, user_key):
            subprocess.run([tools['ssh-keygen'], '-q', '-t', 'ed25519', '-N', '', '-f', key],
                           check=True)
        shutil.copy(user_key + '.pub', os.path.join(work, 'authorized_keys'))
        config = os.path.join(work, 'sshd_config')
        with open(config, 'w') as f:
            f.write(f'Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n'
                    f'PidFile {work}/sshd.pid\nAuthorizedKeysFile {work}/authorized_keys\n'
                    'StrictModes no\nUsePAM no\nPasswordAuthentication no\n'
                    'PermitRootLogin prohibit-password\n')
        if os.geteuid() == 0:
            os.makedirs('/run/sshd', exist_ok=True)  # sshd's privilege separation directory
        pcap = os.path.join(work, 'ssh.pcap')
        dump = subprocess.Popen([tools['tcpdump'], '-i', 'lo', '-U', '-s', '0', '-w', pcap,
                                 f'tcp port {port}'], stderr=subprocess.PIPE)
        procs.append(dump)
        time.sleep(1.0)
        if dump.poll() is not None:
            print('skipped: tcpdump cannot capture on lo: ' + dump.stderr.read().decode())
            return SKIP
        sshd = subprocess.Popen([tools['sshd'], '-D', '-e', '-f', config],
                                stderr=subprocess.DEVNULL)
        procs.append(sshd)
        if not wait_for_port(port):
            print('FAIL: sshd did not listen')
            return 1
        user = os.environ.get('USER') or subprocess.run(['id', '-un'], capture_output=True,
                                                         text=True).stdout.strip()
        # Output written line by line, so that the session holds more than one window of 200
        # SSH packets.
        result = subprocess.run(
            [tools['ssh'], '-i', user_key, '-p', str(port), '-o', 'StrictHostKeyChecking=no',
             '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', f'{user}@127.0.0.1',
             'for i in $(seq 1 300); do echo line $i; sleep 0.002; done'],
            capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            print('FAIL: ssh: ' + result.stderr)
            return 1
        time.sleep(1.0)
        sshd.terminate()
        sshd.wait(timeout=10)
        dump.terminate()
        dump.wait(timeout=10)
        out = subprocess.run([args.bin, 'analyze', '--format', 'jsonl', pcap], capture_output=True,
                             text=True, check=True).stdout
        records = [json.loads(line) for line in out.splitlines()]
        # The readiness probe above is an SSH stream too (the server sends its banner), so the
        # session is the record whose client identified itself.
        ours = [r for r in records if (r.get('ssh_extras') or {}).get('ssh_protocol_client')]
        if len(ours) != 1:
            print(f'FAIL: want one SSH session record, got {len(ours)}')
            return 1
        r = ours[0]
        extras = r['ssh_extras']
        client_port = r['src_port']
        client, server = expected_hassh(pcap, port, client_port)
        protocols = {int(row[0]) == port: row[1]
                     for row in tshark_fields(pcap, ['tcp.srcport', 'ssh.protocol'],
                                              f'ssh.protocol && tcp.port == {client_port}')}
        checks = [('hassh', client, extras.get('hassh')),
                  ('hassh_server', server, extras.get('hassh_server')),
                  ('ssh_protocol_client', protocols.get(False), extras.get('ssh_protocol_client')),
                  ('ssh_protocol_server', protocols.get(True), extras.get('ssh_protocol_server')),
                  ('ja4ssh', expected_ja4ssh(pcap, port, client_port), r.get('ja4ssh'))]
        failed = 0
        for name, want, got in checks:
            ok = want is not None and want == got
            failed += not ok
            print(f'{"ok  " if ok else "FAIL"} {name}: want {want!r} got {got!r}')
        return 1 if failed else 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
