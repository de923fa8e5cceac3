#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-canary.sh BOLLARD - decoys over real HTTPS and the CLI, and bulk reads of
# the yard.  Every way of reading or using a container goes once with a
# decoy and once with a random id nobody registered: the DCSA events filter,
# ops commands (holds, a correction, a release, the gate), an EDI import and
# the CLI's reads on the data directory.  The answers (status and body, the
# id itself set aside) are the same, and the decoy alone leaves exactly one
# canary.tripped entry with the caller and its address.  The journal as the
# auditor and the replica read it (GET /api/v1/journal) names no decoy: the
# decoy entries are there, emptied, with the leaf hash of the stored bytes,
# which the replica's exact copy (GET /api/v1/journal/entries) hashes to;
# the security role reads them whole.  Walking every yard block journals
# data.exported with the boxes taken, as the bulk-export rule counts them.
set -u
bollard=${1:?usage: t-canary.sh BOLLARD}
command -v curl >/dev/null || { echo "1..0 # SKIP curl not installed"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }

tmp=$(mktemp -d)
pid=""
n=0
fails=0
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    if [ -n "${BOL_TEST_KEEP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
check() { # check WHAT EXPECTED GOT
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected $2, got $3"; fi
}

real=$bollard
local_actor="local:$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
    id bollard >/dev/null 2>&1 || { echo "1..0 # SKIP no user bollard (scripts/install-deps)"; exit 0; }
    chmod 755 "$tmp"
    chown bollard: "$tmp"
    bollard="$tmp/as-bollard"
    printf '#!/bin/sh\nexec runuser -u bollard -- "%s" "$@"\n' "$real" >"$bollard"
    chmod 755 "$bollard"
    local_actor="local:bollard"
fi
B() { "$bollard" "$@"; }
data="$tmp/data"
B init --data "$data" --origin test/bollard >/dev/null || { echo "not ok - init"; exit 1; }
B demo-data --data "$data" --terminals 1 --fill 5 --moves 20 --trucks 20 >/dev/null ||
    { echo "not ok - demo-data"; exit 1; }

key() { B key create --data "$data" --name "$1" --role "$2" | sed -n 1p; }
clerk=$(key gate-clerk clerk)
sec=$(key soc security)
aud=$(key audit auditor)
rep=$(key backup-host replica)
walker=$(key yard-viewer clerk)
baywalker=$(key bay-viewer clerk)
clerk_actor="key:$(echo "$clerk" | cut -d_ -f2)"
walker_actor="key:$(echo "$walker" | cut -d_ -f2)"
baywalker_actor="key:$(echo "$baywalker" | cut -d_ -f2)"
decoy=$(B canary create --data "$data" --kind container --note "in the old EDI share")
# a random box nobody registered, with a right check digit
unknown=$(python3 -c '
import random
v = {c: i for i, c in enumerate("0123456789A?BCDEFGHIJK?LMNOPQRSTU?VWXYZ") if c != "?"}
s = "ZQXU%06d" % random.randrange(10**6)
d = sum(v[c] << i for i, c in enumerate(s)) % 11 % 10
print(s + str(d))')
check "a decoy was made" "11" "${#decoy}"
check "the other box is not registered" "1" "$(B container show --data "$data" "$unknown" >/dev/null 2>&1; echo $?)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
"$real" serve --data "$data" --listen "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
i=0
until curl -sk -o /dev/null "https://127.0.0.1:$port/healthz"; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "not ok - server did not start"; cat "$tmp/serve.log"; exit 1; }
    sleep 0.1
done
url="https://127.0.0.1:$port"
C() { curl -s --cacert "$data/tls.crt" "$@"; }
S() { C -o "$tmp/body" -w '%{http_code}' "$@"; }
K() { k=$1; shift; S -H "Authorization: Bearer $k" "$@"; }
J() { k=$1; shift; K "$k" -H 'Content-Type: application/json' "$@"; }

journal() { B journal show --data "$data" --limit 0 --json >"$tmp/journal.jsonl"; }
last_seq() { journal; tail -1 "$tmp/journal.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])'; }
trips() { # trips FROM: each canary.tripped after entry FROM as actor|addr|kind|id|how
    journal
    python3 - "$1" "$tmp/journal.jsonl" <<'EOF'
import json, sys
for l in open(sys.argv[2]):
    e = json.loads(l)
    if e["seq"] > int(sys.argv[1]) and e["type"] == "canary.tripped":
        p = e["payload"]
        print("|".join([e["actor"], e["addr"], p["kind"], p["id"], p["how"]]))
EOF
}

# try NAME ACTOR ADDR HOW FN: FN ID asks about box ID, prints its status and
# leaves the answer in $tmp/body; run for the decoy and the unknown box.
try() {
    name=$1 actor=$2 addr=$3 how=$4 fn=$5
    from=$(last_seq)
    st_d=$($fn "$decoy")
    sed "s/$decoy/@BOX@/g" "$tmp/body" >"$tmp/body.decoy"
    st_u=$($fn "$unknown")
    sed "s/$unknown/@BOX@/g" "$tmp/body" >"$tmp/body.unknown"
    check "$name: the same status as for an unknown box" "$st_u" "$st_d"
    if cmp -s "$tmp/body.decoy" "$tmp/body.unknown"; then
        ok "$name: the same answer as for an unknown box"
    else
        fail "$name: the answers differ"
        diff "$tmp/body.unknown" "$tmp/body.decoy" | sed 's/^/#   /'
    fi
    check "$name: the decoy tripped once, the unknown box not at all" \
        "$actor|$addr|container|$decoy|$how" "$(trips "$from")"
}

# ---- the API ----
dcsa() { K "$clerk" "$url/api/v1/dcsa/v2/events?equipmentReference=$1"; }
try "DCSA events of the box" "$clerk_actor" 127.0.0.1 "events read" dcsa
dcsa_other() { K "$clerk" "$url/api/v1/dcsa/v2/events?eventType=SHIPMENT&equipmentReference=$1"; }
try "DCSA shipment events of the box" "$clerk_actor" 127.0.0.1 "events read" dcsa_other
hold_place() { J "$clerk" -d "{\"id\":\"$1\",\"kind\":\"customs\",\"reason\":\"x-ray\"}" "$url/api/v1/ops/hold.place"; }
try "hold.place on the box" "$clerk_actor" 127.0.0.1 hold.place hold_place
hold_lift() { J "$clerk" -d "{\"id\":\"$1\",\"kind\":\"customs\",\"reason\":\"cleared\"}" "$url/api/v1/ops/hold.lift"; }
try "hold.lift on the box" "$clerk_actor" 127.0.0.1 hold.lift hold_lift
correct() { J "$clerk" -d "{\"id\":\"$1\",\"mass_kg\":12000,\"reason\":\"weighed\"}" "$url/api/v1/ops/container.correct"; }
try "a correction of the box" "$clerk_actor" 127.0.0.1 container.correct correct
release() { J "$clerk" -d "{\"id\":\"$1\",\"ref\":\"DO-1\"}" "$url/api/v1/ops/release.grant"; }
try "a release of the box" "$clerk_actor" 127.0.0.1 release.grant release
deliver() { J "$clerk" -d "{\"id\":\"$1\",\"truck\":\"T1\"}" "$url/api/v1/ops/gate.deliver"; }
try "a gate delivery of the box" "$clerk_actor" 127.0.0.1 gate.deliver deliver
receive() { J "$clerk" -d "{\"id\":\"$1\",\"truck\":\"T1\"}" "$url/api/v1/ops/gate.receive"; }
try "a gate receipt of the box" "$clerk_actor" 127.0.0.1 gate.receive receive
read_box() { K "$clerk" "$url/api/v1/containers/$1"; }
try "a read of the box" "$clerk_actor" 127.0.0.1 read read_box

visit=$(B journal show --data "$data" --limit 0 --json 2>/dev/null | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "visit.defined": print(e["payload"]["id"]); break')
edi() { # a gate-out report (CODECO) naming the box twice
    printf "UNB+UNOA:2+HAULIER+BOLLARD+261122:0930+G1'\n" >"$tmp/gate.edi"
    printf "UNH+1+CODECO:D:95B:UN'\nBGM+36+G1+9'\nLOC+165+JPNGO:139:6'\n" >>"$tmp/gate.edi"
    printf "EQD+CN+%s+22G1:102:5++3+5'\nDTM+7:202611221000:203'\nTDT+1++3+31++++NGO 1'\n" \
        "$1" "$1" >>"$tmp/gate.edi"
    printf "UNT+10+1'\nUNZ+1+G1'\n" >>"$tmp/gate.edi"
    K "$clerk" -H 'Content-Type: application/edifact' --data-binary "@$tmp/gate.edi" \
        "$url/api/v1/edi/import?visit=$visit"
}
try "an EDI import naming the box" "$clerk_actor" 127.0.0.1 "named in an EDI import" edi

# ---- the CLI on the data directory ----
cli_show() { B container show --data "$data" "$1" >"$tmp/body" 2>&1; echo $?; }
try "bollard container show" "$local_actor" local "container show" cli_show
cli_suggest() { B yard suggest --data "$data" "$1" >"$tmp/body" 2>&1; echo $?; }
try "bollard yard suggest" "$local_actor" local "yard suggest" cli_suggest
cli_digout() { B yard digout --data "$data" "$1" >"$tmp/body" 2>&1; echo $?; }
try "bollard yard digout" "$local_actor" local "yard digout" cli_digout

# ---- the journal as each role reads it ----
read_journal() { # read_journal KEY OUT: every entry through GET /api/v1/journal
    : >"$2"
    from=1
    while :; do
        st=$(K "$1" "$url/api/v1/journal?from=$from&limit=10000")
        [ "$st" = 200 ] || { echo "status $st" >>"$2"; return; }
        got=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["entries"]
for x in e: print(json.dumps(x, sort_keys=True))
' "$tmp/body" | tee -a "$2" | wc -l)
        [ "$got" -lt 10000 ] && return
        from=$((from + 10000))
    done
}
read_journal "$aud" "$tmp/j.auditor"
read_journal "$rep" "$tmp/j.replica"
read_journal "$sec" "$tmp/j.security"
for role in auditor replica security; do
    check "the $role reads every entry" "True" \
        "$(python3 -c 'import json,sys; s=[json.loads(l)["seq"] for l in open(sys.argv[1])]; print(s == list(range(1, len(s) + 1)) and len(s) > 1000)' "$tmp/j.$role")"
done
for role in auditor replica; do
    check "the $role's journal names no decoy" "0" "$(grep -c -e "$decoy" -e "old EDI share" "$tmp/j.$role")"
done
check "the security role's journal names the decoy and its note" "1" \
    "$(grep '"canary.created"' "$tmp/j.security" | grep "$decoy" | grep -c "old EDI share")"
python3 - "$tmp/j.auditor" "$tmp/j.security" >"$tmp/redacted.out" <<'EOF'
import json, re, sys
aud = [json.loads(l) for l in open(sys.argv[1])]
sec = {e["seq"]: e for e in map(json.loads, open(sys.argv[2]))}
def decoyish(e):  # as the security role reads it
    return e["type"].startswith("canary.") or (
        e["type"].startswith("alert.") and e["payload"]["alert"]["rule"] == "canary")
want = {s for s, e in sec.items() if decoyish(e)}
red = [e for e in aud if e.get("redacted")]
print("canary entries", len([s for s in want if sec[s]["type"].startswith("canary.")]))
print("alerts", len([s for s in want if sec[s]["type"].startswith("alert.")]) > 0)
print("redacted", {e["seq"] for e in red} == want)
print("emptied", all(e["payload"] == {} and re.fullmatch("[0-9a-f]{64}", e["leaf"]) for e in red))
print("others whole", all(e == sec[e["seq"]] for e in aud if e["seq"] not in want))
print("kept", all({k: v for k, v in e.items() if k not in ("payload", "redacted", "leaf")} ==
                  {k: v for k, v in sec[e["seq"]].items() if k != "payload"} for e in red))
created = [e for e in red if e["type"] == "canary.created"][0]
print("created", created["seq"], created["leaf"])
EOF
trips_n=$(trips 0 | wc -l)
check "the security role reads the decoy's creation and every trip" "canary entries $((trips_n + 1))" \
    "$(grep '^canary entries' "$tmp/redacted.out")"
check "the security role reads the canary rule's alerts" "alerts True" "$(grep '^alerts' "$tmp/redacted.out")"
check "the auditor gets exactly those entries redacted" "redacted True" "$(grep '^redacted' "$tmp/redacted.out")"
check "redacted entries are emptied and carry their leaf hash" "emptied True" "$(grep '^emptied' "$tmp/redacted.out")"
check "other entries read the same for the auditor" "others whole True" "$(grep '^others whole' "$tmp/redacted.out")"
check "a redacted entry keeps its number, type, time, actor and address" "kept True" "$(grep '^kept' "$tmp/redacted.out")"
set -- $(grep '^created' "$tmp/redacted.out")
cseq=$2 cleaf=$3
check "the auditor may not read the exact entries" "403" "$(K "$aud" "$url/api/v1/journal/entries?from=$cseq&limit=1")"
check "the replica reads the exact entries" "200" "$(K "$rep" "$url/api/v1/journal/entries?from=$cseq&limit=1")"
check "the replica's exact entry holds the decoy" "1" "$(head -1 "$tmp/body" | grep -c "$decoy")"
check "the redacted entry's leaf is the hash of the replica's exact bytes" "$cleaf" \
    "$(head -1 "$tmp/body" | python3 -c 'import hashlib,sys; print(hashlib.sha256(b"\0" + sys.stdin.buffer.read().rstrip(b"\n")).hexdigest())')"
check "the security role reads the exact entries" "200" "$(K "$sec" "$url/api/v1/journal/entries?from=$cseq&limit=1")"

# ---- the alerts API: which decoy was touched is for the security role ----
check "the auditor lists the alerts" "200" "$(K "$aud" "$url/api/v1/alerts")"
cp "$tmp/body" "$tmp/alerts.auditor"
check "the security role lists the alerts" "200" "$(K "$sec" "$url/api/v1/alerts")"
cp "$tmp/body" "$tmp/alerts.security"
python3 - "$tmp/alerts.auditor" "$tmp/alerts.security" "$decoy" >"$tmp/alerts.out" <<'EOF'
import json, sys
aud = json.load(open(sys.argv[1]))["alerts"]
sec = json.load(open(sys.argv[2]))["alerts"]
decoy = sys.argv[3]
can = [a for a in sec if a["rule"] == "canary"]
print("security names it", len(can) > 0 and all(decoy in json.dumps(a) for a in can))
print("same alerts", [a["id"] for a in aud] == [a["id"] for a in sec])
print("auditor never", decoy not in json.dumps(aud))
red = {a["id"]: a for a in aud if a.get("redacted")}
print("redacted", sorted(red) == sorted(a["id"] for a in can))
print("kept", all(red[a["id"]]["subject"].get("addr") == a["subject"].get("addr") and
                  red[a["id"]]["subject"].get("actor") == a["subject"].get("actor") and
                  red[a["id"]]["evidence"] == a["evidence"] for a in can))
print("others whole", all(a == b for a, b in zip(aud, sec) if a["rule"] != "canary"))
print("one", can[0]["id"])
EOF
for w in "security names it" "same alerts" "auditor never" "redacted" "kept" "others whole"; do
    check "alerts API: $w" "$w True" "$(grep "^$w " "$tmp/alerts.out")"
done
one=$(sed -n 's/^one //p' "$tmp/alerts.out")
check "the auditor reads one decoy alert" "200" "$(K "$aud" "$url/api/v1/alerts/$one")"
check "... and it names no decoy" "0" "$(grep -c "$decoy" "$tmp/body")"
check "the security role reads it whole" "200 1" "$(K "$sec" "$url/api/v1/alerts/$one") $(grep -c "$decoy" "$tmp/body")"

# ---- the audit trail as it goes to a collector ----
B audit --data "$data" --type 'canary.*' --format syslog >"$tmp/audit.syslog"
B audit --data "$data" --type 'canary.*' >"$tmp/audit.jsonl"
check "bollard audit as syslog: every decoy entry" "$((trips_n + 1))" "$(grep -c ' canary\.' "$tmp/audit.syslog")"
check "bollard audit as syslog names no decoy" "0" "$(grep -c -e "$decoy" -e "old EDI share" "$tmp/audit.syslog")"
check "bollard audit as syslog carries the leaf hash" "1" "$(grep -c "\"leaf\":\"$cleaf\",\"redacted\":true" "$tmp/audit.syslog")"
check "bollard audit as JSON lines: the exact entries" "$((trips_n + 1))" "$(grep -c "$decoy" "$tmp/audit.jsonl")"

# ---- every yard block, one after another ----
check "the inventory" "200" "$(K "$clerk" "$url/api/v1/terminals/DCT1/inventory")"
blocks=$(python3 -c 'import json,sys; [print(b["block"]) for b in json.load(open(sys.argv[1]))["blocks"]]' "$tmp/body")
walk() { # walk NAME KEY ACTOR PATH...: read each yard path; the data.exported entries match the counts
    name=$1 wk=$2 wactor=$3
    shift 3
    from=$(last_seq)
    : >"$tmp/walk"
    for p in "$@"; do
        st=$(K "$wk" "$url/api/v1/terminals/DCT1/yard/$p")
        [ "$st" = 200 ] || fail "yard $p: $st"
        python3 -c 'import json,sys; o=json.load(open(sys.argv[1]))
print(len({x["id"] for bay in o["bays"] for s in bay["stacks"] for x in s["tiers"]}))' "$tmp/body" >>"$tmp/walk"
    done
    journal
    python3 - "$tmp/walk" "$tmp/journal.jsonl" "$from" "$wactor" >"$tmp/walk.out" <<'EOF'
import json, sys
boxes = [int(l) for l in open(sys.argv[1])]
want, tally = [], 0
for b in boxes:          # a list of 100 or more on its own, smaller ones counted up to 100
    if b >= 100:
        want.append(b)
        continue
    tally += b
    if tally >= 100:
        want.append(tally)
        tally = 0
got = [e["payload"]["rows"] for e in map(json.loads, open(sys.argv[2]))
       if e["seq"] > int(sys.argv[3]) and e["type"] == "data.exported" and e["actor"] == sys.argv[4]
       and e["payload"]["what"] == "yard"]
print("reads", len(boxes), "small", len([b for b in boxes if b < 100]), "boxes", sum(boxes))
print("journaled", sum(got), "of", sum(boxes) - tally)
print("entries", got == want, got, want)
EOF
    sed "s/^/# $name: /" "$tmp/walk.out"
    check "$name: data.exported entries with the boxes taken" "entries True" \
        "$(grep '^entries' "$tmp/walk.out" | cut -d' ' -f1-2)"
    set -- $(sed -n 's/^journaled \([0-9]*\) of \([0-9]*\)$/\1 \2/p' "$tmp/walk.out")
    check "$name: every box but the last count below 100 journaled" "$2" "$1"
    set -- $(sed -n 's/^reads \([0-9]*\) small \([0-9]*\) boxes \([0-9]*\)$/\1 \2 \3/p' "$tmp/walk.out")
    walked_small=$2 walked_boxes=$3
}
walk "every block" "$walker" "$walker_actor" $blocks
[ "${walked_boxes:-0}" -ge 1000 ] && ok "the yard holds $walked_boxes boxes" || fail "the yard holds ${walked_boxes:-no} boxes (1000 wanted)"
first=$(echo "$blocks" | sed -n 1p)
bays=$(K "$clerk" "$url/api/v1/terminals/DCT1/yard/$first" >/dev/null; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["block"]["bays"])' "$tmp/body")
walk "bay by bay" "$baywalker" "$baywalker_actor" $(for b in $blocks; do i=1; while [ $i -le "$bays" ]; do echo "$b?bay=$i"; i=$((i + 2)); done; done | head -60)
[ "${walked_small:-0}" -ge 20 ] && ok "$walked_small small reads counted up" || fail "${walked_small:-no} small reads (20 wanted)"
from=$(last_seq)
K "$clerk" "$url/api/v1/terminals/DCT1/yard/$(echo "$blocks" | sed -n 1p)?bay=1" >/dev/null
check "one bay looked at leaves no trace" "" "$(journal; python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["seq"] > int(sys.argv[2]) and e["type"] == "data.exported": print(e["seq"])' "$tmp/journal.jsonl" "$from")"

echo "1..$n"
[ "$fails" -eq 0 ]
