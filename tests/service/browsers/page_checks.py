#!/usr/bin/env python3
"""Checks browsers_test.sh makes on what a browser left behind (plain python3).

  page_checks.py dom FILE                 the page's state and its id'd values, as JSON
  page_checks.py state FILE STATE [TEXT]  the page ended in STATE, and its status line says TEXT
  page_checks.py png FILE WIDTH           a real PNG of that width (less a scrollbar) and more
                                          than a blank page
  page_checks.py hostile FILE             a DOM rendered from self_hostile.json has no injected
                                          element and shows the hostile text as text
  page_checks.py match DOM JSONL FAMILY   the page's JA4 is the one `fingerprint analyze`
                                          computed for the page's own connection (found by the
                                          port the page shows), and its client names FAMILY
                                          ("-": any client)
  page_checks.py served-self JSON FAMILY  a record fetched from /api/v1/self names FAMILY

Each command prints one line saying what it saw, and exits 1 when the check fails.
"""
import html.parser
import json
import struct
import sys

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_PNG_BYTES = 20000  # a rendered page of this size compresses to far more; a blank one to less
SCROLLBAR_ALLOWANCE = 20  # Firefox's document screenshot leaves out the vertical scrollbar
# The ids app.js renders into (a stable contract with the tests).
VALUE_IDS = ("status", "ja4", "ja3", "ja4h", "akamai", "ja4t", "client", "tls-library", "os",
             "consistency", "peer-port", "user-agent", "sni", "header-order", "alternatives")


class DomReader(html.parser.HTMLParser):
    """The text of elements with the ids we read, body's data-* attributes, and every id."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values = {}
        self.ids = []
        self.body = {}
        self.open = []  # [(tag, id or None)]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.body = {k: v for k, v in attributes.items() if k.startswith("data-")}
        element_id = attributes.get("id")
        if element_id:
            self.ids.append(element_id)
        if tag in self.VOID:
            return
        self.open.append((tag, element_id))
        if element_id in VALUE_IDS:
            self.values[element_id] = ""

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for _, element_id in self.open:
            if element_id in self.values:
                self.values[element_id] += data


def read_dom(path):
    reader = DomReader()
    with open(path, encoding="utf-8", errors="replace") as f:
        reader.feed(f.read())
    reader.close()
    return reader


def cmd_dom(path):
    reader = read_dom(path)
    print(json.dumps({"state": reader.body.get("data-state", ""), **reader.values}))
    return 0


def cmd_state(path, expected, text=""):
    reader = read_dom(path)
    state = reader.body.get("data-state", "")
    status = reader.values.get("status", "").strip()
    print(f"state {state!r}, status {status!r}")
    return 0 if state == expected and text in status else 1


def cmd_png(path, width):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        print(f"{path}: {e}")
        return 1
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        print(f"{path}: not a PNG")
        return 1
    png_width, png_height = struct.unpack("!II", data[16:24])
    print(f"{path}: {png_width}x{png_height}, {len(data)} bytes")
    if not int(width) - SCROLLBAR_ALLOWANCE <= png_width <= int(width):
        print(f"{path}: width {png_width}, expected {width} (less a scrollbar at most)")
        return 1
    if len(data) < MIN_PNG_BYTES:
        print(f"{path}: only {len(data)} bytes: a blank or unrendered page?")
        return 1
    return 0


def cmd_hostile(path):
    reader = read_dom(path)
    injected = [i for i in reader.ids if i.startswith("xss-")]
    failures = []
    if reader.body.get("data-state") != "ready":
        failures.append(f"state {reader.body.get('data-state')!r}, expected 'ready'")
    if injected:
        failures.append(f"markup from the record became elements: {injected}")
    if "data-pwned" in reader.body:
        failures.append("a script from the record ran (body has data-pwned)")
    if "<script id=xss-script>" not in reader.values.get("user-agent", ""):
        failures.append("the hostile User-Agent is not shown as text")
    print("; ".join(failures) if failures else
          f"hostile record shown as text, {len(reader.ids)} ids, none injected")
    return 1 if failures else 0


def family_matches(client_text, family):
    # "chromium 156.0..." names the chromium family; Chrome-branded builds say "chrome".
    name = client_text.split(" ")[0].lower() if client_text else ""
    aliases = {"chromium": ("chromium", "chrome"), "firefox": ("firefox",)}
    return name in aliases.get(family, (family,))


def cmd_match(dom_path, jsonl_path, family):
    values = read_dom(dom_path).values
    page_ja4, port_text = values.get("ja4", ""), values.get("peer-port", "")
    records = []
    with open(jsonl_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                records.append(json.loads(line))
    failures = []
    if not page_ja4:
        failures.append("the page shows no JA4")
    if not port_text.isdigit():
        failures.append(f"the page shows no client port ({port_text!r})")
    own = [r for r in records if str(r.get("src_port")) == port_text]
    if port_text.isdigit() and not own:
        failures.append(f"no captured stream from port {port_text} "
                        f"(captured ports: {sorted(r.get('src_port') for r in records)})")
    for record in own:
        if record.get("ja4") != page_ja4:
            failures.append(f"page JA4 {page_ja4} != analyze JA4 {record.get('ja4')} "
                            f"for port {port_text}")
    if family != "-" and not family_matches(values.get("client", ""), family):
        failures.append(f"the page's client is {values.get('client')!r}, expected {family}")
    if failures:
        print("; ".join(failures))
        return 1
    print(f"page JA4 {page_ja4} = analyze JA4 of stream from port {port_text}; "
          f"client {values.get('client')!r}")
    return 0


def cmd_served_self(json_path, family):
    with open(json_path, encoding="utf-8") as f:
        record = json.load(f)
    client = ((record.get("identity") or {}).get("client") or {}).get("name", "")
    ok = family_matches(client, family) and bool(record.get("ja4"))
    print(f"/api/v1/self: ja4 {record.get('ja4')!r}, client {client!r}")
    return 0 if ok else 1


def main(argv):
    commands = {"dom": (cmd_dom, 1), "state": (cmd_state, (2, 3)), "png": (cmd_png, 2),
                "hostile": (cmd_hostile, 1), "match": (cmd_match, 3),
                "served-self": (cmd_served_self, 2)}
    arity = commands[argv[1]][1] if len(argv) >= 2 and argv[1] in commands else -1
    if len(argv) - 2 not in (arity if isinstance(arity, tuple) else (arity,)):
        print(__doc__)
        return 2
    function, _ = commands[argv[1]]
    return function(*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
