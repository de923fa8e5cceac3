#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-edi-analysis.sh BOLLARD SHARED_DIR - bollard edi inspect over every file
# in SHARED_DIR/edi against the counts in its ANALYSIS.json: segments,
# messages, containers (EQD), reefers (TMP...), DG lines (DGS...), and a
# warning exactly where a UNT count is wrong.  The files kept broken on
# purpose must be reported with a position and exit 1; none may crash.  Each
# file is also read with CRLF line ends and with a byte-order mark, which
# must change nothing.
set -u
bollard=${1:?usage: t-edi-analysis.sh BOLLARD SHARED_DIR}
shared=${2:?usage: t-edi-analysis.sh BOLLARD SHARED_DIR}
[ -f "$shared/edi/ANALYSIS.json" ] || { echo "SKIP: $shared/edi/ANALYSIS.json not found (set -Dshared_dir)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 - "$bollard" "$shared/edi" "$tmp" <<'PYEOF'
import json, os, subprocess, sys
bollard, edi, tmp = sys.argv[1:]
rows = json.load(open(os.path.join(edi, "ANALYSIS.json")))
n = bad = 0

def ok(cond, what):
    global n, bad
    n += 1
    print(("ok %d - " if cond else "not ok %d - ") % n + what)
    if not cond:
        bad += 1

def inspect(path):
    p = subprocess.run([bollard, "edi", "inspect", "--json", path], capture_output=True)
    return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None), p.stderr.decode()

for row in rows:
    f = row["file"]
    path = os.path.join(edi, f)
    broken = any(k in f for k in ("malformed", "TRUNCATED"))
    rc, o, err = inspect(path)
    ok(rc in (0, 1) and o is not None, "%s: inspected (exit %d) %s" % (f, rc, err.strip()[:200]))
    if o is None:
        continue
    q = row.get("qualifiers", {})
    want = {
        "containers": row.get("EQD", 0),
        "reefers": sum(v for k, v in q.items() if k.startswith("TMP")),
        "dg_lines": sum(v for k, v in q.items() if k.startswith("DGS")),
    }
    if broken:
        errs = o["errors"] + [e for m in o["messages"] for e in m["errors"]]
        ok(rc == 1 and errs and all(e["offset"] >= 0 and e["segment"] >= 1 for e in errs),
           "%s: broken on purpose, reported at byte %s segment %s: %s" %
           (f, errs[0]["offset"] if errs else "?", errs[0]["segment"] if errs else "?",
            errs[0]["message"] if errs else "no error"))
        continue
    got = {k: sum(m[k] for m in o["messages"]) for k in want}
    ok(rc == 0, "%s: imports cleanly (exit %d)" % (f, rc))
    ok(got == want, "%s: counts %s, ANALYSIS.json %s" % (f, got, want))
    ok(o["segments"] == row["segments"], "%s: %d segments, ANALYSIS.json %d" % (f, o["segments"], row["segments"]))
    ok(len(o["messages"]) == len(row["messages"]), "%s: %d messages" % (f, len(o["messages"])))
    for m, a in zip(o["messages"], row["messages"]):
        warned = any(w["tag"] == "UNT" and w["element"] == 1 for w in m["warnings"])
        ok(warned == (not a["unt_ok"]), "%s: message %s UNT count %s" %
           (f, m["ref"], "warned" if warned else "not warned"))
        ok(a["type"].startswith("%s:%s:" % (m["type"], m["version"].split(":")[0])),
           "%s: type %s %s" % (f, m["type"], m["version"]))
    # CRLF after every segment, and a byte-order mark: the same answer.
    data = open(path, "rb").read()
    for name, variant in (("crlf", data.replace(b"'", b"'\r\n")), ("bom", b"\xef\xbb\xbf" + data)):
        vp = os.path.join(tmp, name + ".edi")
        open(vp, "wb").write(variant)
        vrc, vo, _ = inspect(vp)
        same = vo is not None and {k: sum(m[k] for m in vo["messages"]) for k in want} == want \
            and vo["segments"] == o["segments"] and vrc == rc
        ok(same, "%s: the same with %s" % (f, name))
print("1..%d" % n)
sys.exit(1 if bad else 0)
PYEOF
