#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-edi-import.sh BOLLARD SRCDIR SHARED_DIR - every shared bay plan imported
# into a vessel visit through bollard edi import: the counts equal
# ANALYSIS.json or the message fails with a position and changes nothing;
# importing again changes nothing; a CRLF/BOM copy finds its boxes on board;
# a broken message beside a good one in one interchange; visits made from the
# plan; a departure bay plan exported, read by the independent parser
# (tests/interop) and imported again into another terminal unchanged.
set -u
bollard=${1:?usage: t-edi-import.sh BOLLARD SRCDIR SHARED_DIR}
src=${2:?usage: t-edi-import.sh BOLLARD SRCDIR SHARED_DIR}
shared=${3:?usage: t-edi-import.sh BOLLARD SRCDIR SHARED_DIR}
[ -f "$shared/edi/ANALYSIS.json" ] || { echo "1..0 # SKIP $shared/edi not found (set -Dshared_dir)"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 - "$bollard" "$shared/edi" "$tmp" "$src" <<'PYEOF'
import json, os, re, subprocess, sys

bollard, edi, tmp, src = sys.argv[1:5]
analysis = {a["file"]: a for a in json.load(open(os.path.join(edi, "ANALYSIS.json")))}
n = 0
failed = 0

def check(cond, what):
    global n, failed
    n += 1
    print(("ok %d - " if cond else "not ok %d - ") % n + what)
    if not cond:
        failed += 1

def run(*args, ok=(0, 1)):
    p = subprocess.run([bollard] + list(args), capture_output=True, text=True)
    if p.returncode not in ok:
        print("# %s exited %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p

def setup(data, cmds):
    run("init", "--data", data, ok=(0,))
    path = data + ".jsonl"
    with open(path, "w") as f:
        for c in cmds:
            f.write(json.dumps(c) + "\n")
    p = run("batch", "--data", data, path, ok=(0,))
    return p.returncode == 0

def entries(data):
    out = run("journal", "verify", "--data", data).stdout
    m = re.search(r"intact: (\d+) entries", out)
    return int(m.group(1)) if m else -1

def imp(data, path, *opts):
    p = run("edi", "import", "--data", data, "--json", *opts, path)
    try:
        return p.returncode, json.loads(p.stdout)
    except ValueError:
        return p.returncode, {"messages": []}

# A vessel whose frame holds every cell the real plans use.
def vessel(imo, cs, name):
    return {"cmd": "vessel.define", "imo": imo, "name": name, "call_sign": cs,
            "profile": {"bays": 99, "rows_starboard": 15, "rows_port": 15, "centre_row": True,
                        "hold_tier_max": 78, "deck_tier_min": 80, "deck_tier_max": 98,
                        "max_stack_kg_hold": 900000, "max_stack_kg_deck": 900000, "teu": 20000}}

TERMINAL = {"cmd": "terminal.define", "code": "T1", "name": "Test", "timezone": "UTC",
            "unlocode": "GBSOU"}
def visit(vid, imo):
    return {"cmd": "visit.define", "id": vid, "terminal": "T1", "imo": imo, "phase": "planned"}

plans = sorted(f for f in os.listdir(os.path.join(edi, "BAPLIE")) if f.endswith(".edi"))
# The real plans that must not import, and why (each error names the box and its position).
refused = {
    "baplie15_demo_BAYPLAN-to-RECCECEPT_v15.edi": "not a cell", # synthetic cells, tier 00
    "baplie15_estelle-maersk_PSTOW_2010.edi": "20 ft box",      # a 20 ft box in 40 ft bay 10
    "baplie20_staedi_DGS_UNT-count-wrong.edi": "no size-type",  # a DG box without a size-type
    "baplie22_X-PRESS-EUPHRATES_AEKHL_2017.edi": "'4536'",      # a pre-1996 type with no equivalent
}

data = os.path.join(tmp, "d1")
cmds = [TERMINAL, {"cmd": "line.define", "code": "MSK", "name": "Maersk"},
        vessel("9074729", "BIG1", "TEST CARRIER")]
cmds += [visit("V%d" % i, "9074729") for i in range(len(plans))]
check(setup(data, cmds), "a terminal, a vessel and a visit per bay plan")
registered = {}
for i, name in enumerate(plans):
    path = os.path.join(edi, "BAPLIE", name)
    a = analysis["BAPLIE/" + name]
    before = entries(data)
    rc, rep = imp(data, path, "--visit", "V%d" % i)
    msgs = rep["messages"]
    if name in refused:
        errs = [x for m in msgs for x in m["notes"] if x["level"] == "error"]
        check(rc == 1 and msgs and msgs[0]["outcome"] == "failed" and errs and
              errs[0]["offset"] > 0 and errs[0]["segment"] > 0 and refused[name] in errs[0]["message"],
              "%s refused at a position: %s" % (name, errs[0]["message"] if errs else "no error"))
        check(entries(data) == before, "%s: nothing journaled" % name)
        continue
    m = msgs[0] if msgs else {}
    q = a["qualifiers"]
    tmp_n = sum(v for k, v in q.items() if k.startswith("TMP"))
    dgs_n = sum(v for k, v in q.items() if k.startswith("DGS"))
    total = m.get("registered", -1) + m.get("reserved", 0) + m.get("unidentified", 0)
    check(rc == 0 and m.get("outcome") == "imported", "%s imported (exit %d)" % (name, rc))
    check(m.get("containers") == a["EQD"] and total == a["EQD"],
          "%s: EQD %d = registered %s + reserved %s + unidentified %s" %
          (name, a["EQD"], m.get("registered"), m.get("reserved"), m.get("unidentified")))
    check(m.get("reefers") == tmp_n and m.get("dg_lines") == dgs_n,
          "%s: reefers %s/%d, DG lines %s/%d" % (name, m.get("reefers"), tmp_n, m.get("dg_lines"), dgs_n))
    check(m.get("flagged") == a["iso6346_invalid"] and m.get("unidentified") == a["iso6346_notformat"],
          "%s: flagged %s = wrong check digits %d; unidentified %s = not numbers %d" %
          (name, m.get("flagged"), a["iso6346_invalid"], m.get("unidentified"), a["iso6346_notformat"]))
    reg = m.get("registered", 0)
    marks = 1 if m.get("reserved") or m.get("blocked") else 0  # slot.marked: the plan's empty cells
    check(entries(data) == before + reg + marks, "%s: one journal entry per box (%d), %d for its "
          "reserved cells" % (name, reg, marks))
    registered[name] = reg
    # The same message again: nothing new.
    before = entries(data)
    rc, rep = imp(data, path, "--visit", "V%d" % i)
    o = rep["messages"][0]["outcome"] if rep["messages"] else None
    check(rc == 0 and (o == "already imported" or (reg == 0 and o == "imported")) and
          entries(data) == before, "%s imported again: %s, nothing journaled" % (name, o))

# A CRLF + byte-order-mark copy is another message (other bytes): its boxes are found on board.
name = "baplie20_caroline-maersk_PSTOW_2010.edi"
raw = open(os.path.join(edi, "BAPLIE", name), "rb").read()
crlf = os.path.join(tmp, "crlf.edi")
open(crlf, "wb").write(b"\xef\xbb\xbf" + raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
before = entries(data)
rc, rep = imp(data, crlf, "--visit", "V%d" % plans.index(name))
m = rep["messages"][0] if rep["messages"] else {}
check(rc == 0 and m.get("already_on_board") == registered.get(name) and m.get("registered") == 0
      and entries(data) == before, "CRLF/BOM copy of %s: %s boxes already on board, nothing new" %
      (name, m.get("already_on_board")))

# The same boxes into another visit: refused (a box is in one place), nothing changes.
before = entries(data)
rc, rep = imp(data, os.path.join(edi, "BAPLIE", name), "--visit", "V%d" % plans.index(refused and
              "baplie15_demo_BAYPLAN-to-RECCECEPT_v15.edi"))
m = rep["messages"][0] if rep["messages"] else {}
errs = [x["message"] for x in m.get("notes", []) if x["level"] == "error"]
check(rc == 1 and m.get("outcome") == "failed" and errs and "already" in errs[0] and entries(data) == before,
      "boxes on board one visit refused for another: %s" % (errs[0] if errs else "no error"))

# One interchange, two messages: a good one imports, a broken one (unreadable VGM) does not.
name = "baplie20_LBCT-to-OOCL_php-edifact_2016.edi"
text = open(os.path.join(edi, "BAPLIE", name), encoding="latin-1").read()
body = text[text.index("UNH+"):text.index("UNZ+")]
bad = re.sub(r"MEA\+WT\+\+KGM:\d+", "MEA+WT++KGM:1O000", body, count=1).replace("UNH+", "UNH+B", 1)
bad = re.sub(r"UNT\+(\d+)\+", r"UNT+\1+B", bad)
two = text[:text.index("UNH+")] + body + bad + text[text.index("UNZ+"):]
mixed = os.path.join(tmp, "mixed.edi")
open(mixed, "w", encoding="latin-1").write(two)
d2 = os.path.join(tmp, "d2")
setup(d2, [TERMINAL, vessel("9074729", "VRIB3", "OOCL BEIJING"), visit("M1", "9074729")])
before = entries(d2)
rc, rep = imp(d2, mixed, "--visit", "M1")
o = [m.get("outcome") for m in rep["messages"]]
errs = [x for m in rep["messages"][1:] for x in m["notes"] if x["level"] == "error"]
check(rc == 1 and o == ["imported", "failed"] and entries(d2) == before + 3,
      "good message imported (3 boxes), broken one not: %s" % o)
check(errs and errs[0]["segment"] > 0 and "MEA" in errs[0]["message"],
      "the broken message's error names its segment: %s" % (errs[0] if errs else "none"))

# Visits made from the plan: the vessel by call sign, the voyage from TDT.
d3 = os.path.join(tmp, "d3")
setup(d3, [TERMINAL, vessel("9321483", "OZWA2", "CAROLINE MAERSK")])
rc, rep = imp(d3, os.path.join(edi, "BAPLIE", "baplie20_caroline-maersk_PSTOW_2010.edi"), "--create-visit")
m = rep["messages"][0] if rep["messages"] else {}
check(rc == 0 and m.get("visit") == "OZWA2-1002" and m.get("registered") == registered.get(
      "baplie20_caroline-maersk_PSTOW_2010.edi"), "--create-visit: visit %s with %s boxes" %
      (m.get("visit"), m.get("registered")))
p = run("report", "--data", d3, "--json", "visit", "OZWA2-1002")
try:
    on_board = json.loads(p.stdout).get("on_board")
except ValueError:
    on_board = None
check(on_board == m.get("registered"), "the new visit has %s boxes on board" % on_board)
before = entries(d3)
rc, rep = imp(d3, os.path.join(edi, "BAPLIE", "baplie22_X-PRESS-EUPHRATES_AEKHL_2017.edi"), "--create-visit")
m = rep["messages"][0] if rep["messages"] else {}
errs = [x["message"] for x in m.get("notes", []) if x["level"] == "error"]
check(rc == 1 and errs and "not defined" in errs[0] and entries(d3) == before,
      "--create-visit with a vessel bollard does not know: %s" % (errs[0] if errs else "no error"))

# Out: the departure bay plan, read by an independent parser, and into another terminal unchanged.
out1 = os.path.join(tmp, "out1.edi")
p = run("edi", "export", "--data", d3, "--visit", "OZWA2-1002", "--out", out1, "baplie")
check(p.returncode == 0 and os.path.getsize(out1) > 0, "export baplie of OZWA2-1002")
d4 = os.path.join(tmp, "d4")
setup(d4, [TERMINAL, vessel("9321483", "OZWA2", "CAROLINE MAERSK"), visit("R1", "9321483")])
rc, rep = imp(d4, out1, "--visit", "R1")
m = rep["messages"][0] if rep["messages"] else {}
check(rc == 0 and m.get("registered") == registered.get("baplie20_caroline-maersk_PSTOW_2010.edi"),
      "the exported plan imports again: %s boxes" % m.get("registered"))
out2 = os.path.join(tmp, "out2.edi")
run("edi", "export", "--data", d4, "--visit", "R1", "--out", out2, "baplie")
def body_of(path):
    segs = open(path, encoding="latin-1").read().split("'")
    return [s.strip() for s in segs if s.strip() and not re.match(r"(UNB|UNH|BGM|TDT|UNT|UNZ)\+|DTM\+137:", s.strip())]
b1, b2 = body_of(out1), body_of(out2)
check(b1 == b2 and len(b1) > 1000, "exported again it is the same plan (%d segments)" % len(b1))
node = os.path.join(src, "tests", "interop", "node_modules", "edifact", "package.json")
if os.path.exists(node) and subprocess.run(["sh", "-c", "command -v node"], capture_output=True).returncode == 0:
    a = analysis["BAPLIE/baplie20_caroline-maersk_PSTOW_2010.edi"]
    q = a["qualifiers"]
    boxes = registered["baplie20_caroline-maersk_PSTOW_2010.edi"]
    env = dict(os.environ, NODE_PATH=os.path.join(src, "tests", "interop", "node_modules"))
    p = subprocess.run(["node", os.path.join(src, "tests", "interop", "check.js"), out1,
                        "LOC+147=%d" % boxes, "EQD=%d" % boxes,
                        "TMP=%d" % sum(v for k, v in q.items() if k.startswith("TMP")),
                        "DGS=%d" % sum(v for k, v in q.items() if k.startswith("DGS"))],
                       capture_output=True, text=True, env=env)
    check(p.returncode == 0, "the independent parser accepts the export: %s" % p.stdout.strip()[:200])
else:
    print("ok %d - # SKIP node or tests/interop/node_modules missing (scripts/install-deps)" % (n + 1))
    n += 1

for d in (data, d2, d3, d4):
    p = run("journal", "verify", "--data", d)
    check(p.returncode == 0, "journal of %s verifies" % os.path.basename(d))
print("1..%d" % n)
sys.exit(1 if failed else 0)
PYEOF
