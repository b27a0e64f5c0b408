#!/usr/bin/env python3
"""Structural checks of the service's OpenAPI document (plain python3, no packages).

  openapi_check.py --spec web/openapi.json                 check the file
  openapi_check.py --spec web/openapi.json --server URL    also: URL/openapi.json equals the file,
                                                           and live answers match the document
                  [--listener https://127.0.0.1:8443]      and the fingerprinting listener's too
  openapi_check.py --spec web/openapi.json --self-test     break copies of the document and make
                                                           sure every check notices

Checks: the file is JSON; `openapi` is 3.1.x; info has title and version; every $ref is local and
resolves; operationIds exist and are unique; every operation has responses, each with a
description and an X-Request-Id header; every operation has a 4xx response and every 4xx
response is application/problem+json with the Problem schema; every {param} of a path template is
declared `in: path, required: true` and every declared path parameter is in the template;
security requirements name defined schemes; and, when python3 has the jsonschema package (it is
optional), every example validates against its schema. Exit status 0 when all pass, 1 otherwise.
"""
import argparse
import copy
import json
import os
import re
import ssl
import sys
import urllib.error
import urllib.request

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_MEDIA = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-Id"
SERVER_TIMEOUT_S = 10


def pointer_get(doc, ref):
    """The value at a local JSON reference "#/a/b~1c", or raise KeyError."""
    if not ref.startswith("#"):
        raise KeyError(f"{ref}: only local references are allowed")
    node = doc
    path = ref[1:]
    if path == "":
        return node
    if not path.startswith("/"):
        raise KeyError(f"{ref}: not a JSON pointer")
    for token in path[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(f"{ref}: does not resolve")
    return node


def all_refs(node, where="#"):
    """Every ($ref value, location) in the document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value, where
            else:
                yield from all_refs(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from all_refs(value, f"{where}/{index}")


def resolve(doc, node):
    """Follows $ref chains (bounded, so a reference cycle cannot hang the check)."""
    for _ in range(32):
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = pointer_get(doc, node["$ref"])
        else:
            return node
    raise KeyError("reference chain longer than 32 (a cycle?)")


def operations(doc):
    """(path, method, path item, operation) for every operation."""
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            if isinstance(item.get(method), dict):
                yield path, method, item, item[method]


def check_top(doc, errors):
    version = doc.get("openapi")
    if not isinstance(version, str) or not re.fullmatch(r"3\.1\.\d+", version):
        errors.append(f"openapi: expected \"3.1.x\", got {version!r}")
    info = doc.get("info")
    if not isinstance(info, dict) or not info.get("title") or not info.get("version"):
        errors.append("info: needs title and version")
    if not isinstance(doc.get("paths"), dict) or not doc["paths"]:
        errors.append("paths: missing or empty")


def check_refs(doc, errors):
    for ref, where in all_refs(doc):
        try:
            pointer_get(doc, ref)
        except KeyError as e:
            errors.append(f"{where}: $ref {e}")


def check_response(doc, label, code, response, errors):
    try:
        response = resolve(doc, response)
    except KeyError as e:
        errors.append(f"{label} {code}: {e}")
        return
    if not isinstance(response, dict) or not response.get("description"):
        errors.append(f"{label} {code}: a response needs a description")
        return
    if REQUEST_ID_HEADER not in (response.get("headers") or {}):
        errors.append(f"{label} {code}: does not declare the {REQUEST_ID_HEADER} header")
    if code[0] == "4":  # 5xx may carry a body of their own (/readyz answers 503 with checks)
        media = (response.get("content") or {}).get(PROBLEM_MEDIA)
        schema = media.get("schema") if isinstance(media, dict) else None
        if not isinstance(schema, dict) or schema.get("$ref") != PROBLEM_REF:
            errors.append(f"{label} {code}: an error must be {PROBLEM_MEDIA} with {PROBLEM_REF}")


def check_operation(doc, path, method, operation, seen_ids, errors):
    label = f"{method.upper()} {path}"
    op_id = operation.get("operationId")
    if not isinstance(op_id, str) or not op_id:
        errors.append(f"{label}: no operationId")
    elif op_id in seen_ids:
        errors.append(f"{label}: operationId {op_id!r} also used by {seen_ids[op_id]}")
    else:
        seen_ids[op_id] = label
    responses = operation.get("responses")
    if not isinstance(responses, dict) or not responses:
        errors.append(f"{label}: no responses")
        return
    codes = [str(code) for code in responses]
    for code in codes:
        if not re.fullmatch(r"[1-5][0-9X]{2}|default", code):
            errors.append(f"{label}: {code!r} is not a status code")
    if not any(code.startswith("4") for code in codes):
        errors.append(f"{label}: no 4xx (problem) response")
    for code, response in responses.items():
        check_response(doc, label, str(code), response, errors)


def declared_path_params(doc, item, operation, label, errors):
    names = {}
    for source in (item.get("parameters") or [], operation.get("parameters") or []):
        for parameter in source:
            try:
                parameter = resolve(doc, parameter)
            except KeyError as e:
                errors.append(f"{label}: parameter {e}")
                continue
            if isinstance(parameter, dict) and parameter.get("in") == "path":
                names[parameter.get("name")] = parameter
    return names


def check_path_params(doc, path, method, item, operation, errors):
    label = f"{method.upper()} {path}"
    in_template = set(re.findall(r"\{([^{}]+)\}", path))
    declared = declared_path_params(doc, item, operation, label, errors)
    for name in sorted(in_template - set(declared)):
        errors.append(f"{label}: path parameter {{{name}}} is not declared")
    for name in sorted(set(declared) - in_template):
        errors.append(f"{label}: declares path parameter {name!r} that the path does not have")
    for name in sorted(in_template & set(declared)):
        if declared[name].get("required") is not True:
            errors.append(f"{label}: path parameter {name!r} must be required: true")


def check_security(doc, errors):
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    requirements = [("(top level)", doc.get("security") or [])]
    requirements += [(f"{m.upper()} {p}", op.get("security") or [])
                     for p, m, _, op in operations(doc)]
    for label, alternatives in requirements:
        for requirement in alternatives:
            for name in requirement:
                if name not in schemes:
                    errors.append(f"{label}: security scheme {name!r} is not defined")


def check(doc):
    """Every problem found, as a list of strings (empty: the document passes)."""
    if not isinstance(doc, dict):
        return ["the document is not a JSON object"]
    errors = []
    check_top(doc, errors)
    check_refs(doc, errors)
    seen_ids = {}
    for path, method, item, operation in operations(doc):
        check_operation(doc, path, method, operation, seen_ids, errors)
        check_path_params(doc, path, method, item, operation, errors)
    check_security(doc, errors)
    return errors


def schema_examples(doc):
    """(location, schema, example) for every example of a media type or a schema."""
    for path, method, _, operation in operations(doc):
        bodies = [("request", operation.get("requestBody") or {})]
        bodies += [(str(code), r) for code, r in (operation.get("responses") or {}).items()]
        for where, body in bodies:
            body = resolve(doc, body)
            for media_type, media in (body.get("content") or {}).items():
                if "example" in media and "schema" in media and "json" in media_type \
                        and not media_type.endswith("ndjson"):
                    yield (f"{method.upper()} {path} {where} {media_type}", media["schema"],
                           media["example"])
    for name, schema in ((doc.get("components") or {}).get("schemas") or {}).items():
        for index, example in enumerate(schema.get("examples") or []):
            yield f"#/components/schemas/{name} examples[{index}]", schema, example
    for name, response in ((doc.get("components") or {}).get("responses") or {}).items():
        for media in (response.get("content") or {}).values():
            if "example" in media:
                yield f"#/components/responses/{name}", media["schema"], media["example"]


def check_examples(doc):
    """Every example validates against its schema (JSON Schema 2020-12), when the optional
    jsonschema package is installed; None when it is not."""
    try:
        import jsonschema
    except ImportError:
        return None
    errors = []
    components = {"components": doc.get("components") or {}}
    for where, schema, example in list(schema_examples(doc)):
        # The schema is validated as part of a document holding the components, so that its
        # local "#/components/..." references resolve.
        rooted = dict(components, **schema)
        try:
            jsonschema.Draft202012Validator(rooted).validate(example)
        except jsonschema.ValidationError as e:
            errors.append(f"{where}: example does not match its schema: {e.message[:200]} "
                          f"at {'/'.join(map(str, e.absolute_path)) or '(root)'}")
        except Exception as e:  # a schema jsonschema cannot use (bad $ref ...) is a failure too
            errors.append(f"{where}: schema unusable: {type(e).__name__}: {str(e)[:200]}")
    return errors


# Requests the live check sends: (method, path, content type, body, expected status). Each answer
# must have a status the document lists for that operation, the documented media type, a body
# that validates against the documented schema (with jsonschema), and an X-Request-Id.
CHROMIUM_JA4_R = ("t13d1517h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,"
                  "cca8,cca9_0005,000a,000b,000d,0012,0017,001b,0023,002b,002d,0033,44cd,ca34,"
                  "fe0d,ff01_0904,0905,0906,0403,0804,0401,0503,0805,0501,0806,0601")
PROBES = [
    ("GET", "/healthz", None, None, 200),
    ("GET", "/readyz", None, None, 200),
    ("GET", "/metrics", None, None, 200),
    ("GET", "/api/v1/profiles?limit=2", None, None, 200),
    ("GET", "/api/v1/profiles?limit=x", None, None, 400),
    ("GET", "/api/v1/profiles/no-such-profile", None, None, 404),
    ("GET", "/api/v1/observations?limit=2", None, None, 200),
    ("GET", "/api/v1/stats", None, None, 200),
    ("GET", "/api/v1/models", None, None, 200),
    ("POST", "/api/v1/identify", "application/json",
     json.dumps({"ja4_r": CHROMIUM_JA4_R, "user_agent": "curl/7.88.1"}), 200),
    ("POST", "/api/v1/fingerprint", "application/json",
     json.dumps({"http_headers": [["Host", "example.com"], ["User-Agent", "curl/7.88.1"],
                                  ["Accept", "*/*"]]}), 200),
    ("POST", "/api/v1/compare", "application/json",
     json.dumps({"a": CHROMIUM_JA4_R, "b": CHROMIUM_JA4_R}), 200),
    ("POST", "/api/v1/compare", "application/json", json.dumps({"a": "x", "b": "y"}), 422),
    ("POST", "/api/v1/identify", "application/json", "{not json", 400),
    ("POST", "/api/v1/identify", "text/plain", "{}", 415),
    ("POST", "/api/v1/profiles", "application/json", json.dumps({"id": "x"}), 401),
    ("POST", "/api/v1/pcap", "application/octet-stream", "not a capture", 422),
    ("POST", "/api/v1/fingerprint/identify", "application/json",
     json.dumps({"http_headers": {"User-Agent": "curl/7.88.1", "Accept": "*/*"},
                 "session_id": "probe-1"}), 200),
    ("POST", "/api/v1/batch", "application/x-ndjson",
     json.dumps({"ja4_r": CHROMIUM_JA4_R}) + "\n" + json.dumps({"ja4": 5}) + "\n", 200),
    ("DELETE", "/healthz", None, None, 405),
    ("GET", "/no/such/route", None, None, 404),
]
# The fingerprinting listener's own routes (--listener URL).
LISTENER_PROBES = [
    ("GET", "/api/v1/self", None, None, 200),
    ("GET", "/api/v1/self/raw", None, None, 200),
    ("GET", "/", None, None, 200),
    ("GET", "/no/such/page", None, None, 404),
    ("POST", "/api/v1/self", "application/json", "{}", 405),
]
# A capture file for POST /api/v1/pcap, relative to the spec's repository (web/..).
PCAP_PROBE = "data/captures/curl.pcap"


def find_operation(doc, method, path):
    """(template, operation) documented for a request path, or (None, None)."""
    for template, item in (doc.get("paths") or {}).items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and isinstance(item.get(method.lower()), dict):
            return template, item[method.lower()]
    return None, None


def documented_response(doc, method, path, status):
    """The response object the document gives for this answer, or an error string."""
    template, operation = find_operation(doc, method, path.split("?", 1)[0])
    if operation is None:
        # 404/405 from the router: any operation's shared response documents them.
        name = {404: "NotFound", 405: "MethodNotAllowed"}.get(status)
        if name and name in (doc.get("components") or {}).get("responses", {}):
            return resolve(doc, {"$ref": f"#/components/responses/{name}"})
        return f"no documented operation for {method} {path}"
    response = (operation.get("responses") or {}).get(str(status))
    if response is None:
        return f"{method} {template} does not document status {status}"
    return resolve(doc, response)


def probe(doc, url, method, path, content_type, body, expected):
    label = f"{method} {path}"
    if isinstance(body, str):
        body = body.encode()
    request = urllib.request.Request(url.rstrip("/") + path, method=method, data=body)
    if content_type:
        request.add_header("Content-Type", content_type)
    # The fingerprinting listener's certificate is self-signed: what is checked here is the
    # shape of its answers, not its certificate.
    context = ssl._create_unverified_context() if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(request, timeout=SERVER_TIMEOUT_S, context=context) as r:
            status, headers, payload = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, headers, payload = e.code, e.headers, e.read()
    except Exception as e:  # a refused or broken connection fails this probe
        return [f"{label}: {e}"]
    errors = []
    if status != expected:
        errors.append(f"{label}: status {status}, expected {expected}")
    if not headers.get(REQUEST_ID_HEADER):
        errors.append(f"{label}: no {REQUEST_ID_HEADER}")
    response = documented_response(doc, method, path, status)
    if isinstance(response, str):
        return errors + [f"{label}: {response}"]
    for name in response.get("headers") or {}:
        if name.startswith("RateLimit-") and status == 200 and not headers.get(name):
            errors.append(f"{label}: documented header {name} missing")
    media_type = (headers.get("Content-Type") or "").split(";")[0].strip()
    content = response.get("content") or {}
    if not content:
        return errors
    if media_type not in content:
        return errors + [f"{label}: Content-Type {media_type!r}, documented {sorted(content)}"]
    schema = content[media_type].get("schema")
    if schema is None or not media_type.endswith("json"):
        return errors
    lines = payload.splitlines() if media_type.endswith("ndjson") else [payload]
    if not lines:
        errors.append(f"{label}: empty body")
    for number, line in enumerate(lines, 1):
        where = f"{label} line {number}" if len(lines) > 1 else label
        try:
            value = json.loads(line)
        except ValueError as e:
            errors.append(f"{where}: not JSON ({e})")
            continue
        errors += validate_value(doc, schema, value, where)
    return errors


def validate_value(doc, schema, value, label):
    try:
        import jsonschema
    except ImportError:
        return []
    rooted = dict({"components": doc.get("components") or {}}, **schema)
    try:
        jsonschema.Draft202012Validator(rooted).validate(value)
    except jsonschema.ValidationError as e:
        return [f"{label}: answer does not match the documented schema: {e.message[:200]} at "
                f"{'/'.join(map(str, e.absolute_path)) or '(root)'}"]
    return []


def check_probes(doc, url, probes):
    errors = []
    for method, path, content_type, body, expected in probes:
        errors += probe(doc, url, method, path, content_type, body, expected)
    return errors


def pcap_probes(spec_path):
    path = os.path.join(os.path.dirname(os.path.abspath(spec_path)), "..", PCAP_PROBE)
    if not os.path.isfile(path):
        return []
    with open(path, "rb") as f:
        capture = f.read()
    return [("POST", "/api/v1/pcap?identify=false", "application/vnd.tcpdump.pcap", capture, 200)]


def check_server(url, spec_bytes):
    """The server's /openapi.json must be the file (same JSON; byte differences are reported)."""
    target = url.rstrip("/") + "/openapi.json"
    try:
        with urllib.request.urlopen(target, timeout=SERVER_TIMEOUT_S) as response:
            status = response.status
            content_type = response.headers.get("Content-Type", "")
            body = response.read()
    except Exception as e:  # any failure to fetch is a failed check, reported as such
        return [f"{target}: {e}"]
    errors = []
    if status != 200:
        errors.append(f"{target}: status {status}")
    if not content_type.startswith("application/json"):
        errors.append(f"{target}: Content-Type {content_type!r}, expected application/json")
    try:
        if json.loads(body) != json.loads(spec_bytes):
            errors.append(f"{target}: differs from the spec file")
        elif body != spec_bytes:
            print(f"note: {target} is the same JSON as the file but not the same bytes")
    except ValueError as e:
        errors.append(f"{target}: not JSON ({e})")
    return errors


# ---- self-test: each mutation must make check() report the expected message ----

def first_operation(doc, method="get", with_param=False):
    for path, m, item, operation in operations(doc):
        if m == method and ("{" in path) == with_param:
            return path, item, operation
    raise SystemExit("self-test: the spec has no operation to mutate")


def mutate_version(doc):
    doc["openapi"] = "3.0.3"


def mutate_ref(doc):
    del doc["components"]["schemas"]["Problem"]


def mutate_external_ref(doc):
    _, _, operation = first_operation(doc)
    operation["responses"]["299"] = {"$ref": "other.json#/x"}


def mutate_operation_id(doc):
    del first_operation(doc)[2]["operationId"]


def mutate_duplicate_id(doc):
    ops = [op for _, _, _, op in operations(doc)]
    ops[1]["operationId"] = ops[0]["operationId"]


def mutate_no_responses(doc):
    first_operation(doc)[2]["responses"] = {}


def mutate_problem_type(doc):
    operation = first_operation(doc)[2]
    operation["responses"]["418"] = {
        "description": "x", "headers": {REQUEST_ID_HEADER: {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"type": "object"}}}}


def mutate_no_4xx(doc):
    operation = first_operation(doc)[2]
    for code in [c for c in operation["responses"] if str(c).startswith("4")]:
        del operation["responses"][code]


def mutate_request_id(doc):
    operation = first_operation(doc)[2]
    for response in operation["responses"].values():
        if "headers" in response:
            response["headers"].pop(REQUEST_ID_HEADER, None)
            return


def mutate_path_param(doc):
    path, item, operation = first_operation(doc, with_param=True)
    item.pop("parameters", None)
    operation.pop("parameters", None)


def mutate_extra_path_param(doc):
    _, _, operation = first_operation(doc)
    operation.setdefault("parameters", []).append(
        {"name": "ghost", "in": "path", "required": True, "schema": {"type": "string"}})


def mutate_security(doc):
    first_operation(doc)[2]["security"] = [{"noSuchScheme": []}]


SELF_TESTS = [
    (mutate_version, "expected \"3.1.x\""),
    (mutate_ref, "does not resolve"),
    (mutate_external_ref, "only local references"),
    (mutate_operation_id, "no operationId"),
    (mutate_duplicate_id, "also used by"),
    (mutate_no_responses, "no responses"),
    (mutate_problem_type, "an error must be application/problem+json"),
    (mutate_no_4xx, "no 4xx"),
    (mutate_request_id, "does not declare the X-Request-Id"),
    (mutate_path_param, "is not declared"),
    (mutate_extra_path_param, "that the path does not have"),
    (mutate_security, "is not defined"),
]


def mutate_example(doc):
    doc["components"]["schemas"]["Problem"]["examples"][0]["status"] = "422"


def check_with_examples(doc):
    return check(doc) or check_examples(doc) or []


def self_test(doc):
    failures = 0
    if check_with_examples(doc):
        print("self-test: the unmodified spec must pass first")
        return 1
    tests = list(SELF_TESTS)
    try:
        import jsonschema  # noqa: F401 -- only to know whether examples are checked
        tests.append((mutate_example, "example does not match its schema"))
    except ImportError:
        print("note: python3 has no jsonschema package: the example check is not tested")
    for mutate, expected in tests:
        broken = copy.deepcopy(doc)
        mutate(broken)
        found = check_with_examples(broken)
        if any(expected in message for message in found):
            print(f"ok   {mutate.__name__}")
        else:
            failures += 1
            print(f"FAIL {mutate.__name__}: expected {expected!r}, got {found[:3]}")
    print(f"{len(tests) - failures} passed, {failures} failed")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, help="the OpenAPI document (JSON)")
    parser.add_argument("--server", help="base URL of a running API listener")
    parser.add_argument("--listener", help="base URL of a running fingerprinting listener")
    parser.add_argument("--self-test", action="store_true",
                        help="check that each check fails on a broken copy of the spec")
    args = parser.parse_args()
    with open(args.spec, "rb") as f:
        spec_bytes = f.read()
    try:
        doc = json.loads(spec_bytes)
    except ValueError as e:
        print(f"{args.spec}: not JSON: {e}")
        return 1
    if args.self_test:
        return self_test(doc)
    errors = check(doc)
    example_errors = check_examples(doc) if not errors else []
    if example_errors is None:
        print("note: python3 has no jsonschema package: examples not validated")
    else:
        errors += example_errors
    probes = 0
    if args.server:
        errors += check_server(args.server, spec_bytes)
        api_probes = PROBES + pcap_probes(args.spec)
        errors += check_probes(doc, args.server, api_probes)
        probes += len(api_probes)
    if args.listener:
        errors += check_probes(doc, args.listener, LISTENER_PROBES)
        probes += len(LISTENER_PROBES)
    for message in errors:
        print(f"{args.spec}: {message}")
    count = sum(1 for _ in operations(doc))
    if errors:
        print(f"FAILED: {len(errors)} problem(s) in {count} operations")
        return 1
    examples = "" if example_errors is None else f", {len(list(schema_examples(doc)))} examples"
    print(f"ok: {count} operations, {len(list(all_refs(doc)))} references{examples}"
          + (f", {args.server}/openapi.json matches" if args.server else "")
          + (f", {probes} live answers as documented" if probes else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
