#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-plan.sh BOLLARD SHARED_DIR - bollard plan brp|cpmp on the benchmark sets:
# every answer replayed here, independently of bollard (moves only from a
# non-empty stack's top onto a stack below the maximum height, retrievals in
# priority order, restricted moves only above the next box, a pre-marshalled
# bay sorted); proven answers equal the published optima; the table puts
# the published figure beside ours; bad files and options say what and
# where and exit non-zero.
set -u
bollard=${1:?usage: t-plan.sh BOLLARD SHARED_DIR}
shared=${2:?usage: t-plan.sh BOLLARD SHARED_DIR}
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
[ -d "$shared/benchmarks/brp/caserta_cv_840" ] ||
    { echo "1..0 # SKIP no benchmark sets in $shared/benchmarks (the shared_dir build option)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 - "$bollard" "$shared" "$tmp" <<'PYEOF'
import csv, json, os, subprocess, sys

bollard, shared, tmp = sys.argv[1:4]
brp = os.path.join(shared, "benchmarks", "brp")
cpmp = os.path.join(shared, "benchmarks", "cpmp")
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

def read_bay(path, max_height=None):
    """Stacks bottom first, as the file says; max height T+2 or from a BF name."""
    with open(path) as f:
        lines = [l.split() for l in f if l.strip()]
    if lines[0][0] == "Name:":
        tiers = int(next(l[1] for l in lines if l[0] == "Tiers:"))
        stacks = [[int(v) for v in l[2:]] for l in lines if l[0] == "Stack"]
        h = tiers + 2
    else:
        stacks = [[int(v) for v in l[1:]] for l in lines[1:]]
        h = max(len(s) for s in stacks) + 2
        base = os.path.basename(path)
        if base.startswith("cpmp_"):
            h = int(base.split("_")[2])
    return stacks, max_height or h

def replay(stacks, h, seq, mode):
    """mode: restricted, unrestricted, cpmp.  Returns (relocations, why)."""
    st = [list(s) for s in stacks]
    rel = 0
    for k, (a, b) in enumerate(seq):
        a -= 1
        if not (0 <= a < len(st)) or not st[a]:
            return None, "move %d: no box at stack %d" % (k + 1, a + 1)
        rest = [v for s in st for v in s]
        nxt = min(rest)
        if b == 0:
            if mode == "cpmp":
                return None, "move %d: a retrieval in pre-marshalling" % (k + 1)
            if st[a][-1] != nxt:
                return None, "move %d: retrieves %d before %d" % (k + 1, st[a][-1], nxt)
            st[a].pop()
            continue
        b -= 1
        if not (0 <= b < len(st)) or b == a or len(st[b]) >= h:
            return None, "move %d: stack %d cannot take a box" % (k + 1, b + 1)
        if mode == "restricted" and nxt not in st[a]:
            return None, "move %d: restricted, stack %d does not hold %d" % (k + 1, a + 1, nxt)
        st[b].append(st[a].pop())
        rel += 1
    if mode == "cpmp":
        for s in st:
            if any(s[i] > s[i - 1] for i in range(1, len(s))):
                return None, "not sorted at the end"
    elif any(st):
        return None, "boxes left at the end"
    return rel, None

opt = {}
with open(os.path.join(brp, "results_galle2018", "_per_instance_rbrp_HplusTwo_opt.csv")) as f:
    for row in csv.DictReader(f):
        if row["proven"] == "yes" and row["opt_relocations"]:
            opt[(row["class_TxS"], int(row["instance"]))] = int(row["opt_relocations"])
peer = {}
with open(os.path.join(brp, "peer_measured_values.csv")) as f:
    for row in csv.DictReader(f):
        if row["proven_optimal"] == "yes":
            peer[(row["variant"], row["class_TxS"], int(row["instance"]))] = int(row["best_found"])

def caserta(cls, i):
    return os.path.join(brp, "caserta_cv_840", "data%s-%d.dat" % (cls, i))

# -- restricted: JSON lines with the sequence, against the proven optima
files = [caserta(c, i) for c in ("3-3", "4-4", "5-5") for i in range(1, 9)]
rc, out, err = run("plan", "brp", "--json", "--moves", "--time-limit", "5", *files)
check(rc == 0, "plan brp --json exits 0 (%s)" % err.strip()[:200])
lines = [json.loads(l) for l in out.splitlines()]
check(len(lines) == len(files), "one JSON object per instance (%d)" % len(lines))
ok_fields = all(set(("instance", "moves", "proven_optimal", "lower_bound", "seconds", "sequence"))
                <= set(j) for j in lines)
check(ok_fields, "instance, moves, proven_optimal, lower_bound, seconds and sequence in each")
bad = []
for j in lines:
    stacks, h = read_bay(j["instance"])
    got, why = replay(stacks, h, j["sequence"], "restricted")
    base = os.path.basename(j["instance"])[4:-4].rsplit("-", 1)
    want = opt[(base[0], int(base[1]))]
    if why or got != j["moves"] or not j["proven_optimal"] or j["moves"] != want \
            or j["lower_bound"] != want:
        bad.append("%s: %s %s/%s" % (base, why, j["moves"], want))
check(not bad, "every sequence replays and is the proven optimum %s" % bad[:3])

# -- the table beside the published figures and per instance
rc, out, err = run("plan", "brp", "--time-limit", "5", *files)
rows = {l.split()[0]: l.split() for l in out.splitlines()[1:]}
check(rc == 0 and rows.get("5-5", [None])[0] == "5-5", "a table line per class")
r = rows.get("3-3", [])
check(len(r) > 9 and r[1] == "8" and r[9] == "optimum" and r[6] == "8/8",
      "3-3: 8 instances, all proven, beside the published optimum: %s" % " ".join(r))
rc, out, err = run("plan", "brp", "--time-limit", "5", "--reference",
                   os.path.join(brp, "results_galle2018", "_per_instance_rbrp_HplusTwo_opt.csv"),
                   *files)
r = {l.split()[0]: l.split() for l in out.splitlines()[1:]}.get("4-4", [])
check(rc == 0 and len(r) > 4 and r[2] == r[3] and r[4] == "+0.00%" and "warn" not in err,
      "--reference: 4-4 equals the CSV's optima, gap +0.00%%: %s" % " ".join(r))

# -- unrestricted: equal to the exact peer's proven values
files = [caserta("5-5", i) for i in range(1, 6)]
rc, out, err = run("plan", "brp", "--variant", "unrestricted", "--json", "--moves",
                   "--time-limit", "5", *files)
bad = []
for l in out.splitlines():
    j = json.loads(l)
    stacks, h = read_bay(j["instance"])
    got, why = replay(stacks, h, j["sequence"], "unrestricted")
    i = int(os.path.basename(j["instance"])[:-4].rsplit("-", 1)[1])
    want = peer.get(("unrestricted", "5-5", i))
    if why or got != j["moves"] or (want is not None and j["moves"] != want):
        bad.append("%d: %s %s/%s" % (i, why, j["moves"], want))
check(rc == 0 and not bad and out.count("\n") == 5,
      "unrestricted 5-5: sequences replay and equal the proven values %s" % bad[:3])

# -- a large bay within its time limit still has an answer
rc, out, err = run("plan", "brp", "--json", "--moves", "--time-limit", "0.5", caserta("10-10", 1))
j = json.loads(out) if rc == 0 else {}
stacks, h = read_bay(caserta("10-10", 1))
got, why = replay(stacks, h, j.get("sequence", []), "restricted")
check(rc == 0 and why is None and got == j["moves"] and j["seconds"] < 5,
      "10-10 in half a second: an answer that replays (%s moves, %s s)" % (j.get("moves"), j.get("seconds")))

# -- --max-height: a number of tiers
rc, out, err = run("plan", "brp", "--json", "--moves", "--max-height", "6", caserta("5-5", 1))
j = json.loads(out) if rc == 0 else {}
stacks, _ = read_bay(caserta("5-5", 1))
got, why = replay(stacks, 6, j.get("sequence", []), "restricted")
check(rc == 0 and why is None, "--max-height 6: the sequence stays below 6 tiers (%s)" % why)

# -- bad input: what, where, why; the other files still run
with open(os.path.join(tmp, "bad.dat"), "w") as f:
    f.write("2 3\n2 1 x\n1 3\n")
rc, out, err = run("plan", "brp", "--json", os.path.join(tmp, "bad.dat"), caserta("3-3", 1))
check(rc == 1 and "bad.dat:2: stack 1 box 2 is not a number" in err and out.count("\n") == 1,
      "a bad file: exit 1, file:line: why, the good file still solved (%s)" % err.strip())
with open(os.path.join(tmp, "high.dat"), "w") as f:
    f.write("2 3\n3 1 2 3\n0\n")
rc, out, err = run("plan", "brp", "--max-height", "2", os.path.join(tmp, "high.dat"))
check(rc == 1 and "above the maximum height 2" in err, "a stack above --max-height: %s" % err.strip())
with open(os.path.join(tmp, "full.dat"), "w") as f:
    f.write("1 2\n2 1 2\n")
rc, out, err = run("plan", "brp", "--max-height", "2", os.path.join(tmp, "full.dat"))
check(rc == 1 and "cannot be emptied" in err, "no room to dig out: %s" % err.strip())
rc, out, err = run("plan", "brp", "--variant", "sideways", caserta("3-3", 1))
check(rc == 2 and "restricted or unrestricted" in err, "a bad --variant: exit 2")
rc, out, err = run("plan", "brp", "--time-limit", "0", caserta("3-3", 1))
check(rc == 2 and "--time-limit" in err, "--time-limit 0: exit 2")
rc, out, err = run("plan", "brp", os.path.join(tmp, "absent"))
check(rc == 1 and "No such file" in err, "a missing path: exit 1")
os.mkdir(os.path.join(tmp, "empty"))
rc, out, err = run("plan", "brp", os.path.join(tmp, "empty"))
check(rc == 1 and "no instance files" in err, "a folder without instances: exit 1")
with open(os.path.join(tmp, "ref.csv"), "w") as f:
    f.write("name,value\nx,1\n")
rc, out, err = run("plan", "brp", "--reference", os.path.join(tmp, "ref.csv"), caserta("3-3", 1))
check(rc == 1 and "ref.csv:1: needs columns" in err, "a reference without the columns: exit 1")

# -- pre-marshalling
dlts = os.path.join(cpmp, "dlts_hottung2020")
if os.path.isdir(dlts):
    optm = {}
    with open(os.path.join(dlts, "optimal_moves.csv")) as f:
        for row in csv.DictReader(f):
            if row["opt_moves"]:
                optm[(row["group"], int(row["instance"]))] = int(row["opt_moves"])
    files = [os.path.join(dlts, g, "%d.dat" % i) for g in ("5x5_cv1_test", "5x5_cv3_test")
             for i in range(6)]
    rc, out, err = run("plan", "cpmp", "--json", "--moves", "--time-limit", "1", *files)
    bad = []
    lines = out.splitlines()
    for l in lines:
        j = json.loads(l)
        stacks, h = read_bay(j["instance"])
        got, why = replay(stacks, h, j["sequence"], "cpmp")
        g = os.path.basename(os.path.dirname(j["instance"]))
        want = optm[(g, int(os.path.basename(j["instance"])[:-4]))]
        if why or got != j["moves"] or j["moves"] < want or j["lower_bound"] > want or \
                (j["proven_optimal"] and j["moves"] != want):
            bad.append("%s: %s %s/%s" % (j["instance"], why, j["moves"], want))
    check(rc == 0 and len(lines) == len(files) and not bad,
          "cpmp DLTS: sorted bays, never below the optimum, bounds below it %s" % bad[:3])
    rc, out, err = run("plan", "cpmp", "--time-limit", "1", *files)
    rows = {l.split()[0]: l.split() for l in out.splitlines()[1:]}
    r = rows.get("5x5_cv1_test", [])
    check(rc == 0 and len(r) > 9 and r[3] == "26.000" and r[9] == "optimum",
          "cpmp table: the group's published optimal average beside ours: %s" % " ".join(r))
else:
    check(True, "# SKIP no DLTS set")
    check(True, "# SKIP no DLTS set")
emm = os.path.join(cpmp, "emm", "s4_p0.5")
bf = os.path.join(cpmp, "bf_converted", "BF1")
if os.path.isdir(emm) and os.path.isdir(bf):
    picks = [os.path.join(emm, sorted(os.listdir(emm))[0]),
             os.path.join(bf, sorted(x for x in os.listdir(bf) if x.endswith(".bay"))[0])]
    rc, out, err = run("plan", "cpmp", "--json", "--moves", "--time-limit", "1", *picks)
    bad = []
    for l in out.splitlines():
        j = json.loads(l)
        stacks, h = read_bay(j["instance"])
        got, why = replay(stacks, h, j["sequence"], "cpmp")
        if why or got != j["moves"]:
            bad.append("%s: %s" % (j["instance"], why))
    check(rc == 0 and out.count("\n") == 2 and not bad,
          "cpmp EMM and Bortfeldt-Forster files: heights from Tiers: and the name %s" % bad)
else:
    check(True, "# SKIP no EMM or BF set")

print("1..%d" % n)
sys.exit(1 if failed else 0)
PYEOF
