#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-ransomware.sh BOLLARD - the ransomware drill, end to end, over real HTTPS.
#
# A primary (bollard serve) and a replica (bollard replica run): two
# processes, two data directories, loopback.  Clerks work through the API
# while the replica pulls.  Then the attacker, with full control of the
# primary host: serves an old copy of the journal (truncation), a copy with
# a different history signed with the stolen journal key (fork), a journal
# with a new signing key (an epoch nobody approved), encrypts the primary's
# database and journal, and uses every credential found on the primary
# against the replica - all refused, the replica's holdings unchanged.  Then
# the restore onto a fresh directory: the journal verifies, nothing
# acknowledged more than the recovery point objective (5 s) before the
# attack is missing, the old credentials are refused, and the restored
# server serves; the replica approves the new epoch and pulls from it; a
# restore drill passes; the operations pack verifies.
set -u
bollard=${1:?usage: t-ransomware.sh BOLLARD}
command -v curl >/dev/null || { echo "SKIP: curl not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: openssl not installed"; exit 77; }

tmp=$(mktemp -d)
spid=""
rpid=""
tpid=""
syslogpid=""
fails=0
cleanup() {
    for p in $tpid $spid $rpid $syslogpid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    if [ -n "${BOL_TEST_KEEP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM

ok() { echo "ok - $1"; }
fail() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { # check WHAT EXPECTED GOT
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected $2, got $3"; fi
}
wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds
    n=$(($1 * 10)); shift
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1)); [ $n -le 0 ] && return 1
        sleep 0.1
    done
}

# As root the server drops to the service user; everything it writes stays that user's.
real=$bollard
if [ "$(id -u)" -eq 0 ]; then
    id bollard >/dev/null 2>&1 || { echo "SKIP: no user bollard (scripts/install-deps)"; exit 77; }
    chmod 755 "$tmp"
    chown bollard: "$tmp"
    bollard="$tmp/as-bollard"
    printf '#!/bin/sh\nexec runuser -u bollard -- "%s" "$@"\n' "$real" >"$bollard"
    chmod 755 "$bollard"
fi

primary="$tmp/primary"
replica="$tmp/replica"
mkdir -p "$tmp/work" && chmod 777 "$tmp/work"
"$bollard" init --data "$primary" --origin port.example/bollard >/dev/null || exit 1
"$bollard" demo-data --data "$primary" --terminals 1 --fill 5 --moves 10 --trucks 5 >/dev/null || exit 1
clerk=$("$bollard" key create --data "$primary" --name gate-clerk --role clerk | head -1)
rkey=$("$bollard" key create --data "$primary" --name backup-host --role replica | head -1)
aotp=$("$bollard" user add --data "$primary" --user harbour.admin --roles admin | head -1)
cotp=$("$bollard" user add --data "$primary" --user gate.clerk --roles clerk | head -1)
box=$("$bollard" journal show --data "$primary" --limit 0 --json 2>/dev/null | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "container.registered":
        print(e["payload"]["container"]["id"]); break')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="https://127.0.0.1:$port"
try_serve() { # try_serve DATA: the primary's server on the one address the replica knows
    "$real" serve --data "$1" --listen "127.0.0.1:$port" >>"$tmp/serve.log" 2>&1 &
    spid=$!
    wait_for 10 curl -sk -o /dev/null "$url/healthz"
}
serve() { try_serve "$1" || { echo "not ok - server did not start"; cat "$tmp/serve.log"; exit 1; }; }
unserve() { kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; spid=""; }
serve "$primary"
C() { curl -s --cacert "$primary/tls.crt" "$@"; }
S() { C -o "$tmp/body" -w '%{http_code}' "$@"; }

# ---- the replica: a separate directory and process; it keeps the primary's public key pinned ----
cp "$primary/tls.crt" "$tmp/primary.crt"
cp "$primary/journal.pub" "$tmp/orig.pub"
umask 077
echo "$rkey" >"$tmp/replica.apikey"
umask 022
"$real" replica init --data "$replica" --primary "$url" --pin "$primary/journal.pub" \
    --api-key "$tmp/replica.apikey" --ca-cert "$tmp/primary.crt" >"$tmp/rinit.out" 2>&1 &&
    ok "replica set up" || { fail "replica set up"; cat "$tmp/rinit.out"; }
[ "$(stat -c %a "$replica/vault.key")" = 600 ] && ok "vault key is 0600" || fail "vault key is 0600"
cmp -s "$replica/vault.key" "$primary/journal.key" && fail "vault key differs from anything on the primary" || ok "vault key differs from anything on the primary"
# The backup host sends its own alerts to the SOC's syslog collector (a UDP listener here).
python3 - "$tmp/syslog.port" "$tmp/syslog.got" <<'EOF' &
import os, socket, sys
portfile, out = sys.argv[1:]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(portfile + ".tmp", "w").write(str(s.getsockname()[1])); os.rename(portfile + ".tmp", portfile)
while True:
    m, _ = s.recvfrom(70000)
    with open(out, "ab") as f: f.write(m.replace(b"\n", b" ") + b"\n")
EOF
syslogpid=$!
i=0; while [ ! -s "$tmp/syslog.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
printf '{"alerts": {"syslog": {"url": "udp://127.0.0.1:%s", "hostname": "backup1"}}}\n' \
    "$(cat "$tmp/syslog.port")" >"$replica/security.json"
run_replica() {
    "$real" replica run --data "$replica" --poll-ms 200 --snapshot-every 2 --pack-every 2 \
        >>"$tmp/replica.log" 2>&1 &
    rpid=$!
}
stop_replica() { kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; rpid=""; }
run_replica
held() { "$real" replica status --data "$replica" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["entries"], d["verified"])'; }
psize() { "$bollard" journal show --data "$primary" --limit 0 --json | wc -l; }
caught_up() { [ "$(held | cut -d' ' -f2)" -ge "$(psize)" ]; }
wait_for 60 caught_up && ok "replica caught up with the primary" || fail "replica caught up with the primary ($(held) vs $(psize))"

# Started as root, the replica runs as its own account, which alone holds the vault.
if [ "$(id -u)" -eq 0 ]; then
    check "the replica runs as its own account" "bollard-replica" "$(ps -o user= -p "$rpid" | tr -d ' ')"
    check "the vault key belongs to it alone" "bollard-replica 600" "$(stat -c '%U %a' "$replica/vault.key")"
    runuser -u bollard -- cat "$replica/vault.key" >/dev/null 2>&1 &&
        fail "the server's account cannot read the vault key" ||
        ok "the server's account cannot read the vault key"
fi

# The replica listens nowhere: there is no interface to delete or overwrite it through.
if command -v ss >/dev/null; then
    ss -ltnpH 2>/dev/null | grep -q "pid=$rpid," && fail "replica listens on no port" || ok "replica listens on no port"
fi

# The replica's key reads the journal and nothing else.
check "the replica's key cannot write on the primary" "403" "$(S -H "Authorization: Bearer $rkey" -X POST -d '{"id":"'"$box"'","kind":"damage","reason":"x"}' "$url/api/v1/ops/hold.place")"
check "the replica's key cannot read the yard" "403" "$(S -H "Authorization: Bearer $rkey" "$url/api/v1/containers/$box")"

# The attacker's earlier copy of the primary (taken before the traffic below).
cp -a "$primary" "$tmp/early"

# ---- traffic: clerks place and lift holds; every acknowledgement logged with its time ----
traffic() { # traffic URL CA ACKLOG STOPFILE
    python3 - "$1" "$2" "$clerk" "$box" "$3" "$4" <<'PY' &
import json, os, ssl, sys, time, urllib.request
url, ca, key, box, log, stop = sys.argv[1:]
ctx = ssl.create_default_context(cafile=ca)
place = True
with open(log, "a") as out:
    while not os.path.exists(stop):
        cmd = "hold.place" if place else "hold.lift"
        body = json.dumps({"id": box, "kind": "damage", "reason": "traffic"}).encode()
        req = urllib.request.Request(url + "/api/v1/ops/" + cmd, data=body, method="POST",
                                     headers={"Authorization": "Bearer " + key,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=5) as r:
                seq = json.load(r)["seq"][1]
                out.write("%d %d\n" % (time.time() * 1e6, seq)); out.flush()
                place = not place
        except Exception:
            time.sleep(0.05)
        time.sleep(0.02)
PY
    tpid=$!
}
traffic "$url" "$tmp/primary.crt" "$tmp/acks" "$tmp/stop-traffic"
sleep 6
check "traffic acknowledged" "yes" "$([ "$(wc -l <"$tmp/acks")" -gt 20 ] && echo yes || echo no)"

# ---- the attack: from now on the attacker controls the primary host ----
# The attack comes while clerks are working: the server is killed mid-traffic.
attack_us=$(python3 -c 'import time; print(int(time.time()*1e6))')
kill -9 "$spid"; wait "$spid" 2>/dev/null; spid=""
touch "$tmp/stop-traffic"; wait "$tpid" 2>/dev/null; tpid=""
sleep 1
before=$(held)

# The old copy served as the primary: its journal is shorter (truncation).
serve "$tmp/early"
wait_for 10 grep -q "ALERT replica.truncated" "$tmp/replica.log" && ok "truncation raised an alert" || fail "truncation raised an alert"
check "truncated history refused: replica unchanged" "$before" "$(held)"

# The old copy grows another history, signed with the stolen journal key (fork).
traffic "$url" "$tmp/early/tls.crt" "$tmp/fork-acks" "$tmp/stop-fork"
esize() { "$bollard" journal show --data "$tmp/early" --limit 0 --json | wc -l; }
longer() { [ "$(esize)" -gt $((${before% *} + 20)) ]; }
wait_for 60 longer
touch "$tmp/stop-fork"; wait "$tpid" 2>/dev/null; tpid=""
# its next time-based checkpoint (5 s) covers entries that contradict the replica's
wait_for 15 grep -q "ALERT replica.fork" "$tmp/replica.log" && ok "fork raised an alert" || fail "fork raised an alert"
wait_for 10 grep -q '"message":"replica.fork: ' "$tmp/syslog.got" &&
    ok "the fork alert reached the syslog collector" ||
    { fail "the fork alert reached the syslog collector"; cat "$tmp/syslog.got"; }
grep '"message":"replica.fork: ' "$tmp/syslog.got" | grep '"rule":"replica_refused"' |
    grep -q '^<106>1 [^ ]* backup1 bollard - alert.raised ' &&
    ok "as RFC 5424 from the backup host, severity critical" || fail "as RFC 5424 from the backup host"
unserve
check "forked history refused: replica unchanged" "$before" "$(held)"

# A new signing key that nobody approved on the replica host.
# (The killed primary acknowledged entries the replica had not pulled yet: those come first,
# and are the real ones; the epoch entry after them is not.)
cp -a "$primary" "$tmp/stolen"
last_real=$("$bollard" journal show --data "$tmp/stolen" --limit 0 --json 2>/dev/null | wc -l)
"$bollard" journal rotate-key --data "$tmp/stolen" --note "attacker" >/dev/null 2>&1
serve "$tmp/stolen"
wait_for 10 grep -q "ALERT replica.epoch" "$tmp/replica.log" && ok "unapproved epoch raised an alert" || fail "unapproved epoch raised an alert"
unserve
after=$(held)
check "unapproved epoch refused: nothing of it held, nothing verified" "$last_real ${before#* }" "$after"

# Every file on the primary against the replica's data.
for f in "$primary"/*; do
    [ -f "$f" ] || continue
    cmp -s "$f" "$replica/vault.key" && fail "no file on the primary opens the vault ($f)"
done
ok "no file on the primary opens the vault"

# Encrypt the primary's database and journal in place (the ransomware).
for f in "$primary"/bollard.db* "$primary"/journal.*; do
    [ -f "$f" ] || continue
    openssl enc -aes-256-ctr -pbkdf2 -pass pass:ransom -in "$f" -out "$f.enc" 2>/dev/null && mv "$f.enc" "$f"
done
try_serve "$primary"
sleep 1
unserve
"$bollard" journal verify --data "$primary" >/dev/null 2>&1 && fail "the primary is unusable" || ok "the primary is unusable"
check "encrypted primary: replica unchanged" "$after" "$(held)"
stop_replica

# The replica's own copy still verifies: restore from it.
last_acked=$(python3 - "$tmp/acks" "$attack_us" <<'EOF'
import sys
acks = [tuple(map(int, l.split())) for l in open(sys.argv[1])]
cut = int(sys.argv[2]) - 5_000_000
print(max([s for t, s in acks if t <= cut], default=0))
EOF
)
restored="$tmp/work/restored"
t0=$(date +%s%N)
"$real" restore --from "$replica" --data "$restored" --admin harbour.admin --note "ransomware" >"$tmp/restore.out" 2>&1 &&
    ok "restore onto a fresh directory" || { fail "restore onto a fresh directory"; cat "$tmp/restore.out"; }
[ "$(id -u)" -eq 0 ] && chown -R bollard: "$restored"
t1=$(date +%s%N)
echo "# restore took $(( (t1 - t0) / 1000000 )) ms"
"$bollard" journal verify --data "$restored" >/dev/null && ok "restored journal verifies with the new key" || fail "restored journal verifies with the new key"
kept=$(sed -n 's/^restored \([0-9]*\) of.*/\1/p' "$tmp/restore.out")
check "nothing acknowledged more than 5 s before the attack is missing" "yes" "$([ "${kept:-0}" -ge "$last_acked" ] && echo yes || echo no)"
python3 - "$tmp/acks" "${kept:-0}" "$attack_us" <<'EOF'
import sys
acks = [tuple(map(int, l.split())) for l in open(sys.argv[1])]
kept, attack = int(sys.argv[2]), int(sys.argv[3])
lost = [t for t, s in acks if s > kept]
print("# acknowledged writes lost: %d; recovery point %.2f s before the attack"
      % (len(lost), (attack - min(lost)) / 1e6 if lost else 0.0))
EOF
newpub=$(sed -n '/^new journal key/{n;p}' "$tmp/restore.out")
otp=$(grep -B1 '^one-time password for harbour.admin' "$tmp/restore.out" | head -1)
check "a new journal key" "yes" "$([ -n "$newpub" ] && ! grep -qF "$newpub" "$tmp/orig.pub" && echo yes || echo no)"

# ---- the restored server serves; the old credentials do not work ----
serve "$restored"
R() { curl -s --cacert "$restored/tls.crt" -o "$tmp/body" -w '%{http_code}' "$@"; }
check "restored server answers with its new certificate" "200" "$(R "$url/healthz")"
check "old clerk key refused" "401" "$(R -H "Authorization: Bearer $clerk" "$url/api/v1/me")"
check "old replica key refused" "401" "$(R -H "Authorization: Bearer $rkey" "$url/api/v1/journal/checkpoint")"
check "old clerk password refused" "401" "$(R -X POST -d "{\"user\":\"gate.clerk\",\"password\":\"$cotp\"}" "$url/api/v1/login")"
check "old admin password refused" "401" "$(R -X POST -d "{\"user\":\"harbour.admin\",\"password\":\"$aotp\"}" "$url/api/v1/login")"
cotp2=$("$bollard" user reset-password --data "$restored" --user gate.clerk --reason "after restore" | head -1)
check "a reset one-time password works for the clerk" "200" "$(R -X POST -d "{\"user\":\"gate.clerk\",\"password\":\"$cotp2\"}" "$url/api/v1/login")"
check "the new one-time admin password works" "200" "$(R -X POST -d "{\"user\":\"harbour.admin\",\"password\":\"$otp\"}" "$url/api/v1/login")"
"$bollard" journal show --data "$restored" --limit 0 --json 2>/dev/null | grep -q '"journal.epoch"' && ok "the restore is a journal event" || fail "the restore is a journal event"
"$bollard" key list --data "$restored" | grep -q "gate-clerk.*active" && fail "every API key revoked" || ok "every API key revoked"

# ---- the replica accepts the new epoch only after approval, then pulls from it ----
nrkey=$("$bollard" key create --data "$restored" --name backup-host-2 --role replica | head -1)
umask 077; echo "$nrkey" >"$replica/replica.apikey"; umask 022
epoch_from=$(sed -n 's/^new journal key (epoch from entry \([0-9]*\)).*/\1/p' "$tmp/restore.out")
cp "$restored/tls.crt" "$replica/primary.crt"
run_replica
sleep 1.5
check "new epoch refused before approval" "$after" "$(held)"
stop_replica
"$real" replica approve --data "$replica" --key "$newpub" --from "$epoch_from" --note "restored after ransomware" >/dev/null &&
    ok "operator approves the new epoch" || fail "operator approves the new epoch"
run_replica
size_restored=$("$bollard" journal show --data "$restored" --limit 0 --json | wc -l)
rcaught() { [ "$(held | cut -d' ' -f2)" -ge "$size_restored" ]; }
wait_for 30 rcaught && ok "replica pulls the new epoch" || fail "replica pulls the new epoch ($(held) vs $size_restored)"

# ---- a restore drill against the restored primary ----
"$real" drill --from "$replica" >"$tmp/drill.out" 2>&1 && ok "restore drill passes" || { fail "restore drill passes"; cat "$tmp/drill.out"; }
grep '^drill passed' "$tmp/drill.out" | sed 's/^/# /'
ls "$replica/drills/"*.note >/dev/null 2>&1 && ok "drill recorded" || fail "drill recorded"
# The monthly self-inspection reads the replica's drills and lag (run on the backup host's copy).
"$real" inspect --data "$restored" --replica "$replica" --owner - --json --no-record \
    >"$tmp/inspect.json" 2>"$tmp/inspect.err"
python3 - "$tmp/inspect.json" <<'PY' >"$tmp/inspect.out"
import json, sys
r = json.load(open(sys.argv[1]))
ids = [f["id"] for f in r["findings"]]
print("drill", [i for i in ids if i.startswith("drill.")])
print("replica", [i for i in ids if i.startswith("replica.")])
PY
check "inspect finds the recent passed drill" "drill []" "$(grep '^drill' "$tmp/inspect.out")"
check "inspect finds the replica close behind" "replica []" "$(grep '^replica' "$tmp/inspect.out")"

# ---- the replica survives its own crash, and a restore to an earlier point ----
kill -9 "$rpid"; wait "$rpid" 2>/dev/null; rpid=""
run_replica
wait_for 30 rcaught && ok "replica restarts after kill -9 and holds everything" || fail "replica restarts after kill -9 ($(held))"
stop_replica
# Suppose the attacker's first action was earlier than thought: restore to before the
# epoch entry of the first restore, which cuts both the attacker's and the first restore's tail.
cut=$((epoch_from - 10))
unserve
restored2="$tmp/work/restored2"
"$real" restore --from "$replica" --data "$restored2" --to-seq "$cut" --admin harbour.admin >"$tmp/restore2.out" 2>&1 &&
    ok "restore to an earlier entry" || { fail "restore to an earlier entry"; cat "$tmp/restore2.out"; }
[ "$(id -u)" -eq 0 ] && chown -R bollard: "$restored2"
check "kept exactly the entries asked for" "$cut" "$(sed -n 's/^restored \([0-9]*\) of.*/\1/p' "$tmp/restore2.out")"
"$bollard" journal verify --data "$restored2" >/dev/null && ok "the second restore verifies" || fail "the second restore verifies"
newpub2=$(sed -n '/^new journal key/{n;p}' "$tmp/restore2.out")
from2=$(sed -n 's/^new journal key (epoch from entry \([0-9]*\)).*/\1/p' "$tmp/restore2.out")
check "the new epoch starts after the cut" "$((cut + 1))" "$from2"
nrkey2=$("$bollard" key create --data "$restored2" --name backup-host-3 --role replica | head -1)
umask 077; echo "$nrkey2" >"$replica/replica.apikey"; umask 022
cp "$restored2/tls.crt" "$replica/primary.crt"
serve "$restored2"
"$real" replica approve --data "$replica" --key "$newpub2" --from "$from2" --note "second restore" >/dev/null &&
    ok "approve an epoch that cuts what the replica holds" || fail "approve an epoch that cuts what the replica holds"
"$real" replica status --data "$replica" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["epochs"]))' >"$tmp/nep"
check "three epochs on the replica" "3" "$(cat "$tmp/nep")"
run_replica
size_restored2=$("$bollard" journal show --data "$restored2" --limit 0 --json 2>/dev/null | wc -l)
rcaught2() { [ "$(held | cut -d' ' -f2)" -ge "$size_restored2" ]; }
wait_for 30 rcaught2 && ok "replica follows the second restore" || fail "replica follows the second restore ($(held) vs $size_restored2)"
"$real" drill --from "$replica" >"$tmp/drill2.out" 2>&1 && ok "drill after the cut passes" || { fail "drill after the cut passes"; cat "$tmp/drill2.out"; }

# To a time: the entries before the first one accepted at or after it.
python3 - "$restored2/bollard.db" >"$tmp/cut-time" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
ats = [json.loads(e)["at"] for (e,) in db.execute("select entry from journal order by seq")]
t = ats[-3]  # written by the restored primary, on the wall clock
print(t, next(i for i, a in enumerate(ats) if a >= t))
PY
read -r when expect <"$tmp/cut-time"
stop_replica
"$real" restore --from "$replica" --data "$tmp/work/restored3" --to-time "$when" >"$tmp/restore3.out" 2>&1 &&
    ok "restore to a time" || { fail "restore to a time"; cat "$tmp/restore3.out"; }
check "kept the entries accepted before that time" "$expect" "$(sed -n 's/^restored \([0-9]*\) of.*/\1/p' "$tmp/restore3.out")"

# ---- the manual operations pack ----
stop_replica
pack=$(ls -d "$replica"/packs/* 2>/dev/null | tail -1)
if [ -n "$pack" ]; then
    "$real" pack verify "$pack" --key "$replica/pack.pub" >/dev/null && ok "operations pack verifies" || fail "operations pack verifies"
    grep -q "$box" "$pack/inventory.csv" 2>/dev/null && ok "pack lists the yard" || fail "pack lists the yard"
else
    fail "an operations pack was written"
fi

[ $fails -eq 0 ] || { echo "# replica log:"; sed 's/^/#   /' "$tmp/replica.log" | tail -40; }
exit $((fails > 0))
