#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-detect.sh BOLLARD - detection over real HTTPS: normal demo traffic raises
# nothing; then each attack pattern is driven through the API (brute force,
# password spraying, success after failures, mass updates, bulk export,
# decoy container / account / key, a key created outside the change window,
# admin work outside working hours, a new admin, a logging gap after kill -9)
# and each alert is checked: raised once, with evidence entries of the right
# kind in the journal, delivered to a syslog collector (RFC 5424 over UDP)
# and to a webhook (HMAC-SHA256 signed, retried after a refusal), listed and
# acknowledged through the alerts API.
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

# ---- receivers: syslog over UDP, a webhook that refuses its first delivery ----
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
import hashlib, hmac, http.server, json, os, sys
portfile, out, keyfile = sys.argv[1:]
key = open(keyfile, "rb").read().strip()
seen = {"n": 0}
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ts = self.headers.get("X-Bollard-Timestamp", "")
        sig = self.headers.get("X-Bollard-Signature", "")
        good = "sha256=" + hmac.new(key, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        seen["n"] += 1
        refuse = seen["n"] == 1
        rec = {"sig": hmac.compare_digest(sig, good), "refused": refuse,
               "delivery": self.headers.get("X-Bollard-Delivery"),
               "event": self.headers.get("X-Bollard-Event"), "body": json.loads(body)}
        with open(out, "a") as f: f.write(json.dumps(rec) + "\n")
        self.send_response(503 if refuse else 204); self.end_headers()
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_port)); os.rename(portfile + ".tmp", portfile)
s.serve_forever()
EOF
helpers="$helpers $!"
i=0; while { [ ! -s "$tmp/hook.port" ] || [ ! -s "$tmp/syslog.port" ]; } && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

# Working hours and the change window both start three hours from now
# (Tokyo time), so everything an admin does now is outside them.
from=$(TZ=Asia/Tokyo date -d '+3 hours' +%H:00)
to=$(TZ=Asia/Tokyo date -d '+4 hours' +%H:00)
cat >"$data/security.json" <<EOF
{
  "detect": {
    "mass_change": {"n": 40, "window_s": 300},
    "bulk_export": {"n": 15, "window_s": 600},
    "logging_gap": {"window_s": 4}
  },
  "terminals": {
    "*": {"tz": "Asia/Tokyo",
          "working_hours": [{"days": "*", "from": "$from", "to": "$to"}],
          "change_windows": [{"days": "*", "from": "$from", "to": "$to"}]}
  },
  "alerts": {
    "syslog": {"url": "udp://127.0.0.1:$(cat "$tmp/syslog.port")", "hostname": "tos1"},
    "webhook": {"url": "http://127.0.0.1:$(cat "$tmp/hook.port")/hook", "secret_file": "webhook.key",
                "attempts": 5, "backoff_max_s": 2}
  }
}
EOF
[ "$(id -u)" -eq 0 ] && chown bollard: "$data/security.json"

# Accounts and keys made before the server first starts: not evaluated.
B user add --data "$data" --user victim --roles clerk >"$tmp/victim.otp" || fail "user add victim"
B user add --data "$data" --user boss --roles admin >"$tmp/boss.otp" || fail "user add boss"
clerk=$(B key create --data "$data" --name yard-gw --role clerk | sed -n 1p)
sec=$(B key create --data "$data" --name soc --role security | sed -n 1p)
decoy_box=$(B canary create --data "$data" --kind container --note "in the old EDI share")
B canary create --data "$data" --kind user --id backup-admin >/dev/null || fail "canary user"
decoy_key=$(B canary create --data "$data" --kind key | sed -n 2p)
check "a decoy key is printed" "64" "${#decoy_key}"

port=$(free_port)
start_server() {
    "$real" serve --data "$data" --listen "127.0.0.1:$port" --lockout 20,900,900 --verify-every 2 \
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
login() { S -H 'Content-Type: application/json' -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$url/api/v1/login"; }

# ---- normal work through the API: still nothing ----
box=$(B journal show --data "$data" --limit 0 --json | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "container.registered": print(e["payload"]["container"]["id"]); break')
check "a clerk reads a container" "200" "$(K "$clerk" "$url/api/v1/containers/$box")"
check "a clerk reads the inventory" "200" "$(K "$clerk" "$url/api/v1/terminals/DCT1/inventory")"
check "a clerk reads 20 dwell rows" "200" "$(K "$clerk" "$url/api/v1/terminals/DCT1/dwell?limit=20")"
sleep 1.5
check "normal traffic raised no alert" "" "$(alerts)"

# ---- brute force, then a success: 10 failures on one account ----
for i in 1 2 3 4 5 6 7 8 9 10; do login victim "wrong-password-$i" >/dev/null; done
wait_rule brute_force && ok "brute force raised" || fail "brute force raised"
check "a login with the right password" "200" "$(login victim "$(head -1 "$tmp/victim.otp")")"
wait_rule success_after_failures && ok "success after failures raised" || fail "success after failures raised"

# ---- spraying: ten account names from one address ----
for u in ann bob cat dan eve fay gus hal ivy jon; do login "$u" "Summer2026!" >/dev/null; done
wait_rule spraying && ok "password spraying raised" || fail "password spraying raised"

# ---- mass updates: 41 hold changes by one key in a minute ----
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

# ---- a key outside the change window; a new admin; an admin at night ----
B key create --data "$data" --name late-key --role clerk >/dev/null
wait_rule key_outside_window && ok "key outside the change window raised" || fail "key outside the change window raised"
B user add --data "$data" --user boss2 --roles admin >/dev/null
wait_rule privilege_escalation && ok "new admin raised" || fail "new admin raised"
login boss "$(head -1 "$tmp/boss.otp")" >/dev/null
C -c "$tmp/jar" -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"user\":\"boss\",\"password\":\"$(head -1 "$tmp/boss.otp")\"}" "$url/api/v1/login"
csrf=$(python3 -c 'import json; print(json.load(open("'"$tmp/body"'")).get("csrf_token",""))')
S -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d "{\"current\":\"$(head -1 "$tmp/boss.otp")\",\"new\":\"quay crane forty two at dawn\"}" \
    "$url/api/v1/me/password" >/dev/null
wait_rule off_hours_admin && ok "admin work outside working hours raised" || fail "admin work outside working hours raised"

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
        "key_outside_window": {"apikey.created"}, "privilege_escalation": {"account.created"},
        "off_hours_admin": None, "logging_gap": None}
raised = {}
for a in alerts:
    raised.setdefault(a["rule"], []).append(a)
    types = {entries[s]["type"] for s in a["evidence"]}
    ok = a["evidence"] and all(s in entries for s in a["evidence"])
    if want.get(a["rule"]) is not None:
        ok = ok and types <= want[a["rule"]]
    if a["rule"] == "brute_force":
        ok = ok and a["count"] >= 10 and all(entries[s]["payload"].get("user") == "victim" for s in a["evidence"])
    if a["rule"] == "logging_gap":
        ok = ok and entries[a["evidence"][-1]]["type"] == "service.started"
    if a["rule"] == "off_hours_admin":
        ok = ok and a["subject"]["actor"] == "user:boss"
    # the alert.raised entry that holds it
    ok = ok and any(e["type"] == "alert.raised" and e["payload"]["alert"]["id"] == a["id"] for e in entries.values())
    print(a["rule"], "ok" if ok else "BAD", sorted(types))
for r in want:
    print(r, "count", len(raised.get(r, [])))
EOF
for r in brute_force spraying success_after_failures mass_change bulk_export canary \
    key_outside_window privilege_escalation off_hours_admin logging_gap; do
    if grep "^$r " "$tmp/evidence.out" | grep -q BAD; then
        fail "$r: evidence entries"; grep "^$r " "$tmp/evidence.out"
    else
        ok "$r: evidence entries in the journal"
    fi
done
check "brute force raised once" "brute_force count 1" "$(grep '^brute_force count' "$tmp/evidence.out")"
check "mass change raised once" "mass_change count 1" "$(grep '^mass_change count' "$tmp/evidence.out")"
total=$(python3 -c 'import json; print(len(json.load(open("'"$tmp/alerts.json"'"))["alerts"]))')

# ---- delivery ----
# Delivery is at least once: an alert journaled just before kill -9 may go out again after it.
syslog_ids() { grep -a ' alert.raised ' "$tmp/syslog.got" 2>/dev/null | grep -o '"id":"[a-z_]*-[0-9]*' | sort -u | wc -l; }
i=0
while [ "$(syslog_ids)" -lt "$total" ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
check "every alert reached syslog" "$total" "$(syslog_ids)"
grep ' alert.raised ' "$tmp/syslog.got" | grep -q '^<107>1 [0-9T:.Z-]* tos1 bollard - alert.raised \[origin software="bollard"' &&
    ok "RFC 5424 form, severity error for high alerts" || { fail "RFC 5424 form"; head -2 "$tmp/syslog.got"; }
i=0
while [ "$(python3 -c 'import json,sys; print(len({json.loads(l)["body"]["alert"]["id"] for l in open(sys.argv[1]) if not json.loads(l)["refused"]}))' "$tmp/hook.got")" -lt "$total" ] && [ $i -lt 60 ]; do
    sleep 0.25; i=$((i + 1))
done
python3 - "$tmp/hook.got" "$tmp/alerts.json" >"$tmp/hook.out" <<'EOF'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
ids = {a["id"] for a in json.load(open(sys.argv[2]))["alerts"]}
delivered = {g["body"]["alert"]["id"] for g in got if not g["refused"]}
print("signed", all(g["sig"] for g in got))
print("missing", sorted(ids - delivered))
first = got[0]["body"]["alert"]["id"]
print("retried", got[0]["refused"] and any(g["body"]["alert"]["id"] == first and not g["refused"] for g in got[1:]))
print("headers", all(g["event"] == g["body"]["event"] and g["delivery"] == str(g["body"]["seq"]) for g in got))
EOF
check "every webhook delivery signed (HMAC-SHA256)" "signed True" "$(grep '^signed' "$tmp/hook.out")"
check "every alert reached the webhook" "missing []" "$(grep '^missing' "$tmp/hook.out")"
check "a refused delivery is retried" "retried True" "$(grep '^retried' "$tmp/hook.out")"
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
B journal replay --data "$data" >/dev/null && ok "journal replay" || fail "journal replay"
check "replay trips no decoy" "$before" "$(B journal show --data "$data" --limit 0 --json | grep -c '"canary.tripped"')"
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
