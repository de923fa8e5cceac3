#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-yard-plan.sh BOLLARD SRCDIR - bollard yard digout and yard premarshal
# on a demo terminal.  Dig-out: the plan moves exactly the boxes on the
# chosen one, each from the top of its row to the top of another row of the
# same bay (checked here against the yard_slot table, replaying the moves),
# 20 and 40 ft bays; --commit plans one rehandle work instruction per move
# in order, all at once; a second commit is refused and changes nothing;
# boxes not in the yard and unknown boxes are refused with the reason.
# Pre-marshalling: replayed here, every planned bay ends with no box above
# one expected to leave before it (ranked here from the work instructions
# and categories), mixed bays are skipped, and --commit instructs each box
# at most once.  Slot suggestions: free slots on top of their stacks, in
# the box's terminal, each score the sum of its terms.
set -u
bollard=${1:?usage: t-yard-plan.sh BOLLARD SRCDIR}
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$bollard" init --data "$tmp/d" --origin test/bollard >/dev/null || exit 1
"$bollard" demo-data --data "$tmp/d" --moves 200 --trucks 100 >/dev/null || exit 1

python3 - "$bollard" "$tmp/d" <<'PYEOF'
import json, os, sqlite3, subprocess, sys

bollard, data = sys.argv[1:3]
db = sqlite3.connect(os.path.join(data, "bollard.db"))
n = 0
failed = 0

def check(cond, what):
    global n, failed
    n += 1
    print(("ok %d - " if cond else "not ok %d - ") % n + what)
    if not cond:
        failed += 1

def run(*args):
    p = subprocess.run([bollard] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr

def pick(length, height):
    return db.execute("""select s.container, s.terminal, s.block, s.bay20, s.row from yard_slot s
        where s.length = ? and s.tier = 1 and
          (select max(tier) from yard_slot t where t.terminal = s.terminal and t.block = s.block
             and t.bay20 = s.bay20 and t.row = s.row) >= ? and
          not exists (select 1 from yard_slot u where u.terminal = s.terminal and
             u.block = s.block and u.bay20 = s.bay20 and u.length != ?)
        order by s.container limit 1""", (length, height, length)).fetchone()

def bay_rows(term, block, bay20):
    rows = {}
    for row, tier, c in db.execute("""select row, tier, container from yard_slot where terminal = ?
            and block = ? and bay20 = ? order by row, tier""", (term, block, bay20)):
        rows.setdefault(row, []).append(c)
    return rows

def slot(addr):
    t, b, bay, row, tier = addr.split("/")
    return t, b, int(bay), int(row), int(tier)

for length, height in ((20, 4), (40, 3)):
    p = pick(length, height)
    if not p:
        check(True, "# SKIP no %d ft box under %d others" % (length, height - 1))
        continue
    box, term, block, bay20, row = p
    rows = bay_rows(term, block, bay20)
    tiers = db.execute("select tiers from block where terminal = ? and code = ?",
                       (term, block)).fetchone()[0]
    rc, out, err = run("yard", "digout", "--data", data, "--json", box)
    plan = json.loads(out) if rc == 0 else {}
    moves = plan.get("moves", [])
    above = rows[row][1:]
    ok = rc == 0 and [m["id"] for m in moves] == list(reversed(above))
    why = ""
    for m in moves:
        ft, fb, fbay, frow, ftier = slot(m["from"])
        tt, tb, tbay, trow, ttier = slot(m["to"])
        if (ft, fb, tt, tb) != (term, block, term, block) or fbay != tbay or trow == row:
            ok, why = False, "%s leaves the bay or stays in the row" % m
        elif rows[frow][-1] != m["id"] or ftier != len(rows[frow]):
            ok, why = False, "%s is not the top of its row" % m
        elif ttier != len(rows.get(trow, [])) + 1 or ttier > tiers:
            ok, why = False, "%s does not go on top of its row within %d tiers" % (m, tiers)
        else:
            rows.setdefault(trow, []).append(rows[frow].pop())
    check(ok and rows[row] == [box],
          "%d ft: the %d boxes on %s move, each top to top within the bay %s %s"
          % (length, len(above), box, why, err.strip()))
    check(plan.get("lower_bound", 99) <= plan.get("bay_relocations", -1),
          "%d ft: the bay's figures: %s relocations, bound %s" %
          (length, plan.get("bay_relocations"), plan.get("lower_bound")))
    before = db.execute("select count(*) from wi").fetchone()[0]
    rc, out, err = run("yard", "digout", "--data", data, "--commit", box)
    got = db.execute("""select container, queue_seq, status from wi where kind = 'rhdl'
        order by id desc limit ?""", (len(moves),)).fetchall()[::-1]
    after = db.execute("select count(*) from wi").fetchone()[0]
    check(rc == 0 and after == before + len(moves) and
          [g[0] for g in got] == [m["id"] for m in moves] and
          all(g[2] == "planned" for g in got) and [g[1] for g in got] == list(range(1, len(moves) + 1)),
          "%d ft --commit: one planned rehandle per move, in order (%s)" % (length, err.strip()))
    rc, out, err = run("yard", "digout", "--data", data, "--commit", box)
    check(rc == 1 and "already has open work instruction" in err and
          db.execute("select count(*) from wi").fetchone()[0] == after,
          "%d ft: planning again is refused and changes nothing: %s" % (length, err.strip()))

gone = db.execute("select id from container where place != 'yard' limit 1").fetchone()
rc, out, err = run("yard", "digout", "--data", data, gone[0])
check(rc == 1 and "is not in the yard" in err, "a box not in the yard: %s" % err.strip())
rc, out, err = run("yard", "digout", "--data", data, "MSCU0000000")
check(rc == 1 and "no container" in err, "an unknown box: %s" % err.strip())
rc, out, err = run("yard", "digout", box)
check(rc == 2, "no --data: exit 2")
# -- pre-marshalling a block
def key(c):
    w = db.execute("""select queue_seq from wi where container = ? and kind in ('load', 'gtot')
        and status in ('planned', 'dispatched', 'in_progress')""", (c,)).fetchone()
    if w:
        return (1, w[0] if w[0] > 0 else 0)
    cat = db.execute("select category from container where id = ?", (c,)).fetchone()[0]
    return (2, 0) if cat in ("export", "transshipment") else (3, 0)

# the block with the most export and transshipment boxes among the others
term, block = db.execute("""select s.terminal, s.block from yard_slot s join container c on
    c.id = s.container group by s.terminal, s.block
    order by sum(c.category in ('export', 'transshipment')) desc limit 1""").fetchone()
rc, out, err = run("yard", "premarshal", "--data", data, "--json", "%s/%s" % (term, block))
plan = json.loads(out) if rc == 0 else {"bays": []}
bad = []
planned = 0
for b in plan["bays"]:
    if "skipped" in b:
        continue
    planned += 1
    bay = b["bay"]
    line = bay if bay % 2 else bay - 1
    rows = bay_rows(term, block, line)
    if bay % 2 == 0:
        other = bay_rows(term, block, bay + 1)
        if other != rows:
            bad.append("%d: the halves differ" % bay)
    for m in b["moves"]:
        ft, fb, fbay, frow, ftier = slot(m["from"])
        tt, tb, tbay, trow, ttier = slot(m["to"])
        if fbay != bay or tbay != bay or rows.get(frow, [None])[-1] != m["id"] or \
                ftier != len(rows[frow]) or ttier != len(rows.get(trow, [])) + 1:
            bad.append("%d: %s" % (bay, m))
            break
        rows.setdefault(trow, []).append(rows[frow].pop())
    for r, boxes in rows.items():
        ks = [key(c) for c in boxes]
        if any(ks[i] > ks[i - 1] for i in range(1, len(ks))):
            bad.append("%d row %d not in departure order: %s" % (bay, r, ks))
moves = sum(len(b.get("moves", [])) for b in plan["bays"])
check(rc == 0 and planned > 0 and moves > 0 and not bad,
      "premarshal %s/%s: %d bays planned, %d moves, each replays into departure order %s %s"
      % (term, block, planned, moves, bad[:2], err.strip()))
now = sum(b.get("now", 0) for b in plan["bays"])
before = db.execute("select count(*) from wi where kind = 'shft'").fetchone()[0]
rc, out, err = run("yard", "premarshal", "--data", data, "--commit", "--json", "%s/%s" % (term, block))
after = db.execute("select count(*) from wi where kind = 'shft'").fetchone()[0]
twice = db.execute("""select count(*) from (select container from wi where kind = 'shft' and
    status = 'planned' group by container having count(*) > 1)""").fetchone()[0]
check(rc == 0 and now > 0 and after == before + now and twice == 0,
      "premarshal --commit: %d shift instructions, no box twice (%s)" % (after - before, err.strip()))
rc, out, err = run("yard", "premarshal", "--data", data, "--commit", "%s/%s" % (term, block))
check(rc == 0 and db.execute("select count(*) from wi where kind = 'shft'").fetchone()[0] == after,
      "premarshal again: nothing new while those are open")
rc, out, err = run("yard", "premarshal", "--data", data, "%s/NOPE" % term)
check(rc == 1 and "no block" in err, "an unknown block: %s" % err.strip())
rc, out, err = run("yard", "premarshal", "--data", data, "--bay", "999", "%s/%s" % (term, block))
check(rc == 1 and "has no bay 999" in err, "a bay beyond the block: %s" % err.strip())
# -- slot suggestions for a box on board
onb = db.execute("""select c.id, v.terminal from container c join visit v on v.id = c.visit
    where c.place = 'vessel' order by c.id limit 1""").fetchone()
if onb:
    rc, out, err = run("yard", "suggest", "--data", data, "--json", "--count", "4", onb[0])
    g = json.loads(out) if rc == 0 else {"slots": []}
    bad = []
    for c in g["slots"]:
        t, b, bay, row, tier = slot(c["slot"])
        lines = [bay] if bay % 2 else [bay - 1, bay + 1]
        for line in lines:
            h = db.execute("""select count(*) from yard_slot where terminal = ? and block = ?
                and bay20 = ? and row = ?""", (t, b, line, row)).fetchone()[0]
            # the slots open work instructions will fill are taken too
            h += db.execute("""select count(*) from wi where terminal = ? and dest like 'yard %'
                and dest_area = ? and dest_bay between ? and ? and dest_row = ?
                and status in ('planned', 'dispatched', 'in_progress')""",
                (t, b, line - 1, line + 1, row)).fetchone()[0]
            if h + 1 != tier:
                bad.append("%s: %d boxes below" % (c["slot"], h))
        if t != onb[1] or sum(c["terms"].values()) != c["score"] or c["slot"] not in c["why"]:
            bad.append("%s: terminal, terms or explanation" % c["slot"])
    check(rc == 0 and len(g["slots"]) == 4 and not bad and "stacks" in g["constraints"],
          "yard suggest: 4 free slots on top of their stacks, terms adding up %s %s"
          % (bad[:2], err.strip()))
else:
    check(True, "# SKIP no box on board")
rc, out, err = run("yard", "suggest", "--data", data, box)
check(rc == 1 and "in the yard already" in err, "yard suggest for a yard box: %s" % err.strip())
rc, out, err = run("yard", "suggest", "--data", data, "--count", "0", box)
check(rc == 2, "yard suggest --count 0: exit 2")
# -- "to": "auto": the slot planner chooses, and a slot already chosen is taken
two = [r[0] for r in db.execute("""select c.id from container c where c.place = 'vessel'
    and not exists (select 1 from wi w where w.container = c.id
    and w.status in ('planned', 'dispatched', 'in_progress')) order by c.id limit 2""")]
if len(two) == 2:
    rc, out, err = run("yard", "suggest", "--data", data, "--json", "--count", "1", two[0])
    first = json.loads(out)["slots"][0]["slot"] if rc == 0 else None
    lines = "".join('{"cmd":"wi.plan","kind":"dsch","id":"%s","to":"auto"}\n' % i for i in two)
    lines += '{"cmd":"wi.plan","kind":"load","id":"%s","to":"auto"}\n' % two[0]
    with open(os.path.join(data, "..", "auto.jsonl"), "w") as f:
        f.write(lines)
    rc, out, err = run("batch", "--data", data, "--json", os.path.join(data, "..", "auto.jsonl"))
    res = [json.loads(l) for l in out.splitlines()]
    dest = {}
    for i in two:
        r = db.execute("""select dest_doc from wi where container = ? and kind = 'dsch'
            and status = 'planned'""", (i,)).fetchone()
        dest[i] = json.loads(r[0]).get("slot") if r else None
    check(len(res) == 3 and res[0]["ok"] and res[1]["ok"] and dest[two[0]] == first,
          "wi.plan to auto: planned to the slot yard suggest named first (%s, %s)"
          % (dest[two[0]], first))
    check(dest[two[1]] and dest[two[1]] != dest[two[0]],
          "the next box is not sent where the first is going (%s)" % dest[two[1]])
    check(len(res) == 3 and not res[2]["ok"] and "discharge (dsch) or gate-in" in res[2]["message"],
          "auto for a load instruction refused: %s" % (res[2] if len(res) == 3 else out))
else:
    check(True, "# SKIP fewer than two boxes on board")
    check(True, "# SKIP")
    check(True, "# SKIP")
# -- "digout": true on a delivery: the rehandles first, in one command with it
dig = db.execute("""select s.container, s.terminal from yard_slot s join container c on
    c.id = s.container where c.category = 'import' and s.tier = 1 and
      (select count(*) from yard_slot t where t.terminal = s.terminal and t.block = s.block
         and t.bay20 = s.bay20 and t.row = s.row) >= 3 and
      not exists (select 1 from yard_slot u where u.terminal = s.terminal and
         u.block = s.block and u.bay20 = s.bay20 and u.length != s.length) and
      not exists (select 1 from yard_slot u join wi w on w.container = u.container where
         u.terminal = s.terminal and u.block = s.block and u.bay20 between s.bay20 - 1 and
         s.bay20 + 1 and w.status in ('planned', 'dispatched', 'in_progress'))
      and not exists (select 1 from hold h where h.container = s.container)
    order by s.container limit 1""").fetchone()
if dig:
    box, term = dig
    rc, out, err = run("yard", "digout", "--data", data, "--json", box)
    preview = json.loads(out)["moves"] if rc == 0 else []
    wi_line = {"cmd": "wi.plan", "kind": "gtot", "id": box, "to": {"kind": "truck", "truck": "TV-DIG"},
               "priority": 5, "digout": True, "req": "dig-1"}
    lines = [{"cmd": "truck.arrive", "terminal": term, "person": "drv-dig", "driver": "D Dig",
              "plate": "DIG 1", "ref": "TV-DIG"},
             {"cmd": "release.grant", "id": box, "ref": "DO-DIG"},
             wi_line, wi_line,
             {"cmd": "wi.plan", "kind": "shft", "id": box, "to": preview[0]["to"] if preview else "",
              "digout": True},
             {"cmd": "wi.plan", "kind": "dsch", "id": box, "to": "auto", "digout": "yes"}]
    aboard = db.execute("select id from container where place = 'vessel' limit 1").fetchone()
    if aboard:  # nothing to dig: the core's own rules answer
        lines.append({"cmd": "wi.plan", "kind": "gtot", "id": aboard[0],
                      "to": {"kind": "truck", "truck": "TV-DIG"}, "digout": True})
    with open(os.path.join(data, "..", "dig.jsonl"), "w") as f:
        f.write("".join(json.dumps(l) + "\n" for l in lines))
    rc, out, err = run("batch", "--data", data, "--json", os.path.join(data, "..", "dig.jsonl"))
    res = [json.loads(l) for l in out.splitlines()]
    wis = db.execute("""select id, kind, container, dest_doc, priority from wi where id >= ?
        order by id""", (res[2].get("wi", 0) - len(preview) if len(res) > 2 else 0,)).fetchall()
    rh = [(w[2], json.loads(w[3]).get("slot"), w[4]) for w in wis if w[1] == "rhdl"]
    want = [(m["id"], m["to"], 5) for m in preview]
    check(len(res) >= 6 and res[2]["ok"] and len(preview) >= 2 and rh == want and
          res[2].get("steps") == len(preview) + 1,
          "gtot with digout: %d rehandles as the preview planned them, then the delivery %s"
          % (len(rh), res[2] if len(res) > 2 else out))
    gt = [w for w in wis if w[1] == "gtot"]
    check(len(gt) == 1 and gt[0][0] == res[2].get("wi") and gt[0][2] == box and
          gt[0][0] == max(w[0] for w in wis),
          "the answer names the delivery instruction, planned after its rehandles (%s)" % gt)
    check(len(res) >= 6 and res[3]["ok"] and res[3].get("duplicate") and
          res[3].get("wi") == res[2].get("wi"),
          "the same request id again: the same instruction, nothing new (%s)"
          % (res[3] if len(res) > 3 else out))
    check(not aboard or (len(res) == 7 and not res[6]["ok"] and
                         "moves a box from yard, but" in res[6]["message"]),
          "digout for a box not in the yard: the instruction as asked, refused by the core (%s)"
          % (res[6].get("message") if len(res) > 6 else "no box on board"))
    check(len(res) >= 6 and not res[4]["ok"] and "load or gate-out" in res[4]["message"] and
          not res[5]["ok"] and "true or false" in res[5]["message"],
          "digout on a shift, or not true or false: refused (%s; %s)"
          % (res[4].get("message") if len(res) > 4 else out,
             res[5].get("message") if len(res) > 5 else ""))
else:
    for i in range(5):
        check(True, "# SKIP no import box under two others")
print("1..%d" % n)
sys.exit(1 if failed else 0)
PYEOF
