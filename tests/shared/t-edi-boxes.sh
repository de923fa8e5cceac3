#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-edi-boxes.sh BOLLARD SHARED_DIR - messages of container groups imported
# into a terminal with traffic, each all or nothing and once:
#
# VGM declarations (VERMAS): known boxes get their VGM and method as a
# journaled correction naming the message, the same VGM again changes
# nothing, a box bollard has no record of has its VGM kept pending
# (t-edi-booking.sh follows it), unnumbered boxes are reported, a VGM the
# core refuses fails its message (and only it) at the box.
#
# Container announcements (COPARN): new boxes registered as announced with
# their master data (booking, ports, VGM and method, reefer set point, DG,
# seals), boxes already known left alone, boxes without a number reported,
# a box without a size-type fails its message (and only it).
#
# Importing again changes nothing; the journal verifies and replays to the
# same state.  The shared files (SHARED_DIR/edi/VERMAS, COPARN): the VERMAS
# imports with its box's VGM pending; the COPARN release order (BGM 12) is
# refused for its line, which this terminal does not define (t-edi-booking.sh
# imports it), the announcement imports.
set -u
bollard=${1:?usage: t-edi-boxes.sh BOLLARD SHARED_DIR}
shared=${2:?usage: t-edi-boxes.sh BOLLARD SHARED_DIR}
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "1..0 # SKIP sqlite3 not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$bollard" init --data "$tmp/d" --origin test/bollard >/dev/null || exit 1
"$bollard" demo-data --data "$tmp/d" --moves 40 --trucks 20 >/dev/null || exit 1

python3 - "$bollard" "$tmp" "$shared" <<'PYEOF'
import glob, json, os, sqlite3, subprocess, sys

bollard, tmp, shared = sys.argv[1:4]
data = os.path.join(tmp, "d")
db = sqlite3.connect(os.path.join(data, "bollard.db"))
n = 0
failed = 0

def check(cond, what):
    global n, failed
    n += 1
    print(("ok %d - " if cond else "not ok %d - ") % n + what)
    if not cond:
        failed += 1

def imp(path):
    p = subprocess.run([bollard, "edi", "import", "--data", data, "--json", path],
                       capture_output=True, text=True)
    return p.returncode, json.loads(p.stdout.splitlines()[0])

def vgm(box):
    return db.execute("SELECT json_extract(doc, '$.vgm_kg'), json_extract(doc, '$.vgm_method') "
                      "FROM container WHERE id = ?", (box,)).fetchone()

def doc(box):
    r = db.execute("SELECT doc, place FROM container WHERE id = ?", (box,)).fetchone()
    return (json.loads(r[0]), r[1]) if r else (None, None)

def size():
    return db.execute("SELECT count(*) FROM journal").fetchone()[0]

boxes = [r[0] for r in db.execute("SELECT id FROM container WHERE place = 'yard' AND is_full = 1 "
                                  "ORDER BY id LIMIT 3")]
a, b, c = boxes
va, vb = vgm(a), vgm(b)
good = ("UNH+1+VERMAS:D:16A:UN:SMDG10'BGM+749+VG1+9'DTM+137:202611220100:203'"
        "EQD+CN+%s+22G1'RFF+BN:BK1'MEA+AAE+VGM+KGM:%d'DOC+SM2:VGM:306+X'"
        "EQD+CN+%s+22G1'MEA+AAE+VGM+KGM:%d'DOC+%s:VGM:306+X'"
        "EQD+CN+TGHU3000001+22G1'MEA+AAE+VGM+KGM:12000'"
        "EQD+CN+NOT A BOX+22G1'MEA+AAE+VGM+KGM:12000'"
        "EQD+CN+%s+22G1'UNT+15+1'" % (a, va[0] + 111, b, vb[0], vb[1], c))
bad = ("UNH+2+VERMAS:D:16A:UN:SMDG10'BGM+749+VG2+9'"
       "EQD+CN+%s+22G1'MEA+AAE+VGM+KGM:90000'UNT+5+2'" % c)
path = os.path.join(tmp, "vgm.edi")
open(path, "w").write("UNB+UNOA:2+SHIPPER+DCT1+261122:0100+77'" + good + bad + "UNZ+2+77'")
before = size()
rc, rep = imp(path)
m1, m2 = rep["messages"]
check(rc == 1, "exit 1: a message failed")
check(m1["outcome"] == "imported", "the good message imported")
check((m1["corrected"], m1["unchanged"], m1["pending"], m1["without_vgm"]) == (1, 1, 1, 1),
      "1 corrected, 1 unchanged, 1 pending, 1 without VGM: %s" %
      json.dumps({k: m1.get(k) for k in ("corrected", "unchanged", "pending", "without_vgm")}))
check(vgm(a) == (va[0] + 111, "SM2"), "%s: VGM %d kg, method SM2" % (a, va[0] + 111))
check(vgm(b) == vb, "%s: unchanged" % b)
warn = [x["message"] for x in m1["notes"] if x["level"] == "warning"]
check(db.execute("SELECT count(*) FROM vgm_pending WHERE id = 'TGHU3000001'").fetchone()[0] == 1,
      "the unknown box's VGM is kept pending")
check(any("NOT A BOX" in w for w in warn), "text that is not a number reported")
check(m2["outcome"] == "failed" and any("90000" in x["message"] and x["segment"] == 20
                                        for x in m2["notes"] if x["level"] == "error"),
      "the refused VGM fails its message at its box (segment 20)")
check(vgm(c)[0] != 90000, "%s: not changed by the failed message" % c)
check(size() == before + 2, "two journal entries: the correction and the pending VGM")
entry = subprocess.run([bollard, "journal", "show", "--data", data, "--from", str(before + 1),
                        "--json"], capture_output=True, text=True).stdout
check("container.corrected" in entry and "VERMAS VG1 from SHIPPER" in entry,
      "the correction names the message and sender")
rc, rep = imp(path)
check(rep["messages"][0]["outcome"] == "already imported" and size() == before + 2,
      "imported again: nothing new")

files = sorted(glob.glob(os.path.join(shared, "edi", "VERMAS", "*.edi")))
if not files:
    print("# %s/edi/VERMAS not found (set -Dshared_dir): shared file skipped" % shared)
for f in files:
    rc, rep = imp(f)
    m = rep["messages"][0]
    check(rc == 0 and m["outcome"] == "imported" and m["pending"] == m["containers"],
          "%s: imported, its boxes' VGM pending here" % os.path.basename(f))

# ---- container announcements (COPARN) ----
known = db.execute("SELECT id FROM container WHERE place = 'yard' LIMIT 1").fetchone()[0]
good = ("UNH+1+COPARN:D:95B:UN:SMDG20'BGM+126+A1+9'"
        "EQD+CN+MSCU1234566+45R1:102:5++2+5'RFF+BN:BK9'LOC+9+JPNGO:139:6'LOC+11+USLAX:139:6'"
        "MEA+AAE+VGM+KGM:25000'DOC+SM2:VGM:306+X'TMP+2+-20:CEL'SEL+S1+CA'SEL+S2+SH'"
        "DGS+IMD+3+1203'NAD+CF+MSC:160:166'"
        "EQD+CN+%s+22G1:102:5++2+5'"
        "EQD+CN++22G1:102:5++2+4'"
        "EQD+CN+MSCU7654321+22G1:102:5++3+4'"
        "UNT+18+1'" % known)
bad = "UNH+2+COPARN:D:95B:UN:SMDG20'BGM+126+A2+9'EQD+CN+TGHU3000001'UNT+4+2'"
path = os.path.join(tmp, "a.edi")
open(path, "w").write("UNB+UNOA:2+MSC+DCT1+261122:0100+9'" + good + bad + "UNZ+2+9'")
before = size()
rc, rep = imp(path)
m1, m2 = rep["messages"]
check(rc == 1 and m1["outcome"] == "imported" and m2["outcome"] == "failed",
      "the good message imported, the bad one failed")
check((m1["containers"], m1["announced"], m1["already_known"], m1["unidentified"],
       m1["flagged"]) == (4, 2, 1, 1, 1),
      "4 boxes: 2 announced (1 flagged), 1 already known, 1 without a number")
c, place = doc("MSCU1234566")
check(place == "none" and c["category"] == "export" and c["full"] is True,
      "MSCU1234566 announced, a full export box, not in the terminal yet")
want = {"booking": "BK9", "pol": "JPNGO", "pod": "USLAX", "vgm_kg": 25000, "vgm_method": "SM2",
        "setpoint_c10": -200, "seals": "S1, S2", "line": "MSC", "sizetype": "45R1"}
got = {k: c.get(k) for k in want}
check(got == want, "its master data: %s" % json.dumps(got, sort_keys=True))
check(len(c.get("dg", [])) == 1 and c["dg"][0]["un"] == "1203", "its DG line UN1203")
c, place = doc("MSCU7654321")
check(c and c["category"] == "empty" and c["full"] is False and c.get("check_digit_ok") is False,
      "MSCU7654321: an empty (category empty whatever its status), flagged for its check digit")
check(doc("TGHU3000001")[0] is None, "the failed message announced nothing")
check(any("no size-type" in x["message"] and x["segment"] == 21 for x in m2["notes"]
          if x["level"] == "error"), "the box without a size-type fails at its EQD (segment 21)")
check(size() == before + 2, "two journal entries: the two announcements")
rc, rep = imp(path)
check(rep["messages"][0]["outcome"] == "already imported" and size() == before + 2,
      "imported again: nothing new")
check(subprocess.run([bollard, "journal", "verify", "--data", data],
                     capture_output=True).returncode == 0, "journal verifies")
p = subprocess.run([bollard, "journal", "replay", "--data", data], capture_output=True, text=True)
check(p.returncode == 0 and "state equals a replay" in p.stdout, "replay gives the same state")

for f in sorted(glob.glob(os.path.join(shared, "edi", "COPARN", "*.edi"))):
    rc, rep = imp(f)
    m = rep["messages"][0]
    name = os.path.basename(f)
    if "MAERSK" in name:
        check(m["outcome"] == "failed" and any("line 'MAE'" in x["message"] and x["segment"] == 3
                                               for x in m["notes"]),
              "%s: a release order for a line not defined here, refused at its BGM" % name)
    else:
        check(m["outcome"] == "imported" and m["announced"] == 1, "%s: announced" % name)

print("1..%d" % n)
sys.exit(1 if failed else 0)
PYEOF
