"use strict";
// The "who am I" page: fetches this connection's record from /api/v1/self and renders it.
// Every value is written with textContent, never innerHTML: the User-Agent, header names and
// every other string here were chosen by the client, so none of it may be parsed as markup.
// The page ends in document.body.dataset.state = "ready" or "error" (tests wait for it).

const kFetchTimeoutMs = 10000;
const kCopiedFeedbackMs = 1500;

// ---- Reading the record: any key may be absent or of another type than documented. ----

function text(value) {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return "";
}

function object(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : null;
}

function list(value) {
  return Array.isArray(value) ? value : [];
}

function percent(confidence) {
  return typeof confidence === "number" && Number.isFinite(confidence)
    ? `${Math.round(confidence * 100)}%` : "";
}

function joined(parts, separator = " ") {
  return parts.filter((part) => part !== "").join(separator);
}

// ---- What each section shows: data, not code (one row per entry). ----

function firstHttp(record) {
  return object(list(record.http)[0]) || {};
}

function httpRequestLine(entry) {
  return joined([text(entry.method), text(entry.target), text(entry.version)]);
}

const kSections = [
  {
    id: "tls",
    rows: [
      {id: "ja4", label: "JA4", value: (r) => text(r.ja4)},
      {id: "ja4-r", label: "JA4_r", value: (r) => text(r.ja4_r)},
      {id: "ja4-o", label: "JA4_o (wire order)", value: (r) => text(r.ja4_o)},
      {id: "ja4-ro", label: "JA4_ro", value: (r) => text(r.ja4_ro)},
      {id: "ja4-stable", label: "JA4 stable (no padding, no resumption)",
       value: (r) => text(r.ja4_stable)},
      {id: "ja4-stable-r", label: "JA4 stable_r", value: (r) => text(r.ja4_stable_r)},
      {id: "ja3", label: "JA3", value: (r) => text(r.ja3)},
      {id: "ja3-full", label: "JA3 string", value: (r) => text(r.ja3_full)},
      {id: "ja3n", label: "JA3N (sorted extensions)", value: (r) => text(r.ja3n)},
      {id: "ja3n-full", label: "JA3N string", value: (r) => text(r.ja3n_full)},
      {id: "sni", label: "Server name (SNI)", value: (r) => text(r.tls_server_name)},
      {id: "alpn", label: "ALPN offered",
       value: (r) => list(r.tls_alpn).map(text).filter((v) => v !== "").join(", ")},
      {id: "peetprint-hash", label: "PeetPrint", value: (r) => text(r.peetprint_hash)},
      {id: "peetprint", label: "PeetPrint string", value: (r) => text(r.peetprint)},
    ],
  },
  {
    id: "http",
    rows: [
      {id: "ja4h", label: "JA4H", value: (r) => text(firstHttp(r).ja4h)},
      {id: "ja4h-r", label: "JA4H_r", value: (r) => text(firstHttp(r).ja4h_r)},
      {id: "ja4h-ro", label: "JA4H_ro", value: (r) => text(firstHttp(r).ja4h_ro)},
      {id: "http-request", label: "Request", value: (r) => httpRequestLine(firstHttp(r))},
      {id: "header-order", label: "Header order", value: (r) => text(firstHttp(r).header_order)},
      {id: "user-agent", label: "User-Agent", value: (r) => text(firstHttp(r).user_agent)},
    ],
  },
  {
    id: "http2",
    rows: [
      {id: "akamai", label: "Akamai fingerprint", value: (r) => text(r.akamai_fingerprint)},
      {id: "akamai-hash", label: "Akamai hash", value: (r) => text(r.akamai_fingerprint_hash)},
    ],
  },
  {
    id: "tcp",
    rows: [
      {id: "ja4t", label: "JA4T", value: (r) => text(r.ja4t)},
      {id: "p0f", label: "p0f signature", value: (r) => text(r.p0f_signature)},
      {id: "ttl-distance", label: "TTL distance (hops)", value: (r) => text(r.ttl_distance)},
    ],
  },
  {
    id: "connection",
    rows: [
      {id: "peer", label: "Your address", value: (r) => text(object(r.connection)?.peer)},
      {id: "peer-port", label: "Your port", value: (r) => text(object(r.connection)?.peer_port)},
      {id: "negotiated-alpn", label: "Protocol (ALPN)",
       value: (r) => text(object(r.connection)?.alpn)},
      {id: "tls-version", label: "TLS version",
       value: (r) => text(object(r.connection)?.tls_version)},
      {id: "cipher", label: "Cipher", value: (r) => text(object(r.connection)?.cipher)},
      {id: "connection-id", label: "Connection id",
       value: (r) => text(object(r.connection)?.connection_id)},
    ],
  },
];

// ---- Identity ----

function clientRow(identity) {
  const client = object(identity.client);
  if (!client) return {value: "", meta: "not identified"};
  return {
    value: joined([text(client.name), text(client.version)]),
    meta: joined([text(client.kind), percent(client.confidence)], " · "),
  };
}

function tlsLibraryRow(identity) {
  const library = object(identity.tls_library);
  if (!library) return {value: "", meta: "not identified"};
  return {value: text(library.name), meta: percent(library.confidence)};
}

function osRow(identity) {
  const os = object(identity.os);
  if (!os) return {value: "", meta: "not identified"};
  return {value: joined([text(os.name), text(os.flavor)]), meta: percent(os.confidence)};
}

function alternativesRow(identity) {
  const names = list(identity.alternatives)
    .map(object)
    .filter((alt) => alt && text(alt.name) !== "")
    .map((alt) => joined([text(alt.name), percent(alt.confidence)]));
  return {value: names.join(", "), meta: names.length ? "" : "none"};
}

function profileRow(identity) {
  const quality = percent(identity.quality);
  return {value: text(identity.profile), meta: quality && `quality ${quality}`};
}

const kIdentityRows = [
  {id: "client", label: "Client", row: clientRow},
  {id: "tls-library", label: "TLS library", row: tlsLibraryRow},
  {id: "os", label: "Operating system", row: osRow},
  {id: "matched-by", label: "Matched by", row: (i) => ({value: text(i.matched_by)})},
  {id: "profile", label: "Nearest profile", row: profileRow},
  {id: "alternatives", label: "Alternatives", row: alternativesRow},
];

// Consistency reason codes (src/identify/consistency.h) as sentences. Names inside the codes
// write '-' as '_'; the greedy first group keeps names that contain '_' whole.
const kReasons = [
  [/^ua_(.+)_tls_(.+)$/, (m) => `The User-Agent says ${name(m[1])}, but the TLS handshake is ` +
    `${name(m[2])}'s, a library ${name(m[1])} does not ship with.`],
  [/^ua_(.+)_tcp_(.+)$/, (m) => `The User-Agent says the system is ${name(m[1])}, but the TCP ` +
    `SYN looks like ${name(m[2])}.`],
  [/^ua_(.+)_h2_(.+)$/, (m) => `The User-Agent says ${name(m[1])}, but the HTTP/2 ` +
    `pseudo-header order is ${name(m[2])}'s.`],
  [/^ua_browser_no_h2$/, () => "The User-Agent claims a browser, but the ClientHello does not " +
    "offer h2 first."],
  [/^ua_browser_headers_tool$/, () => "The User-Agent claims a browser, but the HTTP/1 headers " +
    "carry no Accept-Language, as a tool's would."],
];

function name(code) {
  return code.replaceAll("_", "-");
}

// The sentence for a reason code, or "" for a code this page does not know (shown as is).
function describeReason(code) {
  for (const [pattern, sentence] of kReasons) {
    const match = pattern.exec(code);
    if (match) return sentence(match);
  }
  return "";
}

function renderConsistency(identity) {
  const consistency = object(identity.consistency) || {};
  const reasons = list(consistency.reasons).map(text).filter((code) => code !== "");
  const score = consistency.score;
  const hasScore = typeof score === "number" && Number.isFinite(score);
  const box = document.getElementById("consistency-box");
  const verdict = document.getElementById("consistency");
  if (reasons.length > 0 || (hasScore && score < 1)) {
    box.className = "verdict verdict-warn";
    box.setAttribute("role", "alert");
    verdict.textContent = "Inconsistent: the layers of this connection disagree" +
      (hasScore ? ` (consistency score ${score.toFixed(2)}).` : ".");
  } else if (hasScore) {
    box.className = "verdict verdict-ok";
    verdict.textContent = `Consistent: every layer agrees (consistency score ${score.toFixed(2)}).`;
  } else {
    box.className = "verdict verdict-neutral";
    verdict.textContent = "Consistency not scored: too few layers could be compared.";
  }
  const items = document.getElementById("consistency-reasons");
  for (const code of reasons) {
    const item = document.createElement("li");
    const sentence = describeReason(code);
    if (sentence) item.textContent = sentence + " ";
    const codeElement = document.createElement("code");
    codeElement.textContent = code;
    item.append(codeElement);
    items.append(item);
  }
}

// ---- DOM building ----

function copyText(value) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(value);
  // Older or insecure contexts: copy through a selection.
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  return copied ? Promise.resolve() : Promise.reject(new Error("copy refused"));
}

function copyButton(valueElement, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "Copy";
  button.setAttribute("aria-label", `Copy ${label}`);
  button.addEventListener("click", () => {
    copyText(valueElement.textContent).then(
      () => flash(button, "Copied"),
      () => flash(button, "Failed"));
  });
  return button;
}

function flash(button, message) {
  button.textContent = message;
  setTimeout(() => { button.textContent = "Copy"; }, kCopiedFeedbackMs);
}

// One <div><dt/><dd/></div> row; the value element carries the stable id and only the value,
// so tests (and users selecting it) get exactly the fingerprint text.
function appendRow(dl, id, label, value, meta) {
  const row = document.createElement("div");
  row.className = "row";
  const term = document.createElement("dt");
  term.textContent = label;
  const detail = document.createElement("dd");
  const valueElement = document.createElement("code");
  valueElement.id = id;
  valueElement.className = "value";
  valueElement.textContent = value;
  detail.append(valueElement);
  if (value !== "") detail.append(copyButton(valueElement, label));
  if (value === "") {
    row.classList.add("absent");
    if (!meta) meta = "not seen on this connection";
  }
  if (meta) {
    const metaElement = document.createElement("span");
    metaElement.className = "meta";
    metaElement.textContent = meta;
    detail.append(metaElement);
  }
  row.append(term, detail);
  dl.append(row);
}

// One sentence over the details: "chromium 156 on Linux, TLS by boringssl".
function summary(identity) {
  const client = clientRow(identity).value;
  const os = text(object(identity.os)?.name);
  const library = text(object(identity.tls_library)?.name);
  if (!client && !library) return "This client could not be identified.";
  const who = client && text(object(identity.client)?.name) !== "unknown"
    ? client : "an unknown client";
  return `You look like ${who}` + (os ? ` on ${os}` : "") +
    (library ? `, TLS by ${library}.` : ".");
}

function renderIdentity(record) {
  const section = document.getElementById("identity");
  const identity = object(record.identity);
  document.getElementById("summary").textContent =
    identity ? summary(identity) : "This client was not identified.";
  const dl = document.getElementById("identity-fields");
  if (!identity) {
    document.getElementById("consistency-box").className = "verdict verdict-neutral";
    document.getElementById("consistency").textContent =
      "No identification: the server did not try to name this client.";
    for (const entry of kIdentityRows) appendRow(dl, entry.id, entry.label, "", "not identified");
  } else {
    renderConsistency(identity);
    for (const entry of kIdentityRows) {
      const {value, meta} = entry.row(identity);
      appendRow(dl, entry.id, entry.label, value, meta);
    }
  }
  section.hidden = false;
}

function renderSections(record) {
  for (const section of kSections) {
    const element = document.getElementById(section.id);
    const dl = element.querySelector("dl");
    for (const row of section.rows) appendRow(dl, row.id, row.label, row.value(record));
    element.hidden = false;
  }
}

function cell(row, value) {
  const td = document.createElement("td");
  td.textContent = value;
  row.append(td);
}

// RFC 9113 section 6: the flags each frame type defines.
const kFrameFlags = {
  DATA: [[0x1, "END_STREAM"], [0x8, "PADDED"]],
  HEADERS: [[0x1, "END_STREAM"], [0x4, "END_HEADERS"], [0x8, "PADDED"], [0x20, "PRIORITY"]],
  SETTINGS: [[0x1, "ACK"]],
  PING: [[0x1, "ACK"]],
  CONTINUATION: [[0x4, "END_HEADERS"]],
};

function describeFlags(type, flags) {
  if (typeof flags !== "number") return "";
  const names = (kFrameFlags[type] || []).filter(([bit]) => flags & bit).map(([, n]) => n);
  return joined([`0x${flags.toString(16).padStart(2, "0")}`, ...names]);
}

function renderFrames(record) {
  const frames = list(record.http2_frames).map(object).filter((frame) => frame);
  const table = document.getElementById("http2-frames");
  if (frames.length === 0) {
    table.closest(".table-wrap").hidden = true;
    return;
  }
  const body = table.querySelector("tbody");
  frames.forEach((frame, index) => {
    const row = document.createElement("tr");
    cell(row, String(index + 1));
    cell(row, text(frame.type));
    cell(row, describeFlags(text(frame.type), frame.flags));
    cell(row, text(frame.stream_id));
    cell(row, text(frame.length));
    body.append(row);
  });
}

// Requests after the first on this connection (the page's own assets and this fetch).
function renderMoreRequests(record) {
  const entries = list(record.http).map(object).filter((entry) => entry).slice(1);
  if (entries.length === 0) return;
  const container = document.getElementById("http-more");
  const heading = document.createElement("h3");
  heading.textContent = "Later requests on this connection";
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  const table = document.createElement("table");
  table.className = "frames";
  const head = table.createTHead().insertRow();
  for (const title of ["Request", "JA4H"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const entry of entries) {
    const row = body.insertRow();
    cell(row, httpRequestLine(entry));
    cell(row, text(entry.ja4h));
  }
  wrap.append(table);
  container.append(heading, wrap);
}

function render(record) {
  renderIdentity(record);
  renderSections(record);
  renderMoreRequests(record);
  renderFrames(record);
}

// ---- Loading ----

async function problemDetail(response) {
  try {
    const problem = object(await response.json()) || {};
    return joined([text(problem.title), text(problem.detail)], ": ");
  } catch {
    return "";
  }
}

async function loadRecord() {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), kFetchTimeoutMs);
  try {
    const response = await fetch("/api/v1/self", {cache: "no-store", signal: controller.signal});
    if (!response.ok) {
      const detail = await problemDetail(response);
      throw new Error(`the server answered ${response.status}` + (detail ? ` (${detail})` : ""));
    }
    const record = object(await response.json());
    if (!record) throw new Error("the server's answer is not a JSON object");
    return record;
  } finally {
    clearTimeout(timer);
  }
}

function showError(error) {
  const status = document.getElementById("status");
  const reason = error && error.name === "AbortError"
    ? `no answer within ${kFetchTimeoutMs / 1000} s` : String(error && error.message || error);
  status.textContent = `Could not load the fingerprint of this connection: ${reason}.`;
  status.className = "status status-error";
  status.setAttribute("role", "alert");
  document.body.dataset.state = "error";
}

async function main() {
  let record;
  try {
    record = await loadRecord();
  } catch (error) {
    showError(error);
    return;
  }
  try {
    render(record);
  } catch (error) {
    showError(error);
    return;
  }
  document.getElementById("status").hidden = true;
  document.body.dataset.state = "ready";
}

main();
