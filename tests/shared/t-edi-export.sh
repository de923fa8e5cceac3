#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-edi-export.sh BOLLARD SRCDIR SHARED_DIR - move and gate reports out of a
# day of demo traffic: every vessel visit's COARRI and the terminal's CODECO
# hold exactly the discharges, loads, gate-ins and gate-outs the state tables
# recorded (counted independently with sqlite3), read back by bollard and by
# an independent EDIFACT parser; the cursor sends each move once; a line gets
# only its own boxes; bad requests change nothing and say why.  The same
# moves as DCSA equipment events validate against the DCSA event domain's
# schema (in SHARED_DIR/edi/DCSA) with an independent JSON Schema validator.
set -u
bollard=${1:?usage: t-edi-export.sh BOLLARD SRCDIR SHARED_DIR}
src=${2:?usage: t-edi-export.sh BOLLARD SRCDIR SHARED_DIR}
shared=${3:?usage: t-edi-export.sh BOLLARD SRCDIR SHARED_DIR}
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$bollard" init --data "$tmp/d" --origin test/bollard >/dev/null || exit 1
"$bollard" demo-data --data "$tmp/d" --moves 300 --trucks 200 >/dev/null || exit 1

python3 - "$bollard" "$tmp" "$src" "$shared" <<'PYEOF'
import json, os, re, shutil, sqlite3, subprocess, sys

bollard, tmp, src, shared = sys.argv[1:5]
data = os.path.join(tmp, "d")
db = sqlite3.connect(os.path.join(data, "bollard.db"))
n = 0
failed = 0
modules = os.path.join(src, "tests", "interop", "node_modules")
node = shutil.which("node") and os.path.isdir(os.path.join(modules, "edifact"))

def check(cond, what):
    global n, failed
    n += 1
    print(("ok %d - " if cond else "not ok %d - ") % n + what)
    if not cond:
        failed += 1

def export(*args):
    p = subprocess.run([bollard, "edi", "export", "--data", data] + list(args),
                       capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode()

def inspect(path):
    p = subprocess.run([bollard, "edi", "inspect", "--json", path], capture_output=True,
                       text=True)
    return json.loads(p.stdout.splitlines()[0])

def counted(where, *params):
    # Independently of bollard's query: the state tables, joined by hand.
    return db.execute("SELECT m.kind, count(*) FROM move m JOIN container c ON c.id = "
                      "m.container WHERE " + where + " GROUP BY m.kind", params).fetchall()

def third_party(path, counts):
    if not node:
        print("# node or tests/interop/node_modules missing: third-party check skipped")
        return True
    p = subprocess.run(["node", os.path.join(src, "tests", "interop", "check.js"), path] +
                       ["%s=%d" % kv for kv in counts.items()],
                       capture_output=True, text=True, env=dict(os.environ, NODE_PATH=modules))
    if p.returncode:
        print("# " + p.stdout.strip())
    return p.returncode == 0

visits = [r[0] for r in db.execute("SELECT DISTINCT visit FROM move WHERE visit IS NOT NULL "
                                   "ORDER BY visit")]
check(len(visits) == 3, "three visits worked (%d)" % len(visits))
for v in visits:
    want = dict(counted("m.visit = ?", v))
    cells = db.execute("SELECT count(*) FROM move WHERE visit = ? AND cell IS NOT NULL",
                       (v,)).fetchone()[0]
    rc, out, err = export("--visit", v, "coarri")
    path = os.path.join(tmp, v + ".edi")
    open(path, "wb").write(out)
    check(rc == 0, "%s: coarri exported" % v)
    got = inspect(path)
    msgs = got["messages"]
    check([m["type"] for m in msgs] == ["COARRI", "COARRI"], "%s: two COARRI messages" % v)
    check([m["containers"] for m in msgs] == [want.get("discharge", 0), want.get("load", 0)],
          "%s: %d discharged, %d loaded, as the state tables say" %
          (v, want.get("discharge", 0), want.get("load", 0)))
    check(not any(w for m in msgs for w in m["warnings"]), "%s: read back without warnings" % v)
    check(third_party(path, {"EQD": sum(want.values()), "LOC+147": cells,
                             "DTM+203": sum(want.values()), "BGM": 2}),
          "%s: the independent parser reads it" % v)
    last = int(re.search(r"--after (\d+)", err).group(1))
    rc, out, err = export("--visit", v, "--after", str(last), "coarri")
    check(rc == 0 and "0 containers" in err, "%s: nothing new after the cursor" % v)

# Gate reports of the terminal.
want = dict(counted("m.terminal = 'DCT1' AND m.kind IN ('gate-in', 'gate-out')"))
rc, out, err = export("--terminal", "DCT1", "codeco")
path = os.path.join(tmp, "gate.edi")
open(path, "wb").write(out)
msgs = inspect(path)["messages"]
check(rc == 0 and [m["type"] for m in msgs] == ["CODECO", "CODECO"], "codeco: two messages")
check([m["containers"] for m in msgs] == [want.get("gate-in", 0), want.get("gate-out", 0)],
      "codeco: %d in, %d out, as the state tables say" % (want.get("gate-in", 0),
                                                          want.get("gate-out", 0)))
check(third_party(path, {"EQD": sum(want.values()), "DTM+7": sum(want.values()),
                         "TDT+1": sum(want.values())}), "codeco: the independent parser reads it")

# The cursor: a report up to the middle, then the rest: each move once.
seqs = [r[0] for r in db.execute("SELECT seq FROM move WHERE terminal = 'DCT1' AND kind IN "
                                 "('gate-in', 'gate-out') ORDER BY seq")]
mid = seqs[len(seqs) // 2]
_, _, err1 = export("--terminal", "DCT1", "--after", "0", "codeco")
rc, out, err = export("--terminal", "DCT1", "--after", str(mid), "codeco")
open(path, "wb").write(out)
after = sum(m["containers"] for m in inspect(path)["messages"])
check(after == len([s for s in seqs if s > mid]), "codeco after the middle: %d moves" % after)

# A line gets its own boxes only, addressed to it.
line = db.execute("SELECT c.line FROM move m JOIN container c ON c.id = m.container WHERE "
                  "m.visit = ? GROUP BY c.line ORDER BY count(*) DESC", (visits[0],)).fetchone()[0]
mine = sum(k for _, k in counted("m.visit = ? AND c.line = ?", visits[0], line))
rc, out, err = export("--visit", visits[0], "--line", line, "coarri")
open(path, "wb").write(out)
got = inspect(path)
check(sum(m["containers"] for m in got["messages"]) == mine and mine > 0,
      "line %s: its %d boxes only" % (line, mine))
check(out.startswith(b"UNB+UNOA:2+") and (b"+" + line.encode() + b"+") in out.split(b"'")[0],
      "line %s: the interchange is addressed to it" % line)
others = [l for l in re.findall(rb"NAD\+CF\+([A-Z0-9]+):", out)]
check(others and all(l.decode() == line for l in others), "line %s: no other line's box" % line)

# Bad requests: a clear error, nothing written.
for args, what in ((["--visit", "NOPE-1", "coarri"], "no vessel visit NOPE-1"),
                   (["--terminal", "XXX", "codeco"], "no terminal XXX"),
                   (["--visit", visits[0], "codeco"], "codeco needs --terminal"),
                   (["--terminal", "DCT1", "coarri"], "coarri needs --visit"),
                   (["--visit", visits[0], "--after", "-1", "coarri"], "not an entry number"),
                   (["--visit", visits[0], "copino"], "not a message bollard writes")):
    rc, out, err = export(*args)
    check(rc != 0 and not out and what in err, "refused: %s" % " ".join(args))

# DCSA equipment events: the same moves, valid against the DCSA schema.
rc, out, err = export("dcsa")
events = json.loads(out)
total = db.execute("SELECT count(*) FROM move").fetchone()[0]
check(rc == 0 and len(events) == total, "dcsa: one event per move (%d)" % total)
codes = {"discharge": "DISC", "load": "LOAD", "gate-in": "GTIN", "gate-out": "GTOT"}
want = {codes[k]: c for k, c in db.execute("SELECT kind, count(*) FROM move GROUP BY kind")}
got = {}
for e in events:
    got[e["equipmentEventTypeCode"]] = got.get(e["equipmentEventTypeCode"], 0) + 1
check(got == want, "dcsa: event codes match the moves %s" % json.dumps(want, sort_keys=True))
check(len({e["eventID"] for e in events}) == len(events), "dcsa: event ids are unique")
rc, again, _ = export("dcsa")
check(json.loads(again) == events, "dcsa: the same moves give the same events")
rc, out, _ = export("--line", line, "dcsa")
check(all(e["equipmentReference"] in
          {r[0] for r in db.execute("SELECT id FROM container WHERE line = ?", (line,))}
          for e in json.loads(out)), "dcsa: a line's events are its own boxes")
schema = os.path.join(shared, "edi", "DCSA", "DCSA_event_domain_v2.0.2.yaml")
if not os.path.exists(schema):
    print("# %s not found (set -Dshared_dir): schema check skipped" % schema)
elif not node or not os.path.isdir(os.path.join(modules, "ajv")):
    print("# node or tests/interop/node_modules/ajv missing: schema check skipped")
else:
    evpath = os.path.join(tmp, "events.json")
    open(evpath, "w").write(json.dumps(events))
    p = subprocess.run(["node", os.path.join(src, "tests", "interop", "dcsa.js"), schema, evpath],
                       capture_output=True, text=True, env=dict(os.environ, NODE_PATH=modules))
    print("# " + "\n# ".join(p.stdout.strip().splitlines()[:5]))
    check(p.returncode == 0, "dcsa: every event valid against the DCSA equipmentEvent schema")

print("1..%d" % n)
sys.exit(1 if failed else 0)
PYEOF
