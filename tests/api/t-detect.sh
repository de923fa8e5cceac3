#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-detect.sh BOLLARD - detection over real HTTPS.  A normal day driven
# through the API with the policy the attacks meet (logins with a typo, a
# name mistyped over and over, an admin's first login with MFA, a new
# account, a partner key rotated inside the change window, partner EDI and
# DCSA pulls, a clerk's reads and writes) raises nothing.  Then each attack
# pattern is driven through the API (brute force running into a lockout,
# password spraying, success after failures, mass updates, bulk export,
# decoy container / account / key, a key for a terminal created outside its
# change window, an admin at work at a terminal whose own time zone puts it
# outside working hours, a new admin, a role escalation and an MFA reset
# approved by a second key, a logging gap after kill -9) and each alert is
# checked: raised once, with evidence entries of the right kind in the
# journal, delivered to a syslog collector (RFC 5424 over UDP) and to a
# webhook (HMAC-SHA256 signed; a refused delivery retried after 1, 2, 4 s
# and given up after the configured attempts), listed and acknowledged
# through the alerts API.
set -u
bollard=${1:?usage: t-detect.sh BOLLARD}
command -v curl >/dev/null || { echo "1..0 # SKIP curl not installed"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }

tmp=$(mktemp -d)
pid=""
helpers=""
n=0
fails=0
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    for h in $helpers; do kill "$h" 2>/dev/null; done
    if [ -n "${BOL_TEST_KEEP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
check() { # check WHAT EXPECTED GOT
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected $2, got $3"; fi
}

real=$bollard
if [ "$(id -u)" -eq 0 ]; then
    id bollard >/dev/null 2>&1 || { echo "1..0 # SKIP no user bollard (scripts/install-deps)"; exit 0; }
    chmod 755 "$tmp"
    chown bollard: "$tmp"
    bollard="$tmp/as-bollard"
    printf '#!/bin/sh\nexec runuser -u bollard -- "%s" "$@"\n' "$real" >"$bollard"
    chmod 755 "$bollard"
fi
B() { "$bollard" "$@"; }
data="$tmp/data"
B init --data "$data" --origin test/bollard >/dev/null || { echo "not ok - init"; exit 1; }
B demo-data --data "$data" --terminals 1 --fill 5 --moves 20 --trucks 20 >/dev/null ||
    { echo "not ok - demo-data"; exit 1; }

# ---- normal demo traffic, scanned: nothing ----
out=$(B alert scan --data "$data")
check "the demo terminal's journal raises no alert" "0 alerts" "$out"

# ---- receivers: syslog over UDP; a webhook that records when each delivery arrives ----
# The webhook refuses every attempt at the first delivery it sees (so the
# sender backs off and gives up) and the first attempt at the second (so it
# is retried and delivered); it accepts everything else.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$data/webhook.key"
chmod 600 "$data/webhook.key"
[ "$(id -u)" -eq 0 ] && chown bollard: "$data/webhook.key"
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
helpers="$helpers $!"
python3 - "$tmp/hook.port" "$tmp/hook.got" "$data/webhook.key" <<'EOF' &
import hashlib, hmac, http.server, json, os, sys, time
portfile, out, keyfile = sys.argv[1:]
key = open(keyfile, "rb").read().strip()
order = []  # delivery ids in the order first seen
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        t = time.monotonic()
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ts = self.headers.get("X-Bollard-Timestamp", "")
        sig = self.headers.get("X-Bollard-Signature", "")
        good = "sha256=" + hmac.new(key, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        delivery = self.headers.get("X-Bollard-Delivery")
        first = delivery not in order
        if first:
            order.append(delivery)
        refuse = delivery == order[0] or (len(order) > 1 and delivery == order[1] and first)
        rec = {"t": t, "sig": hmac.compare_digest(sig, good), "refused": refuse,
               "delivery": delivery, "event": self.headers.get("X-Bollard-Event"),
               "body": json.loads(body)}
        with open(out, "a") as f: f.write(json.dumps(rec) + "\n")
        self.send_response(503 if refuse else 204); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_port)); os.rename(portfile + ".tmp", portfile)
s.serve_forever()
EOF
helpers="$helpers $!"
i=0; while { [ ! -s "$tmp/hook.port" ] || [ ! -s "$tmp/syslog.port" ]; } && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# One policy for the normal day and the attacks.  The installation ("*")
# works in UTC from an hour ago to two hours from now, and may change keys
# then.  Terminal DCT1 has the same hours on its clock, but its clock is
# Tokyo's: nine hours ahead, so whatever an admin does at DCT1 now is outside
# its working hours, and a key for DCT1 alone is made outside its change
# window.  Entries without a terminal (logins, accounts, keys for every
# terminal) are judged by "*".
from=$(date -u -d '-1 hour' +%H:00)
to=$(date -u -d '+2 hours' +%H:00)
cat >"$data/security.json" <<EOF
{
  "detect": {
    "mass_change": {"n": 40, "window_s": 300},
    "bulk_export": {"n": 15, "window_s": 600},
    "logging_gap": {"window_s": 4}
  },
  "terminals": {
    "*": {"tz": "UTC",
          "working_hours": [{"days": "*", "from": "$from", "to": "$to"}],
          "change_windows": [{"days": "*", "from": "$from", "to": "$to"}]},
    "DCT1": {"tz": "Asia/Tokyo",
             "working_hours": [{"days": "*", "from": "$from", "to": "$to"}],
             "change_windows": [{"days": "*", "from": "$from", "to": "$to"}]}
  },
  "alerts": {
    "syslog": {"url": "udp://127.0.0.1:$(cat "$tmp/syslog.port")", "hostname": "tos1"},
    "webhook": {"url": "http://127.0.0.1:$(cat "$tmp/hook.port")/hook", "secret_file": "webhook.key",
                "attempts": 4, "backoff_max_s": 8}
  }
}
EOF
[ "$(id -u)" -eq 0 ] && chown bollard: "$data/security.json"

# Accounts and keys made before the server first starts: not evaluated.
B user add --data "$data" --user victim --roles clerk >"$tmp/victim.otp" || fail "user add victim"
B user add --data "$data" --user returner --roles clerk >"$tmp/returner.otp" || fail "user add returner"
B user add --data "$data" --user yard.clerk --roles clerk >"$tmp/yard.otp" || fail "user add yard.clerk"
B user add --data "$data" --user boss --roles admin,clerk >"$tmp/boss.otp" || fail "user add boss"
clerk=$(B key create --data "$data" --name yard-gw --role clerk | sed -n 1p)
partner=$(B key create --data "$data" --name one-line --role line --line ONE | sed -n 1p)
sec=$(B key create --data "$data" --name soc --role security | sed -n 1p)
adm=$(B key create --data "$data" --name it-admin --role admin | sed -n 1p)
decoy_box=$(B canary create --data "$data" --kind container --note "in the old EDI share")
B canary create --data "$data" --kind user --id backup-admin >/dev/null || fail "canary user"
decoy_key=$(B canary create --data "$data" --kind key | sed -n 2p)
check "a decoy key is printed" "64" "${#decoy_key}"

port=$(free_port)
# Lockout after 6 failures, before the brute-force threshold of 10.
start_server() {
    "$real" serve --data "$data" --listen "127.0.0.1:$port" --lockout 6,900,900 --verify-every 2 \
        >>"$tmp/serve.log" 2>&1 &
    pid=$!
    i=0
    until curl -sk -o /dev/null "https://127.0.0.1:$port/healthz"; do
        i=$((i + 1))
        [ $i -gt 100 ] && { fail "server did not start"; cat "$tmp/serve.log"; exit 1; }
        sleep 0.1
    done
}
start_server
url="https://127.0.0.1:$port"
C() { curl -s --cacert "$data/tls.crt" "$@"; }
S() { C -o "$tmp/body" -w '%{http_code}' "$@"; }
K() { key=$1; shift; S -H "Authorization: Bearer $key" "$@"; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$tmp/body" "$1"; }
alerts() { # alerts: "rule id" lines, oldest first
    K "$sec" "$url/api/v1/alerts" >/dev/null
    python3 -c 'import json; [print(a["rule"], a["id"]) for a in reversed(json.load(open("'"$tmp/body"'"))["alerts"])]'
}
wait_rule() { # wait_rule RULE: until an alert of RULE exists (10 s)
    i=0
    while alerts >"$tmp/alerts.now" && ! grep -q "^$1 " "$tmp/alerts.now"; do
        i=$((i + 1)); [ $i -gt 40 ] && return 1; sleep 0.25
    done
}
# login [--interface ADDR] USER PASSWORD: a login from 127.0.0.1 or another loopback address.
login() {
    via=""
    [ "$1" = "--interface" ] && { via="--interface $2"; shift 2; }
    # shellcheck disable=SC2086
    S $via -c "$tmp/jar.$1" -H 'Content-Type: application/json' \
        -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$url/api/v1/login"
}
totp() { # totp BASE32SECRET
    python3 - "$1" <<'EOF'
import base64, hashlib, hmac, struct, sys, time
s = sys.argv[1].upper(); s += "=" * (-len(s) % 8)
h = hmac.new(base64.b32decode(s), struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
o = h[-1] & 15
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000))
EOF
}
# Wait until detection has read every entry the journal has now (10 s).
caught_up() {
    last=$(B journal show --data "$data" --limit 0 --json | tail -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["seq"])')
    i=0
    while :; do
        K "$sec" "$url/metrics" >/dev/null
        cur=$(sed -n 's/^bollard_detect_cursor //p' "$tmp/body")
        [ "$last" -gt 9000 ] && [ "${cur:-0}" -ge "$last" ] && return 0
        i=$((i + 1)); [ $i -gt 40 ] && return 1; sleep 0.25
    done
}
journal_alerts() { B journal show --data "$data" --limit 0 --json | grep -c '"type":"alert.raised"'; }
boxes=$(B journal show --data "$data" --limit 0 --json 2>/dev/null | python3 -c '
import json, sys
n = 0
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "container.registered":
        print(e["payload"]["container"]["id"]); n += 1
        if n == 3: break')
box=$(echo "$boxes" | sed -n 1p)
box2=$(echo "$boxes" | sed -n 2p)
box3=$(echo "$boxes" | sed -n 3p)

# ---- a normal day, with the policy the attacks meet: nothing ----
# A clerk's first login: one typo, then the one-time password and a new password.
check "day: a clerk's typo is refused" "401" "$(login yard.clerk "$(head -1 "$tmp/yard.otp")x")"
check "day: the clerk logs in" "200" "$(login yard.clerk "$(head -1 "$tmp/yard.otp")")"
check "day: the clerk sets a password" "200" "$(S -b "$tmp/jar.yard.clerk" -c "$tmp/jar.yard.clerk" \
    -H "X-CSRF-Token: $(field csrf_token)" -H 'Content-Type: application/json' \
    -d "{\"current\":\"$(head -1 "$tmp/yard.otp")\",\"new\":\"reefer rack seven north side\"}" "$url/api/v1/me/password")"
# A handheld configured with a misspelt name tries it again and again: one name, not ten accounts.
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do login --interface 127.0.0.3 yard.clrek "reefer rack seven north side" >/dev/null; done
check "day: the misspelt name is refused" "401" "$(login --interface 127.0.0.3 yard.clrek "reefer rack seven north side")"
# The admin's first login inside working hours: password, then MFA.
check "day: the admin logs in" "200" "$(login boss "$(head -1 "$tmp/boss.otp")")"
check "day: the admin sets a password" "200" "$(S -b "$tmp/jar.boss" -c "$tmp/jar.boss" \
    -H "X-CSRF-Token: $(field csrf_token)" -H 'Content-Type: application/json' \
    -d "{\"current\":\"$(head -1 "$tmp/boss.otp")\",\"new\":\"quay crane forty two at dawn\"}" "$url/api/v1/me/password")"
bcsrf=$(field csrf_token)
check "day: the admin enrols MFA" "200" "$(S -b "$tmp/jar.boss" -H "X-CSRF-Token: $bcsrf" -X POST "$url/api/v1/me/mfa/enroll")"
bsecret=$(field secret)
check "day: the admin confirms MFA" "200" "$(S -b "$tmp/jar.boss" -c "$tmp/jar.boss" -H "X-CSRF-Token: $bcsrf" \
    -H 'Content-Type: application/json' -d "{\"code\":\"$(totp "$bsecret")\"}" "$url/api/v1/me/mfa/confirm")"
bcsrf=$(field csrf_token)
check "day: the admin reads the accounts" "200" "$(S -b "$tmp/jar.boss" "$url/api/v1/users")"
# The admin key adds a clerk and rotates the partner's key inside the change window.
check "day: a new clerk's account" "201" "$(K "$adm" -H 'Content-Type: application/json' \
    -d '{"user":"night.clerk","roles":["clerk"],"terminals":["DCT1"]}' "$url/api/v1/users")"
pid_partner=$(K "$partner" "$url/api/v1/me" >/dev/null; field actor | sed "s/^key://")
check "day: the partner's key is rotated" "201" "$(K "$adm" -H 'Content-Type: application/json' \
    -d '{"days":90,"overlap":3600}' "$url/api/v1/keys/$pid_partner/rotate")"
partner2=$(field key)
# Partner pulls at their usual rate, the EDI gateway's bay plan, a clerk's reads and writes.
check "day: the partner pulls DCSA events" "200" "$(K "$partner" "$url/api/v1/dcsa/v2/events?limit=20")"
check "day: the EDI gateway pulls a bay plan" "200" "$(K "$clerk" "$url/api/v1/edi/baplie?visit=DCT1-M47")"
check "day: a clerk reads a container" "200" "$(K "$clerk" "$url/api/v1/containers/$box")"
check "day: a clerk reads the inventory" "200" "$(K "$clerk" "$url/api/v1/terminals/DCT1/inventory")"
check "day: a clerk reads 20 dwell rows" "200" "$(K "$clerk" "$url/api/v1/terminals/DCT1/dwell?limit=20")"
check "day: a clerk places a hold" "201" "$(K "$clerk" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$box3\",\"kind\":\"damage\",\"reason\":\"dent on door\"}" "$url/api/v1/ops/hold.place")"
check "day: and lifts it" "201" "$(K "$clerk" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$box3\",\"kind\":\"damage\",\"reason\":\"surveyed: fine\"}" "$url/api/v1/ops/hold.lift")"
check "day: the partner pulls again with the new key" "200" "$(K "$partner2" "$url/api/v1/dcsa/v2/events?limit=20")"
caught_up && ok "day: detection has read the whole day" || fail "day: detection has read the whole day"
check "normal day: no alert in the alerts API" "" "$(alerts)"
check "normal day: no alert in the journal" "0" "$(journal_alerts)"
check "normal day: the misspelt name was journaled 13 times, by one tag, never by name" "1 13 0" \
    "$(B journal show --data "$data" --limit 0 --json | python3 -c '
import json, sys
es = [json.loads(l) for l in sys.stdin]
lo = [e for e in es if e["type"] == "auth.login" and e["addr"] == "127.0.0.3"]
print(len({e["payload"].get("name_tag") for e in lo} - {None}), len(lo), sum("yard.clrek" in json.dumps(e) for e in es))')"

# ---- brute force into a lockout, then success after failures on another account ----
# Lockout comes after 6 failures; the 4 attempts on the locked account count too.
for i in 1 2 3 4 5 6 7 8 9 10; do login victim "wrong-password-$i" >/dev/null; done
check "the account was locked before the tenth attempt" "4" \
    "$(B journal show --data "$data" --limit 0 --json | grep '"type":"auth.login"' | grep '"user":"victim"' | grep -c '"result":"locked"')"
wait_rule brute_force && ok "brute force raised" || fail "brute force raised"
for i in 1 2 3 4 5; do login returner "wrong-password-$i" >/dev/null; done
check "a login with the right password after five failures" "200" "$(login returner "$(head -1 "$tmp/returner.otp")")"
wait_rule success_after_failures && ok "success after failures raised" || fail "success after failures raised"

# ---- spraying: exactly ten unknown names from another address ----
for u in ann bob cat dan eve fay gus hal ivy jon; do login --interface 127.0.0.2 "$u" "Summer2026!" >/dev/null; done
wait_rule spraying && ok "password spraying raised" || fail "password spraying raised"

# ---- mass updates: 42 hold changes by one key in a minute ----
for i in $(seq 1 21); do
    K "$clerk" -H 'Content-Type: application/json' \
        -d "{\"id\":\"$box\",\"kind\":\"damage\",\"reason\":\"survey $i\"}" "$url/api/v1/ops/hold.place" >/dev/null
    K "$clerk" -H 'Content-Type: application/json' \
        -d "{\"id\":\"$box\",\"kind\":\"damage\",\"reason\":\"cleared $i\"}" "$url/api/v1/ops/hold.lift" >/dev/null
done
wait_rule mass_change && ok "mass change raised" || fail "mass change raised"

# ---- bulk export: one bay plan after another ----
for i in 1 2 3; do K "$clerk" "$url/api/v1/edi/baplie?visit=DCT1-M47" >/dev/null; done
wait_rule bulk_export && ok "bulk export raised" || fail "bulk export raised"

# ---- decoys ----
check "the decoy container is not found" "404" "$(K "$clerk" "$url/api/v1/containers/$decoy_box")"
check "the decoy account cannot log in" "401" "$(login backup-admin "Backup2026backup")"
check "the decoy key is refused" "401" "$(K "$decoy_key" "$url/api/v1/me")"
wait_rule canary && sleep 1 && ok "decoys raised alerts" || fail "decoys raised alerts"
check "three decoy alerts" "3" "$(alerts | grep -c '^canary ')"

# ---- a key for DCT1 outside DCT1's change window (Tokyo time); a new admin ----
B key create --data "$data" --name late-key --role clerk --terminals DCT1 >/dev/null
wait_rule key_outside_window && ok "key outside the change window raised" || fail "key outside the change window raised"
B user add --data "$data" --user boss2 --roles admin >/dev/null
wait_rule privilege_escalation && ok "new admin raised" || fail "new admin raised"

# ---- an existing account given a privileged role, approved by a second key ----
check "role change becomes a request" "202" "$(K "$adm" -H 'Content-Type: application/json' \
    -d '{"roles":["clerk","security"],"terminals":["*"],"reason":"joins the SOC"}' "$url/api/v1/users/returner/roles")"
ap=$(field approval)
check "a second key approves it" "200" "$(K "$sec" -X POST "$url/api/v1/approvals/$ap/approve")"
i=0; while [ "$(alerts | grep -c '^privilege_escalation ')" -lt 2 ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
check "role escalation raised" "2" "$(alerts | grep -c '^privilege_escalation ')"

# ---- the admin at work at DCT1, outside DCT1's working hours (its own time zone) ----
check "the admin places a hold at DCT1 (same session's CSRF token)" "201" \
    "$(S -b "$tmp/jar.boss" -H "X-CSRF-Token: $bcsrf" -H 'Content-Type: application/json' \
        -d "{\"id\":\"$box2\",\"kind\":\"customs\",\"reason\":\"late-night check\"}" "$url/api/v1/ops/hold.place")"
wait_rule off_hours_admin && ok "admin work outside working hours raised" || fail "admin work outside working hours raised"
check "it names DCT1 and its time zone" "1" "$(K "$sec" "$url/api/v1/alerts" >/dev/null; grep -c 'outside working hours (DCT1: Asia/Tokyo time): hold.placed' "$tmp/body")"

# ---- an MFA reset, requested by one key and approved by another ----
check "MFA reset becomes a request" "202" "$(K "$adm" -H 'Content-Type: application/json' \
    -d '{"reason":"lost phone"}' "$url/api/v1/users/boss/reset-mfa")"
ap=$(field approval)
check "a second key approves it" "200" "$(K "$sec" -X POST "$url/api/v1/approvals/$ap/approve")"
wait_rule mfa_reset && ok "MFA reset raised" || fail "MFA reset raised"

# ---- webhook back-off: the first delivery refused at every attempt ----
i=0
while [ "$(grep -c '"refused": true' "$tmp/hook.got" 2>/dev/null)" -lt 5 ] && [ $i -lt 80 ]; do sleep 0.25; i=$((i + 1)); done
python3 - "$tmp/hook.got" >"$tmp/backoff.out" <<'EOF'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
first = got[0]["delivery"]
times = [g["t"] for g in got if g["delivery"] == first]
gaps = [b - a for a, b in zip(times, times[1:])]
print("attempts", len(times))
print("refused", all(g["refused"] for g in got if g["delivery"] == first))
# 1, 2, 4 s: the first about a second, each next about twice the one before
ok = len(gaps) == 3 and 0.8 <= gaps[0] <= 2.0 and all(1.6 <= b / a <= 2.5 for a, b in zip(gaps, gaps[1:]))
print("gaps", "grow" if ok else "WRONG " + " ".join("%.2f" % g for g in gaps))
order = []
for g in got:
    if g["delivery"] not in order:
        order.append(g["delivery"])
st = [g["refused"] for g in got if len(order) > 1 and g["delivery"] == order[1]]
print("second", st == [True, False])
EOF
check "a refused delivery is tried 4 times (attempts)" "attempts 4" "$(grep '^attempts' "$tmp/backoff.out")"
check "... each one refused" "refused True" "$(grep '^refused' "$tmp/backoff.out")"
check "the waits between attempts grow 1, 2, 4 s" "gaps grow" "$(grep '^gaps' "$tmp/backoff.out")"
check "a delivery refused once is retried and delivered" "second True" "$(grep '^second' "$tmp/backoff.out")"
sleep 1
K "$sec" "$url/metrics" >/dev/null
check "after the last attempt it gives up: one dropped" "1" \
    "$(sed -n 's/^bollard_alert_deliveries_total{channel="webhook",outcome="dropped"} //p' "$tmp/body")"
check "four retries: three of the given-up delivery, one of the other" "4" \
    "$(sed -n 's/^bollard_alert_deliveries_total{channel="webhook",outcome="retried"} //p' "$tmp/body")"

# ---- a logging gap: the server killed, down longer than the gap ----
kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=""
sleep 6
start_server
wait_rule logging_gap && ok "logging gap raised after kill -9" || fail "logging gap raised after kill -9"
# a clean stop and a quick start are no gap
kill "$pid"; wait "$pid" 2>/dev/null; pid=""
sleep 5
start_server
sleep 1.5
check "a clean stop is no gap" "1" "$(alerts | grep -c '^logging_gap ')"

check "verifying beside a busy server finds nothing wrong" "0" "$(alerts | grep -c '^journal_verify_failed ')"

# ---- every alert: once, with its evidence in the journal ----
B journal show --data "$data" --limit 0 --json >"$tmp/journal.jsonl"
K "$sec" "$url/api/v1/alerts" >/dev/null
cp "$tmp/body" "$tmp/alerts.json"
python3 - "$tmp/alerts.json" "$tmp/journal.jsonl" >"$tmp/evidence.out" <<'EOF'
import json, sys
alerts = json.load(open(sys.argv[1]))["alerts"]
entries = {}
for l in open(sys.argv[2]):
    e = json.loads(l); entries[e["seq"]] = e
want = {"brute_force": {"auth.login"}, "spraying": {"auth.login"},
        "success_after_failures": {"auth.login"}, "mass_change": {"hold.placed", "hold.lifted"},
        "bulk_export": {"data.exported"}, "canary": {"canary.tripped"},
        "key_outside_window": {"apikey.created"},
        "privilege_escalation": {"account.created", "account.updated"},
        "mfa_reset": {"account.mfa_reset"}, "off_hours_admin": {"hold.placed"},
        "logging_gap": None}  # the last entry before the gap, whatever it was, and the start
raised = {}
for a in alerts:
    raised.setdefault(a["rule"], []).append(a)
    ev = [entries.get(s) for s in a["evidence"]]
    missing = [s for s in a["evidence"] if s not in entries]
    ev = [e for e in ev if e]
    types = {e["type"] for e in ev}
    ok = bool(a["evidence"]) and not missing and a["rule"] in want and (
        want[a["rule"]] is None or types <= want[a["rule"]])
    if a["rule"] == "brute_force":
        ok = ok and a["count"] >= 10 and all(e["payload"].get("user") == "victim" for e in ev)
        ok = ok and any(e["payload"].get("result") == "locked" for e in ev)
    if a["rule"] == "spraying":
        ok = ok and a["subject"].get("addr") == "127.0.0.2" and "10 accounts" in a["message"]
        ok = ok and all(e["addr"] == "127.0.0.2" for e in ev)
    if a["rule"] == "logging_gap":
        ok = ok and len(ev) == 2 and ev[1]["type"] == "service.started" and ev[0]["seq"] == ev[1]["seq"] - 1
    if a["rule"] in ("off_hours_admin", "key_outside_window"):
        ok = ok and all(e["terminal"] == "DCT1" or e["type"] == "apikey.created" for e in ev)
    if a["rule"] == "off_hours_admin":
        ok = ok and a["subject"].get("actor") == "user:boss" and ev and ev[0]["actor"] == "user:boss"
    if a["rule"] == "mfa_reset":
        ok = ok and a["subject"].get("user") == "boss"
    # the alert.raised entry that holds it
    ok = ok and any(e["type"] == "alert.raised" and e["payload"]["alert"]["id"] == a["id"] for e in entries.values())
    print(a["rule"], "ok" if ok else "BAD", sorted(types), "missing" if missing else "")
for r in want:
    print(r, "count", len(raised.get(r, [])))
esc = [a for a in raised.get("privilege_escalation", []) if a["subject"].get("user") == "returner"]
print("escalation", len(esc) == 1 and entries.get(esc[0]["evidence"][0], {}).get("type") == "account.updated")
print("done")
EOF
[ "$(tail -1 "$tmp/evidence.out")" = "done" ] || fail "the evidence check ran to its end"
for r in brute_force spraying success_after_failures mass_change bulk_export canary \
    key_outside_window privilege_escalation mfa_reset off_hours_admin logging_gap; do
    if ! grep -q "^$r ok" "$tmp/evidence.out" || grep "^$r " "$tmp/evidence.out" | grep -q BAD; then
        fail "$r: evidence entries"; grep "^$r " "$tmp/evidence.out"
    else
        ok "$r: evidence entries in the journal"
    fi
done
check "brute force raised once" "brute_force count 1" "$(grep '^brute_force count' "$tmp/evidence.out")"
check "spraying raised once" "spraying count 1" "$(grep '^spraying count' "$tmp/evidence.out")"
check "mass change raised once" "mass_change count 1" "$(grep '^mass_change count' "$tmp/evidence.out")"
check "off-hours work raised once" "off_hours_admin count 1" "$(grep '^off_hours_admin count' "$tmp/evidence.out")"
check "the escalation's evidence is the account change" "escalation True" "$(grep '^escalation' "$tmp/evidence.out")"
total=$(python3 -c 'import json; print(len(json.load(open("'"$tmp/alerts.json"'"))["alerts"]))')

# ---- delivery ----
# An alert journaled just before kill -9 may go out again after it.
syslog_ids() { grep -a ' alert.raised ' "$tmp/syslog.got" 2>/dev/null | grep -o '"id":"[a-z_]*-[0-9]*' | sort -u | wc -l; }
i=0
while [ "$(syslog_ids)" -lt "$total" ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
check "every alert reached syslog" "$total" "$(syslog_ids)"
grep ' alert.raised ' "$tmp/syslog.got" | grep -q '^<107>1 [0-9T:.Z-]* tos1 bollard - alert.raised \[origin software="bollard"' &&
    ok "RFC 5424 form, severity error for high alerts" || { fail "RFC 5424 form"; head -2 "$tmp/syslog.got"; }
# every alert but the one given up on
i=0
while [ "$(python3 -c 'import json,sys; print(len({json.loads(l)["body"]["alert"]["id"] for l in open(sys.argv[1]) if not json.loads(l)["refused"]}))' "$tmp/hook.got")" -lt $((total - 1)) ] && [ $i -lt 60 ]; do
    sleep 0.25; i=$((i + 1))
done
python3 - "$tmp/hook.got" "$tmp/alerts.json" >"$tmp/hook.out" <<'EOF'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
ids = {a["id"] for a in json.load(open(sys.argv[2]))["alerts"]}
given_up = got[0]["body"]["alert"]["id"]
delivered = {g["body"]["alert"]["id"] for g in got if not g["refused"]}
print("signed", all(g["sig"] for g in got))
print("missing", sorted(ids - delivered - {given_up}))
print("given up", given_up in ids and given_up not in delivered)
print("headers", all(g["event"] == g["body"]["event"] and g["delivery"] == str(g["body"]["seq"]) for g in got))
EOF
check "every webhook delivery signed (HMAC-SHA256)" "signed True" "$(grep '^signed' "$tmp/hook.out")"
check "every other alert reached the webhook" "missing []" "$(grep '^missing' "$tmp/hook.out")"
check "the given-up alert is still in the alerts API" "given up True" "$(grep '^given up' "$tmp/hook.out")"
check "webhook headers name the event and entry" "headers True" "$(grep '^headers' "$tmp/hook.out")"

# ---- the alerts API: acknowledge with a note ----
id=$(alerts | grep '^brute_force ' | cut -d' ' -f2)
check "an auditor key cannot acknowledge" "403" "$(K "$clerk" -H 'Content-Type: application/json' -d '{"note":"x"}' "$url/api/v1/alerts/$id/ack")"
check "acknowledge with a note" "200" "$(K "$sec" -H 'Content-Type: application/json' -d '{"note":"victim called: forgot the password after leave"}' "$url/api/v1/alerts/$id/ack")"
check "a second acknowledgement is refused" "409" "$(K "$sec" -H 'Content-Type: application/json' -d '{"note":"again"}' "$url/api/v1/alerts/$id/ack")"
K "$sec" "$url/api/v1/alerts/$id" >/dev/null
check "the alert shows who acknowledged it" "acknowledged key:" \
    "$(python3 -c 'import json; a=json.load(open("'"$tmp/body"'")); print(a["status"], a["acked_by"][:4])')"
K "$sec" "$url/api/v1/alerts?status=open" >/dev/null
check "open alerts leave it out" "0" "$(grep -c "\"$id\"" "$tmp/body")"
B journal show --data "$data" --limit 0 --json | grep -q '"type":"alert.acknowledged"' &&
    ok "the acknowledgement is journaled" || fail "the acknowledgement is journaled"
i=0; while ! grep -q '"alert.acknowledged"' "$tmp/hook.got" && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
grep -q '"alert.acknowledged"' "$tmp/hook.got" && ok "the acknowledgement reaches the webhook" ||
    fail "the acknowledgement reaches the webhook"
check "alert list on the command line" "$total" "$(B alert list --data "$data" | wc -l)"
K "$sec" "$url/metrics" >/dev/null
cursor=$(sed -n 's/^bollard_detect_cursor //p' "$tmp/body")
grep -q '^bollard_alerts_raised_total [0-9]' "$tmp/body" && [ "${cursor:-0}" -gt 9000 ] &&
    ok "metrics show the alerts raised and how far detection has read ($cursor)" ||
    fail "metrics show the alerts raised and how far detection has read"
grep -q '^bollard_alert_deliveries_total{channel="webhook",outcome="sent"} [1-9]' "$tmp/body" &&
    ok "metrics count webhook deliveries" || fail "metrics count webhook deliveries"

# ---- the alerts become an incident: linked, frozen with the evidence, shared as STIX ----
bf=$(alerts | grep '^brute_force ' | cut -d' ' -f2)
cn=$(alerts | grep '^canary ' | head -1 | cut -d' ' -f2)
inc=$(B incident open --data "$data" --title "Password attack and decoy read" --severity high \
    --alert "$bf" --alert "$cn")
[ -n "$inc" ] && ok "an incident links the alerts" || fail "an incident links the alerts"
ev=$(B incident freeze --data "$data" --id "$inc" 2>"$tmp/freeze.err" | sed -n 1p)
B incident verify --data "$data" "$ev" >/dev/null 2>&1 && ok "its frozen evidence verifies" ||
    { fail "its frozen evidence verifies"; cat "$tmp/freeze.err"; }
grep -q "\"$bf\"" "$ev/alerts.json" && grep -q "\"$cn\"" "$ev/alerts.json" &&
    ok "the frozen evidence holds the alerts" || fail "the frozen evidence holds the alerts"
B incident report --data "$data" --id "$inc" --stix "$tmp/bundle.json" >/dev/null 2>&1
python3 - "$tmp/bundle.json" <<'EOF' && ok "the STIX bundle names the attacking address" || fail "the STIX bundle names the attacking address"
import json, sys
b = json.load(open(sys.argv[1]))
assert b["type"] == "bundle"
assert any(o["type"] == "indicator" and "127.0.0.1" in o["pattern"] for o in b["objects"])
EOF

# ---- decoys stay out of lists, and replay and scans do not trip them ----
check "the decoy account is not an account" "0" "$(B user list --data "$data" | grep -c backup-admin)"
check "the decoy box is in no report" "0" "$(B report --data "$data" inventory DCT1 --json 2>/dev/null | grep -c "$decoy_box")"
before=$(B journal show --data "$data" --limit 0 --json | grep -c '"canary.tripped"')
if B journal replay --data "$data" >/dev/null; then
    ok "journal replay"
    check "replay trips no decoy" "$before" "$(B journal show --data "$data" --limit 0 --json | grep -c '"canary.tripped"')"
else
    fail "journal replay"
    fail "replay trips no decoy: the replay itself failed"
fi
# ---- a journal entry changed behind the server's back ----
python3 - "$data/bollard.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
e = c.execute("SELECT entry FROM journal WHERE seq = 7").fetchone()[0]
c.execute("UPDATE journal SET entry = ? WHERE seq = 7", (bytes(e).replace(b'"v":1', b'"v":1 ', 1),))
c.commit()
EOF
wait_rule journal_verify_failed && ok "a changed entry raises a critical alert" || fail "a changed entry raises a critical alert"
check "it names the entry" "journal_verify_failed-entry-7" "$(alerts | grep '^journal_verify_failed ' | cut -d' ' -f2)"

B journal verify --data "$data" >/dev/null && fail "the changed journal fails verification" ||
    ok "the changed journal fails verification"

echo "1..$n"
[ "$fails" -eq 0 ]
