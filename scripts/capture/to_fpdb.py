#!/usr/bin/env python3
"""Turn `fingerprint analyze --format jsonl` records of one program's capture into one .fpdb profile.

    to_fpdb.py --records R.jsonl --extensions E.json --id ID --name N --kind K
               --tls-library L --version V --source S [--label T] [--notes T]

Every distinct ja4, ja3n, ja4h, akamai (raw text), ja4t and header_order value seen is written;
user_agent is the first one seen. Raw TLS fields come from the first TLS record: ciphers, groups
and sig_algs from its peetprint (wire order, GREASE kept; written 0a0a), extensions in wire order
with GREASE from hello_extensions.py (checked against the record's ja4_ro). h2_settings is the
SETTINGS part of the first Akamai fingerprint. Exits 1 if the records have no fingerprint at all.
"""
import argparse
import json
import re
import sys

# What `fingerprint profiles check` accepts as a JA4H first part (src/identify/profile.cc).
JA4H_A = re.compile(r"^[a-z0-9]{12}$")


def hex_list(decimal_tokens):
    out = []
    for t in decimal_tokens.split("-"):
        if not t:
            continue
        out.append("0a0a" if t == "GREASE" else f"{int(t):04x}")
    return ",".join(out)


def add(seen, value):
    if value and value not in seen:
        seen.append(value)


def main():
    ap = argparse.ArgumentParser()
    for a in ("records", "extensions", "id", "name", "kind", "tls-library", "version", "source"):
        ap.add_argument("--" + a, required=a not in ("tls-library",))
    ap.add_argument("--label")
    ap.add_argument("--notes")
    ap.add_argument("--os", default="Linux")
    args = ap.parse_args()

    records = []
    with open(args.records) as f:
        for line in f:
            line = line.strip()
            if line:
                records.append(json.loads(line))
    with open(args.extensions) as f:
        wire_exts = json.load(f)

    fp = {k: [] for k in ("ja4", "ja3n", "ja4h", "akamai", "ja4t")}
    header_orders, user_agent, tls = [], None, None
    for r in records:
        add(fp["ja4"], r.get("ja4"))
        add(fp["ja3n"], r.get("ja3n"))
        add(fp["ja4t"], r.get("ja4t"))
        add(fp["akamai"], r.get("akamai_fingerprint"))
        if tls is None and r.get("peetprint"):
            tls = r
        for h in r.get("http", []):
            add(fp["ja4h"], h.get("ja4h"))
            if h.get("header_order"):
                add(header_orders, h["header_order"].lower())
            if user_agent is None and h.get("user_agent"):
                user_agent = h["user_agent"]
    if not any(fp.values()):
        print(f"{args.id}: no fingerprint in {args.records}", file=sys.stderr)
        return 1

    lines = [f"[{args.id}]", f"name = {args.name}", f"kind = {args.kind}"]
    if args.tls_library:
        lines.append(f"tls_library = {args.tls_library}")
    lines += [f"version = {args.version}", f"os = {args.os}"]
    if args.label:
        lines.append(f"label = {args.label}")
    lines.append(f"source = {args.source}")
    if user_agent:
        lines.append(f"user_agent = {user_agent}")
    if args.notes:
        lines.append(f"notes = {args.notes}")
    for key in ("ja4", "ja3n", "ja4h", "akamai", "ja4t"):
        for v in fp[key]:
            if key == "ja4h" and not JA4H_A.match(v.split("_")[0]):
                # e.g. Accept-Language: * gives the language part "*000"
                print(f"{args.id}: ja4h {v} is not accepted by profiles check; written as a comment",
                      file=sys.stderr)
                lines.append(f"# ja4h = {v}   (not accepted by `profiles check`: '*' in the first part)")
                continue
            lines.append(f"{key} = {v}")
    lines += [f"header_order = {h}" for h in header_orders]
    if tls is not None:
        parts = tls["peetprint"].split("|")
        exts = wire_exts.get(str(tls["src_port"]))
        ro_exts = tls["ja4_ro"].split("_")[2].split(",") if tls["ja4_ro"].count("_") >= 2 else []
        if exts is not None and [e for e in exts if e != "0a0a"] != [e for e in ro_exts if e]:
            print(f"{args.id}: extension order from the pcap {exts} disagrees with ja4_ro "
                  f"{ro_exts}; writing ja4_ro's", file=sys.stderr)
            exts = ro_exts
        if exts is None:
            exts = ro_exts
        lines.append(f"ciphers = {hex_list(parts[6])}")
        if exts:
            lines.append(f"extensions = {','.join(exts)}")
        if parts[2]:
            lines.append(f"groups = {hex_list(parts[2])}")
        if parts[3]:
            lines.append(f"sig_algs = {hex_list(parts[3])}")
    if fp["akamai"] and fp["akamai"][0].split("|")[0]:
        lines.append(f"h2_settings = {fp['akamai'][0].split('|')[0]}")
    print("\n".join(lines))
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
