#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-openapi.sh BOLLARD OPENAPI_YAML - docs/api/openapi.yaml and the server's
# route table describe the same API: the same routes, each with the same
# access (public, read, write), the same roles and, when `serve --routes`
# prints a body column, the same body fields with the same required-ness;
# every operations route has its cmd.<name> schema.  Prints each difference
# and exits 1; exits 0 with a one-line summary; 77 (skip) without python3 or
# its yaml module.
set -eu
bollard=${1:?usage: t-openapi.sh BOLLARD OPENAPI_YAML}
spec=${2:?usage: t-openapi.sh BOLLARD OPENAPI_YAML}

command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; exit 77; }
python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3 yaml module not installed"; exit 77; }
[ -r "$spec" ] || { echo "openapi: cannot read $spec"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$bollard" serve --routes >"$tmp/routes" 2>"$tmp/err"; then
    echo "openapi: '$bollard serve --routes' failed:"
    cat "$tmp/err"
    exit 1
fi

rc=0
python3 - "$tmp/routes" "$spec" <<'EOF' || rc=$?
import os
import re
import sys

import yaml

routes_file, spec_file = sys.argv[1], sys.argv[2]
problems = []


def problem(msg):
    problems.append(msg)


# ---- the route table: METHOD PATH ACCESS ROLES [BODY] ----
table = {}
body_column = None
for n, line in enumerate(open(routes_file, encoding="utf-8"), 1):
    cols = line.split()
    if not cols:
        continue
    if len(cols) not in (4, 5):
        problem(f"serve --routes line {n} has {len(cols)} columns, expected 4 or 5: {line.strip()}")
        continue
    if body_column is None:
        body_column = len(cols) == 5
    elif body_column != (len(cols) == 5):
        problem(f"serve --routes line {n}: the body column is present on some lines only")
    method, path, access, roles = cols[:4]
    key = (method.upper(), path)
    if key in table:
        problem(f"serve --routes lists {method} {path} twice")
    table[key] = {
        "access": access,
        "roles": [] if roles == "-" else roles.split(","),
        "body": cols[4] if len(cols) == 5 else None,
    }
if not table:
    problem("serve --routes printed no routes")

# ---- the OpenAPI document ----
try:
    doc = yaml.safe_load(open(spec_file, encoding="utf-8"))
except yaml.YAMLError as e:
    print(f"openapi: {spec_file} is not YAML: {e}")
    sys.exit(1)
if not isinstance(doc, dict):
    print(f"openapi: {spec_file} is not an OpenAPI document")
    sys.exit(1)

version = str(doc.get("openapi", ""))
if not re.fullmatch(r"3\.1\.\d+", version):
    problem(f"openapi is '{version}', expected 3.1.x")


def resolve(node, where):
    """Follow local $refs ("#/a/b"); None (and a problem) when one does not resolve."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        seen += 1
        if not isinstance(ref, str) or not ref.startswith("#/") or seen > 20:
            problem(f"{where}: cannot follow $ref {ref!r}")
            return None
        cur = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(cur, dict) or part not in cur:
                problem(f"{where}: $ref {ref} does not resolve")
                return None
            cur = cur[part]
        node = cur
    return node


METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
spec_ops = {}
paths = doc.get("paths") or {}
if not isinstance(paths, dict):
    problem("paths is not a mapping")
    paths = {}
for path, item in paths.items():
    if not isinstance(item, dict):
        problem(f"{path}: not a path item")
        continue
    for method in METHODS:
        if method in item:
            spec_ops[(method.upper(), path)] = item[method]

top_security = doc.get("security")
schemas = (doc.get("components") or {}).get("schemas") or {}

# operationIds: present and unique across the document
op_ids = {}
for (method, path), op in sorted(spec_ops.items(), key=lambda kv: kv[0][1]):
    oid = op.get("operationId") if isinstance(op, dict) else None
    if not oid:
        problem(f"{method} {path}: no operationId")
    elif oid in op_ids:
        problem(f"operationId '{oid}' is used by {op_ids[oid]} and {method} {path}")
    else:
        op_ids[oid] = f"{method} {path}"

for key in sorted(set(table) - set(spec_ops), key=lambda k: (k[1], k[0])):
    problem(f"{key[0]} {key[1]}: in the route table, missing from the OpenAPI file")
for key in sorted(set(spec_ops) - set(table), key=lambda k: (k[1], k[0])):
    problem(f"{key[0]} {key[1]}: in the OpenAPI file, not served (not in the route table)")


def body_schema(op, where):
    """The JSON request body's schema (resolved), or None when the operation takes no body."""
    rb = op.get("requestBody")
    if rb is None:
        return None, None
    rb = resolve(rb, where)
    if rb is None:
        return None, None
    media = (rb.get("content") or {}).get("application/json")
    if not isinstance(media, dict) or "schema" not in media:
        problem(f"{where}: requestBody has no application/json schema")
        return None, None
    raw = media["schema"]
    return raw, resolve(raw, where)


def check_cmd_schema(where, name, raw):
    want = f"#/components/schemas/cmd.{name}"
    if not isinstance(raw, dict) or raw.get("$ref") != want:
        got = raw.get("$ref") if isinstance(raw, dict) else raw
        problem(f"{where}: request body should be $ref {want}, is {got!r}")
    s = schemas.get(f"cmd.{name}")
    if s is None:
        problem(f"{where}: components/schemas has no cmd.{name}")
        return
    if s.get("type") != "object" or s.get("additionalProperties") is not False:
        problem(f"{where}: cmd.{name} must be type: object with additionalProperties: false")
    if "cmd" in (s.get("properties") or {}):
        problem(f"{where}: cmd.{name} must not have a 'cmd' field (the path names the command)")


def check_fields(where, spec_text, schema):
    want = {}
    for f in spec_text.split(","):
        if not f:
            continue
        want[f.rstrip("?")] = not f.endswith("?")
    if schema is None:
        problem(f"{where}: the route takes a body ({spec_text}), the OpenAPI file has none")
        return
    if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
        problem(f"{where}: body schema must be type: object with additionalProperties: false")
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    for f in sorted(set(want) - set(props)):
        problem(f"{where}: body field '{f}' is in the route table, missing from the OpenAPI file")
    for f in sorted(set(props) - set(want)):
        problem(f"{where}: body field '{f}' is in the OpenAPI file, not in the route table")
    for f in sorted(set(want) & set(props)):
        if want[f] != (f in required):
            problem(
                f"{where}: body field '{f}' is "
                f"{'required' if want[f] else 'optional'} in the route table, "
                f"{'required' if f in required else 'optional'} in the OpenAPI file"
            )
    for f in sorted(required - set(props)):
        problem(f"{where}: '{f}' is required but not a property")


for key in sorted(set(table) & set(spec_ops), key=lambda k: (k[1], k[0])):
    method, path = key
    where = f"{method} {path}"
    row, op = table[key], spec_ops[key]
    if not isinstance(op, dict):
        problem(f"{where}: not an operation object")
        continue
    if not op.get("summary"):
        problem(f"{where}: no summary")
    if not op.get("tags"):
        problem(f"{where}: no tags")

    access = op.get("x-bollard-access")
    if access != row["access"]:
        problem(f"{where}: access is {row['access']} in the route table, {access} in the OpenAPI file")

    roles = op.get("x-bollard-roles")
    if not isinstance(roles, list):
        problem(f"{where}: x-bollard-roles is missing or not a list")
    else:
        if len(roles) != len(set(roles)):
            problem(f"{where}: x-bollard-roles names a role twice")
        gone = sorted(set(row["roles"]) - set(roles))
        extra = sorted(set(roles) - set(row["roles"]))
        if gone or extra:
            msg = f"{where}: roles differ:"
            if gone:
                msg += " allowed by the server but not in the OpenAPI file: " + ",".join(gone) + ";"
            if extra:
                msg += " in the OpenAPI file but refused by the server: " + ",".join(extra) + ";"
            problem(msg.rstrip(";"))

    security = op.get("security", top_security)
    if row["access"] == "public":
        if op.get("security") != []:
            problem(f"{where}: a public route needs 'security: []'")
    elif not security:
        problem(f"{where}: the route needs authentication, the OpenAPI file has no security for it")

    for name in re.findall(r"{([^}]+)}", path):
        declared = False
        for prm in op.get("parameters", []) + (paths[path].get("parameters") or []):
            prm = resolve(prm, where) or {}
            declared |= prm.get("in") == "path" and prm.get("name") == name
        if not declared:
            problem(f"{where}: path parameter '{name}' is not declared")

    if row["body"] == "raw":
        # A body that is not JSON (an EDI interchange): described, never as JSON.
        content = ((resolve(op.get("requestBody") or {}, where) or {}).get("content") or {})
        if not content or "application/json" in content:
            problem(f"{where}: the route takes a raw body, the OpenAPI file must give a non-JSON one")
        continue
    raw, schema = body_schema(op, where)
    is_ops = path.startswith("/api/v1/ops/")
    if is_ops:
        check_cmd_schema(where, path[len("/api/v1/ops/"):], raw)
    body = row["body"]
    if body is None:
        continue
    if body == "-":
        if raw is not None:
            problem(f"{where}: the route takes no body, the OpenAPI file gives it one")
    elif body == "cmd":
        if not is_ops:
            check_cmd_schema(where, op.get("operationId", "?"), raw)
    else:
        if is_ops:
            problem(f"{where}: an operations route should print 'cmd' as its body, not {body}")
        check_fields(where, body, schema)

# Problem codes: the enum on Problem.code against the codes in the sources,
# when the file sits in its source tree (docs/api/openapi.yaml).
src = os.path.join(os.path.dirname(os.path.abspath(spec_file)), "..", "..", "src", "api")
problem_schema = schemas.get("Problem") or {}
enum = ((problem_schema.get("properties") or {}).get("code") or {}).get("enum")
if not isinstance(enum, list):
    problem("components/schemas/Problem has no enum on 'code'")
elif os.path.isdir(src):
    text = ""
    for f in sorted(os.listdir(src)):
        if f.endswith(".c"):
            text += open(os.path.join(src, f), encoding="utf-8").read()
    used = set(re.findall(r'api_problem\(\s*r\s*,\s*\d+\s*,\s*"([a-z_]+)"', text))
    used |= set(re.findall(r'\bcode\s*=\s*"([a-z_]+)"', text))
    for c in sorted(used - set(enum)):
        problem(f"problem code '{c}' is used in src/api but not listed on Problem.code")
    for c in sorted(set(enum)):
        if f'"{c}"' not in text:
            problem(f"problem code '{c}' is listed on Problem.code but src/api never uses it")

if problems:
    for p in problems:
        print("openapi: " + p)
    print(f"openapi: {len(problems)} difference(s) between {spec_file} and the route table")
    sys.exit(1)
extra = " and bodies" if body_column else ""
print(f"openapi: {len(table)} routes match (access, roles{extra})")
EOF
exit $rc
