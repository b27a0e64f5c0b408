#!/usr/bin/env python3
"""Acceptance test of identification on held-out captures (issue 3).

tests/identify/heldout/*.pcap are new connections of real programs, captured by
scripts/capture-profiles.sh apart from the training captures (data/captures/). The manifest gives
each program's true name and TLS library. Checked with `fingerprint analyze --identify`:

  known      the whole profile database: the TLS library is right on every TLS stream; the client
             name is right on every stream whose HTTP layer is visible (plain HTTP/1 or h2c).
  unknown    the program's own profiles removed from the database (and no model, which was trained
             on them): every stream is `unknown`, TLS-library-only, or named within the program's
             own family (Chromium as Chrome) — never a confident wrong name.

Prints one line per check and `N passed, N failed`.
"""
import argparse, csv, json, os, subprocess, sys, tempfile

# Names that are the same program family for the "never a wrong name" rule.
# Python's HTTP libraries share Python's `ssl` module, which FoxIO's mapping names `python`.
FAMILY = {'chromium': {'chromium', 'chrome'},
          'python-requests': {'python-requests', 'python'},
          'python-urllib': {'python-urllib', 'python'}}
CONFIDENT = 0.5


def analyze(binary, pcap, db, models):
    cmd = [binary, 'analyze', '--identify', '--db', db, '--models', models, pcap]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return [json.loads(l) for l in out.stdout.splitlines() if l.startswith('{')]


def manifest(path):
    with open(path) as f:
        rows = [l for l in f if not l.startswith('#')]
    return list(csv.DictReader(rows, delimiter='\t'))


def without_program(db_dir, name, tmp):
    """A copy of the database folder with every section of `name` left out."""
    for f in sorted(os.listdir(db_dir)):
        if not f.endswith('.fpdb'):
            continue
        sections, keep, out = [], True, []
        for line in open(os.path.join(db_dir, f)):
            if line.startswith('['):
                keep = True
                out.append(line)
                sections.append(len(out) - 1)
                continue
            if line.strip() == f'name = {name}':
                keep = False
                out[sections[-1]] = None
            out.append(line if keep else None)
        with open(os.path.join(tmp, f), 'w') as w:
            w.writelines(l for l in out if l is not None)
    return tmp


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        print(('PASS ' if ok else 'FAIL ') + what)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def identity(r):
    i = r.get('identity') or {}
    return (i.get('client') or {}), (i.get('tls_library') or {})


def check_known(c, row, records):
    for r in records:
        client, tls = identity(r)
        where = f'{row["file"]} stream {r["stream"]}'
        if 'ja4' in r:
            c.check(tls.get('name') == row['tls_library'],
                    f'known {where}: TLS library {tls.get("name")} == {row["tls_library"]}')
        if 'http' in r or 'akamai_fingerprint' in r:
            c.check(client.get('name') == row['name'],
                    f'known {where}: client {client.get("name")} == {row["name"]}')


def check_unknown(c, row, records):
    allowed = FAMILY.get(row['name'], {row['name']})
    for r in records:
        if not r.get('identity'):
            continue
        client, tls = identity(r)
        name, conf = client.get('name'), client.get('confidence') or 0
        ok = name in (None, 'unknown') or name in allowed or conf < CONFIDENT
        c.check(ok, f'unknown {row["file"]} stream {r["stream"]}: client {name} ({conf}), '
                    f'tls {tls.get("name")}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--root', required=True, help='project root')
    a = ap.parse_args()
    heldout = os.path.join(a.root, 'tests/identify/heldout')
    db = os.path.join(a.root, 'data/profiles')
    models = os.path.join(a.root, 'data/models')
    c = Checks()
    for row in manifest(os.path.join(heldout, 'manifest.tsv')):
        pcap = os.path.join(heldout, row['file'])
        check_known(c, row, analyze(a.bin, pcap, db, models))
        with tempfile.TemporaryDirectory() as tmp:
            reduced = without_program(db, row['name'], tmp)
            check_unknown(c, row, analyze(a.bin, pcap, reduced, os.path.join(tmp, 'no-models')))
    print(f'{c.passed} passed, {c.failed} failed')
    sys.exit(1 if c.failed else 0)


if __name__ == '__main__':
    main()
