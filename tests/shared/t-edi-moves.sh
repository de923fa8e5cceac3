#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-edi-moves.sh BOLLARD SRCDIR SHARED_DIR - move reports from partners'
# systems (COARRI, CODECO) imported, each message all or nothing and once.
#
# Terminal A is a demo terminal after a short day of crane work; B is a copy
# of it.  A then works a small day of its own (discharges, restows loaded
# back into their cells, gate-ins of new boxes, gate-outs of released
# imports); its COARRI for the visit and its CODECO for the gate, imported
# into B, leave B's move table and the boxes' places equal to A's (counted
# with sqlite3).  The moves of the demo day, in both, are "already
# recorded".  Importing again is "already imported"; B's journal replays to
# the same state.  Messages written here by hand to the SMDG rules: a report
# with a box bollard does not know fails at that box's EQD and changes
# nothing while the good message beside it imports; a gate-out under a hold
# fails with the core's reason; a report for a vessel without a visit fails
# at its BGM.  The shared samples (SHARED_DIR/edi/COARRI, CODECO) import or
# are refused with a position, never a crash.
set -u
bollard=${1:?usage: t-edi-moves.sh BOLLARD SRCDIR SHARED_DIR}
src=${2:?usage: t-edi-moves.sh BOLLARD SRCDIR SHARED_DIR}
shared=${3:?usage: t-edi-moves.sh BOLLARD SRCDIR SHARED_DIR}
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$bollard" init --data "$tmp/a" --origin test/bollard >/dev/null || exit 1
"$bollard" demo-data --data "$tmp/a" --moves 60 --trucks 0 >/dev/null || exit 1

python3 - "$bollard" "$tmp" "$src" "$shared" <<'PYEOF'
import glob, json, os, shutil, sqlite3, subprocess, sys

bollard, tmp, src, shared = sys.argv[1:5]
a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
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

def q(data, sql, *params):
    db = sqlite3.connect(os.path.join(data, "bollard.db"))
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()

def batch(data, lines):
    p = subprocess.run([bollard, "batch", "--data", data, "-"], input="\n".join(
        json.dumps(l) for l in lines) + "\n", capture_output=True, text=True)
    if p.returncode:
        print("# " + p.stdout.replace("\n", "\n# "))
    return p.returncode == 0

def imp(data, path, *extra):
    p = subprocess.run([bollard, "edi", "import", "--data", data, "--json"] + list(extra) +
                       [path], capture_output=True, text=True)
    try:
        return p.returncode, json.loads(p.stdout.splitlines()[0])
    except (IndexError, ValueError):
        return p.returncode, {"messages": [], "stderr": p.stderr}

def entries(data):
    return q(data, "SELECT count(*) FROM journal")[0][0]

def check_digit(s):
    v, k = [], 10
    table = {}
    for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if k % 11 == 0:
            k += 1
        table[c] = k
        k += 1
    total = sum((table[c] if c.isalpha() else int(c)) * 2 ** i for i, c in enumerate(s))
    return str(total % 11 % 10)

def box_id(owner, serial):
    s = "%sU%06d" % (owner, serial)
    return s + check_digit(s)

def moves(data):
    return dict(q(data, "SELECT kind, count(*) FROM move GROUP BY kind"))

# ---- A's small day ----
visit, imo, voyage = q(a, "SELECT v.id, v.imo, json_extract(v.doc, '$.voyage_in') FROM visit v "
                          "JOIN vessel_slot s ON s.visit = v.id GROUP BY v.id "
                          "ORDER BY count(*) DESC LIMIT 1")[0]
tops = {}
for bay20, row, tier, box in q(a, "SELECT bay20, row, tier, container FROM vessel_slot "
                                  "WHERE visit = ? ORDER BY tier", visit):
    tops[(bay20, row)] = box
covered = {}
for bay20, row, tier, box in q(a, "SELECT bay20, row, tier, container FROM vessel_slot "
                                  "WHERE visit = ?", visit):
    covered.setdefault(box, []).append(tops[(bay20, row)] == box)
on_top = sorted(x for x, c in covered.items() if all(c))[:6]
cells = dict(q(a, "SELECT id, cell FROM container WHERE id IN (%s)" %
               ",".join("?" * len(on_top)), *on_top))
restow = on_top[:3]
line = q(a, "SELECT code FROM line ORDER BY code LIMIT 1")[0][0]
ytop = {}
for t, blk, bay20, row, tier, box in q(a, "SELECT terminal, block, bay20, row, tier, container "
                                          "FROM yard_slot ORDER BY tier"):
    ytop[(t, blk, bay20, row)] = box
ycov = {}
for t, blk, bay20, row, tier, box in q(a, "SELECT terminal, block, bay20, row, tier, container "
                                          "FROM yard_slot"):
    ycov.setdefault(box, []).append(ytop[(t, blk, bay20, row)] == box)
imports = [r[0] for r in q(a, "SELECT id FROM container WHERE place = 'yard' AND category = "
                              "'import' AND id NOT IN (SELECT container FROM hold WHERE "
                              "lifted_seq IS NULL) ORDER BY id") if all(ycov.get(r[0], [False]))]
out_boxes, held = imports[:3], imports[3]
check(len(on_top) >= 3 and len(imports) >= 4, "A has boxes on top on board %s and in the yard"
      % visit)
check(batch(a, [{"cmd": "release.grant", "id": x, "ref": "DO%d" % i}
                for i, x in enumerate(out_boxes + [held])]), "releases granted")
shutil.copytree(a, b)
day = []
for x in on_top:
    day.append({"cmd": "discharge", "id": x})
for x in restow:
    day.append({"cmd": "load", "id": x, "visit": visit, "cell": cells[x]})
new_boxes = [box_id("TSTU"[:3], 900100 + i) for i in range(3)]
for i, x in enumerate(new_boxes):
    day.append({"cmd": "truck.arrive", "terminal": "DCT1", "person": "drv-%d" % i,
                "driver": "A Driver", "plate": "T %d" % i, "ref": "GI-%d" % i})
    day.append({"cmd": "gate.receive", "truck": "GI-%d" % i, "container": {
        "id": x, "sizetype": "22G1", "line": line, "category": "export", "full": True,
        "gross_kg": 12000 + i, "pod": "SGSIN"}})
for i, x in enumerate(out_boxes):
    day += [{"cmd": "truck.arrive", "terminal": "DCT1", "person": "drv-9%d" % i,
             "driver": "B Driver", "plate": "O %d" % i, "ref": "GO-%d" % i},
            {"cmd": "gate.deliver", "truck": "GO-%d" % i, "id": x},
            {"cmd": "truck.depart", "truck": "GO-%d" % i}]
check(batch(a, day), "A's day: %d discharges, %d loads, %d gate-ins, %d gate-outs" %
      (len(on_top), len(restow), len(new_boxes), len(out_boxes)))

# ---- A's reports into B ----
for args, name in ((["--visit", visit, "coarri"], "coarri.edi"),
                   (["--terminal", "DCT1", "codeco"], "codeco.edi")):
    p = subprocess.run([bollard, "edi", "export", "--data", a] + args, capture_output=True)
    open(os.path.join(tmp, name), "wb").write(p.stdout)
    check(p.returncode == 0, "A: %s exported" % name)
before = dict(q(b, "SELECT kind, count(*) FROM move WHERE visit = ? GROUP BY kind", visit))
rc, rep = imp(b, os.path.join(tmp, "coarri.edi"))
ms = rep["messages"]
check(rc == 0 and [m["outcome"] for m in ms] == ["imported", "imported"],
      "B: the COARRI imports (%s)" % [m.get("notes") for m in ms if m["outcome"] != "imported"])
check([m.get("recorded") for m in ms] == [len(on_top), len(restow)] and
      all(m["visit"] == visit for m in ms),
      "B: %d discharges and %d loads recorded into %s (%s)" %
      (len(on_top), len(restow), visit, [m.get("recorded") for m in ms]))
check([m.get("already_recorded") for m in ms] == [before.get("discharge", 0),
                                                  before.get("load", 0)],
      "B: the demo day's moves already recorded (%s)" % [m.get("already_recorded") for m in ms])
rc, rep = imp(b, os.path.join(tmp, "codeco.edi"))
ms = rep["messages"]
check(rc == 0 and [m["outcome"] for m in ms] == ["imported", "imported"] and
      [m.get("recorded") for m in ms] == [3, 3],
      "B: the CODECO imports: 3 gate-ins, 3 gate-outs (%s)" % json.dumps(ms)[:600])
check(moves(a) == moves(b), "the move tables are equal: %s" % moves(b))
pa = q(a, "SELECT count(*), group_concat(id || place || ifnull(cell, '') || ifnull(block, ''), ' ') "
          "FROM (SELECT * FROM container ORDER BY id) WHERE place <> 'truck'")
pb = q(b, "SELECT count(*), group_concat(id || place || ifnull(cell, '') || ifnull(block, ''), ' ') "
          "FROM (SELECT * FROM container ORDER BY id) WHERE place <> 'truck'")
check(pa == pb, "every box outside the trucks is where it is in A (%d)" % pa[0][0])
trucks = q(b, "SELECT c.id FROM container c WHERE c.place = 'truck' ORDER BY c.id")
check([t[0] for t in trucks] == sorted(new_boxes), "the gate-in boxes wait on their trucks")
rt = q(b, "SELECT count(*) FROM journal WHERE json_extract(CAST(entry AS TEXT), "
          "'$.payload.reported_at') IS NOT NULL")[0][0]
want = 2 * len(on_top) + len(restow) + len(new_boxes) + len(out_boxes) - len(on_top)
check(rt == want, "each recorded move keeps its reported time (%d of %d)" % (rt, want))

# ---- again ----
count = entries(b)
for name in ("coarri.edi", "codeco.edi"):
    rc, rep = imp(b, os.path.join(tmp, name))
    check(rc == 0 and all(m["outcome"] == "already imported" for m in rep["messages"]),
          "%s again: already imported" % name)
check(entries(b) == count, "importing again journals nothing")
if node:
    for name, eqd in (("codeco.edi", 6),):
        p = subprocess.run(["node", os.path.join(src, "tests", "interop", "check.js"),
                            os.path.join(tmp, name), "EQD=%d" % eqd], capture_output=True,
                           text=True, env=dict(os.environ, NODE_PATH=modules))
        check(p.returncode == 0, "the independent parser reads %s" % name)

# ---- messages written here to the SMDG rules ----
def tops_of(data, v):
    top, cov = {}, {}
    for bay20, row, tier, box in q(data, "SELECT bay20, row, tier, container FROM vessel_slot "
                                         "WHERE visit = ? ORDER BY tier", v):
        top[(bay20, row)] = box
    for bay20, row, tier, box in q(data, "SELECT bay20, row, tier, container FROM vessel_slot "
                                         "WHERE visit = ?", v):
        cov.setdefault(box, []).append(top[(bay20, row)] == box)
    return sorted(x for x, c in cov.items() if all(c) and x not in on_top)

# The visit with the most boxes free to discharge, and its vessel and voyage.
visit2 = max((r[0] for r in q(b, "SELECT DISTINCT visit FROM vessel_slot")),
             key=lambda v: len(tops_of(b, v)))
free = tops_of(b, visit2)[:2]
imo, voyage = q(b, "SELECT imo, json_extract(doc, '$.voyage_in') FROM visit WHERE id = ?",
                visit2)[0]
check(len(free) == 2, "two boxes free to discharge from %s" % visit2)
unknown = box_id("ZZZ", 123456)

def coarri(ref, boxes):
    segs = ["UNH+%s+COARRI:D:95B:UN:ITG12" % ref, "BGM+98+%s+9" % ref,
            "TDT+20+%s+1++%s:172:20+++%s:146::TEST" % (voyage, line, imo),
            "LOC+11+JPNGO:139:6"]
    for x in boxes:
        segs += ["EQD+CN+%s+22G1:102:5++3+5" % x, "DTM+203:202611220930:203"]
    segs.append("UNT+%d+%s" % (len(segs) + 1, ref))
    return segs

def interchange(*msgs):
    segs = ["UNB+UNOA:2+CRANES+BOLLARD+261122:0930+T1"]
    for m in msgs:
        segs += m
    segs.append("UNZ+%d+T1" % len(msgs))
    return "'\n".join(segs) + "'\n"

path = os.path.join(tmp, "mixed.edi")
text = interchange(coarri("BAD", [free[0], unknown]), coarri("GOOD", [free[1]]))
open(path, "w").write(text)
count = entries(b)
rc, rep = imp(b, path)
ms = rep["messages"]
bad = text.index("EQD+CN+" + unknown)
notes = ms[0]["notes"] if ms else []
check(rc == 1 and [m["outcome"] for m in ms] == ["failed", "imported"],
      "a report with an unknown box fails, the good one beside it imports")
check(any(x["offset"] == bad and x["segment"] == 8 and unknown in x["message"] for x in notes),
      "the failure names the box, its byte and segment (%s)" % notes)
check(q(b, "SELECT place FROM container WHERE id = ?", free[0]) == [("vessel",)] and
      q(b, "SELECT place FROM container WHERE id = ?", free[1]) == [("quay",)],
      "the failed message changed nothing; the good one discharged its box")
check(entries(b) == count + 1, "one journal entry for the good message")

# A gate-out under a hold: the core's reason.
hb = held
check(batch(b, [{"cmd": "hold.place", "id": hb, "kind": "customs", "reason": "inspection"}]),
      "B: a customs hold on %s" % hb)
gate = ["UNH+1+CODECO:D:95B:UN", "BGM+36+G1+9", "LOC+165+JPNGO:139:6",
        "EQD+CN+%s+22G1:102:5++3+5" % hb, "DTM+7:202611221000:203", "TDT+1++3+31++++NGO 1"]
gate.append("UNT+%d+1" % (len(gate) + 1))
path = os.path.join(tmp, "held.edi")
open(path, "w").write(interchange(gate))
count = entries(b)
rc, rep = imp(b, path)
notes = rep["messages"][0]["notes"] if rep["messages"] else []
check(rc == 1 and rep["messages"][0]["outcome"] == "failed" and
      any("hold" in x["message"] and hb in x["message"] for x in notes) and
      entries(b) == count, "a gate-out under a hold fails with the core's reason (%s)" % notes)

# No visit for the report's vessel.
path = os.path.join(tmp, "novisit.edi")
msg = coarri("NV", [free[1]])
msg[2] = "TDT+20+NOSUCH+1++%s:172:20+++%s:146::TEST" % (line, imo)
open(path, "w").write(interchange(msg))
rc, rep = imp(b, path)
notes = rep["messages"][0]["notes"] if rep["messages"] else []
check(rc == 1 and any("no defined visit of vessel" in x["message"] and x["segment"] == 3 for x in notes),
      "a report for a voyage without a visit fails at its BGM (%s)" % notes)

rp = subprocess.run([bollard, "journal", "replay", "--data", b], capture_output=True, text=True)
check(rp.returncode == 0, "B's state equals a replay of its journal")

# ---- the shared samples ----
files = sorted(glob.glob(os.path.join(shared, "edi", "COARRI", "*.edi")) +
               glob.glob(os.path.join(shared, "edi", "CODECO", "*.edi")))
if not files:
    print("# skipped: needs ../shared (the shared samples)")
for f in files:
    rc, rep = imp(b, f)
    ms = rep["messages"]
    ok = rc in (0, 1) and ms and all(
        m["outcome"] in ("imported", "already imported") or
        any(x["level"] == "error" and x["offset"] > 0 and x["segment"] > 0 for x in m["notes"])
        for m in ms)
    check(ok, "%s: %s" % (os.path.basename(f), "; ".join(
        m["outcome"] + ("" if m["outcome"] != "failed" else " at " + ", ".join(
            "%d/%d %s" % (x["offset"], x["segment"], x["message"][:60])
            for x in m["notes"] if x["level"] == "error")) for m in ms)))
rp = subprocess.run([bollard, "journal", "replay", "--data", b], capture_output=True, text=True)
check(rp.returncode == 0, "B's state still equals a replay of its journal")

print("1..%d" % n)
sys.exit(1 if failed else 0)
PYEOF
