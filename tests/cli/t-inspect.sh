#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-inspect.sh BOLLARD - bollard inspect on the demo terminal: a known set of
# seeded misconfigurations is reported and nothing else; after they are
# fixed, a re-run shows them as fixed (and the fixes as configuration
# drift), and a third run is back to the baseline.
#
# Seeded: four admins (one more than the policy allows), one of them
# without MFA; a clerk whose chosen password passes the rules but is weak;
# a dormant clerk (its credential row backdated 200 days with the sqlite3
# tool, behind bollard's back: there is no clock to move); an API key valid
# for 366 days, the longest allowed (policy: 365); a key created 200 days
# ago and never used (backdated the same way); tls.key and the webhook's
# HMAC secret readable by everyone; host facts (a fixture) with SSH, SMB,
# Telnet, PostgreSQL (TCP) and RDP (UDP only) listening beyond loopback;
# and a TLS endpoint (gnutls-serv) that still accepts TLS 1.0 and 1.1, probed
# beside bollard serve's own, which must pass.  The demo terminal has no
# replica, so drill.unknown and replica.missing stay.  --schedule writes
# units that systemd-analyze accepts.
set -u
bollard=${1:?usage: t-inspect.sh BOLLARD}
for t in curl python3 sqlite3 gnutls-serv; do
    command -v $t >/dev/null || { echo "1..0 # SKIP $t not installed"; exit 0; }
done

tmp=$(mktemp -d)
pid=""
gpid=""
fails=0
n=0
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    [ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
check() { # check WHAT EXPECTED GOT
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; printf '#   expected: %s\n#   got:      %s\n' "$2" "$3"; fi
}

# As root, everything runs as the service user, so the files are its own.
real=$bollard
owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
    id bollard >/dev/null 2>&1 || { echo "1..0 # SKIP no user bollard (scripts/install-deps)"; exit 0; }
    chmod 755 "$tmp"
    chown bollard: "$tmp"
    bollard="$tmp/as-bollard"
    printf '#!/bin/sh\nexec runuser -u bollard -- "%s" "$@"\n' "$real" >"$bollard"
    chmod 755 "$bollard"
    owner=bollard
fi
data="$tmp/data"
"$bollard" init --data "$data" --origin test/bollard >/dev/null || exit 1
"$bollard" demo-data --data "$data" --terminals 1 --fill 5 --moves 10 --trucks 5 >/dev/null || exit 1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="https://127.0.0.1:$port"
"$real" serve --data "$data" --listen "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
i=0
until curl -sk -o /dev/null "$url/healthz"; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "not ok - server did not start"; cat "$tmp/serve.log"; exit 1; }
    sleep 0.1
done

# first login with the one-time password, choose a password, enrol MFA if asked
person() { # person USER OTP NEWPASSWORD mfa|nomfa
    python3 - "$url" "$data/tls.crt" "$@" <<'EOF'
import base64, hashlib, hmac, http.cookiejar, json, ssl, struct, sys, time, urllib.request
url, ca, user, otp, new, mfa = sys.argv[1:]
jar = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca)),
                                 urllib.request.HTTPCookieProcessor(jar))
def post(path, body, csrf=None):
    h = {"Content-Type": "application/json"} if body is not None else {}
    if csrf: h["X-CSRF-Token"] = csrf
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, headers=h, method="POST")
    try:
        with op.open(req, timeout=10) as r: return json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit("%s %s: %s %s" % (user, path, e.code, e.read().decode()))
csrf = post("/api/v1/login", {"user": user, "password": otp})["csrf_token"]
csrf = post("/api/v1/me/password", {"current": otp, "new": new}, csrf)["csrf_token"]
if mfa == "mfa":
    s = post("/api/v1/me/mfa/enroll", None, csrf)["secret"].upper()
    key = base64.b32decode(s + "=" * (-len(s) % 8))
    h = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    o = h[-1] & 15
    post("/api/v1/me/mfa/confirm", {"code": "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7fffffff) % 1000000)}, csrf)
EOF
}
add() { "$bollard" user add --data "$data" --user "$1" --roles "$2" | head -1; }

# ---- the seeded misconfigurations ----
i=0
for a in harbour.admin yard.admin night.admin; do
    i=$((i + 1))
    person "$a" "$(add "$a" admin)" "berth three tide tables $i" mfa || fail "set up $a"
done
add spare.admin admin >/dev/null
person gate.clerk "$(add gate.clerk clerk)" "sunshine12345" mfa && ok "a weak password passes the rules" || fail "a weak password passes the rules"
add old.clerk clerk >/dev/null
sqlite3 "$data/bollard.db" "UPDATE cred_password SET changed_at_us = changed_at_us - 200 * 86400000000 WHERE user_name = 'old.clerk'"
key=$("$bollard" key create --data "$data" --name edi-partner --role line --line MSC --days 366 | sed -n 2p | awk '{print $2}')
oldkey=$("$bollard" key create --data "$data" --name old-feed --role clerk --days 100 | sed -n 2p | awk '{print $2}')
sqlite3 "$data/bollard.db" "UPDATE apikey SET doc = json_set(doc, '\$.created', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-200 days')) WHERE id = '$oldkey'"
chmod 644 "$data/tls.key"
umask 022
printf '0123456789abcdef0123456789abcdef' >"$data/webhook.secret"
echo '{"alerts": {"webhook": {"url": "https://127.0.0.1:9/alerts", "secret_file": "webhook.secret"}}}' >"$data/security.json"
chmod 600 "$data/security.json"
[ "$(id -u)" -eq 0 ] && chown bollard: "$data/webhook.secret" "$data/security.json"

# an alert nobody acknowledged: ten failed logins on one account (brute
# force), the alert's last sighting then backdated eight days
for i in 1 2 3 4 5 6 7 8 9 10; do
    curl -s --cacert "$data/tls.crt" -o /dev/null -H 'Content-Type: application/json' \
        -d '{"user": "night.admin", "password": "not the password '$i'"}' "$url/api/v1/login"
done
alert=""
i=0
while [ -z "$alert" ] && [ $i -lt 100 ]; do
    alert=$(sqlite3 "$data/bollard.db" "SELECT id FROM alert WHERE doc LIKE '%brute_force%'" 2>/dev/null)
    [ -z "$alert" ] && sleep 0.1
    i=$((i + 1))
done
[ -n "$alert" ] && ok "the brute force raised an alert" || fail "the brute force raised an alert"
sqlite3 "$data/bollard.db" "UPDATE alert SET doc = json_set(doc, '\$.last', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-8 days')) WHERE id = '$alert'"

# a TLS endpoint: old protocols first, then (the fix) TLS 1.2 and 1.3 only
tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tls_endpoint() { # tls_endpoint PRIORITY
    [ -n "$gpid" ] && kill "$gpid" 2>/dev/null && wait "$gpid" 2>/dev/null
    gnutls-serv --x509keyfile "$data/tls.key" --x509certfile "$data/tls.crt" -p "$tport" \
        --priority "$1" >/dev/null 2>&1 &
    gpid=$!
    python3 - "$tport" <<'EOF' || fail "gnutls-serv listens"
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close(); sys.exit(0)
    except OSError: time.sleep(0.1)
sys.exit(1)
EOF
}
tls_endpoint 'NORMAL:+VERS-TLS1.0:+VERS-TLS1.1'
cat >"$tmp/host.json" <<'EOF'
{"sockets": [{"proto": "tcp", "addr": "0.0.0.0", "port": 22},
             {"proto": "udp6", "addr": "::", "port": 3389},
             {"proto": "tcp", "addr": "0.0.0.0", "port": 445},
             {"proto": "tcp6", "addr": "::", "port": 23},
             {"proto": "udp", "addr": "0.0.0.0", "port": 22},
             {"proto": "tcp", "addr": "0.0.0.0", "port": 5432},
             {"proto": "tcp", "addr": "127.0.0.1", "port": 6379},
             {"proto": "tcp6", "addr": "::1", "port": 5432},
             {"proto": "tcp", "addr": "127.0.0.1", "port": 8443}]}
EOF
echo '{"sockets": [{"proto": "tcp", "addr": "127.0.0.1", "port": 8443}]}' >"$tmp/host-fixed.json"

ids() { # ids FILE: "status id" per finding, then "fixed id"
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]: print(f["status"], f["id"])
for f in d["fixed"]: print("fixed", f)' "$1"
}
run() { # run OUT HOSTFILE
    "$bollard" inspect --data "$data" --owner "$owner" --host-facts "$2" --json --html "$tmp/$1.html" \
        --endpoint "127.0.0.1:$tport" --endpoint "127.0.0.1:$port" >"$tmp/$1.json"
}

run 1 "$tmp/host.json"
check "first run exits 1 (findings at or above high)" "1" "$?"
check "first run: exactly the seeded findings" "new account.dormant:old.clerk
new admins.too_many
new alerts.unacknowledged
new apikey.long_expiry:$key
new apikey.old:$oldkey
new apikey.unused:$oldkey
new drill.unknown
new file.mode:tls.key
new file.mode:webhook-secret
new mfa.missing:old.clerk
new mfa.missing:spare.admin
new password.weak:gate.clerk
new port.exposed:22
new port.exposed:23
new port.exposed:3389
new port.exposed:445
new port.exposed:5432
new replica.missing
new tls.protocol_old:127.0.0.1:$tport" "$(ids "$tmp/1.json")"
python3 - "$tmp/1.json" "$oldkey" "$tport" <<'EOF' && ok "each finding has its clause, remediation and severity" || fail "each finding has its clause, remediation and severity"
import json, sys
d = json.load(open(sys.argv[1]))
want = {"password.weak:gate.clerk": ("5.4.6", "medium"), "file.mode:tls.key": ("5.4.3", "critical"),
        "port.exposed:3389": ("5.4.2", "high"), "port.exposed:22": ("5.4.2", "medium"),
        "mfa.missing:spare.admin": ("5.4.2", "high"), "admins.too_many": ("5.4.6", "medium"),
        "port.exposed:23": ("5.4.2", "critical"), "port.exposed:445": ("5.4.2", "high"),
        "file.mode:webhook-secret": ("5.4.3", "critical"), "apikey.old:" + sys.argv[2]: ("5.4.2", "medium"),
        "alerts.unacknowledged": ("4.7.2", "medium")}
tport = sys.argv[3]
want["tls.protocol_old:127.0.0.1:" + tport] = ("5.4.4", "high")
got = {f["id"]: (f["clause"], f["severity"]) for f in d["findings"]}
assert all(got[k] == v for k, v in want.items()), got
assert all(f["remediation"] and f["detail"] for f in d["findings"])
det = {f["id"]: f["detail"] for f in d["findings"]}
assert det["tls.protocol_old:127.0.0.1:" + tport] == "127.0.0.1:%s accepts TLS1.0 TLS1.1" % tport, det
assert "(UDP)" in det["port.exposed:3389"] and "0.0.0.0" not in det["port.exposed:3389"], det
assert det["alerts.unacknowledged"].startswith("1 alert(s) open for more than 7 days"), det
assert d["counts"] == {"critical": 3, "high": 6, "medium": 10, "low": 0}, d["counts"]
assert d["profile"]["response"] == {"current": 2, "target": 3}, d["profile"]
assert d["profile"]["identity"] == {"current": 1, "target": 3}
assert d["profile"]["crypto"] == {"current": 0, "target": 3}
assert d["profile"]["monitoring"] == {"current": 4, "target": 3}
EOF
grep -q "sunshine" "$data/bollard.db" "$tmp/1.json" "$tmp/1.html" && fail "the weak password is stored nowhere" || ok "the weak password is stored nowhere"
"$bollard" journal show --data "$data" --limit 0 --json | grep -c '"inspect.completed"' | grep -qx 1 && ok "the run is journaled" || fail "the run is journaled"

# ---- fix them ----
"$bollard" user lock --data "$data" --user spare.admin --reason "one admin too many" >/dev/null
"$bollard" user lock --data "$data" --user old.clerk --reason "dormant" >/dev/null
"$bollard" user reset-password --data "$data" --user gate.clerk --reason "weak password" >/dev/null
"$bollard" key revoke --data "$data" --id "$key" --reason "valid too long" >/dev/null
"$bollard" key revoke --data "$data" --id "$oldkey" --reason "unused" >/dev/null
"$bollard" alert ack --data "$data" --id "$alert" --note "night.admin mistyped; confirmed by phone" >/dev/null
chmod 600 "$data/tls.key" "$data/webhook.secret"
tls_endpoint 'NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2'

run 2 "$tmp/host-fixed.json"
check "after the fixes exit 0 (replica.missing is high: --fail-on critical)" "0" "$("$bollard" inspect --data "$data" --owner "$owner" --host-facts "$tmp/host-fixed.json" --no-record --fail-on critical >/dev/null; echo $?)"
check "second run: the seeded ones fixed, the fixes seen as drift" "new drift:accounts
new drift:keys
open drill.unknown
open replica.missing
fixed account.dormant:old.clerk
fixed admins.too_many
fixed alerts.unacknowledged
fixed apikey.long_expiry:$key
fixed apikey.old:$oldkey
fixed apikey.unused:$oldkey
fixed file.mode:tls.key
fixed file.mode:webhook-secret
fixed mfa.missing:old.clerk
fixed mfa.missing:spare.admin
fixed password.weak:gate.clerk
fixed port.exposed:22
fixed port.exposed:23
fixed port.exposed:3389
fixed port.exposed:445
fixed port.exposed:5432
fixed tls.protocol_old:127.0.0.1:$tport" "$(ids "$tmp/2.json")"
run 3 "$tmp/host-fixed.json"
check "third run: the baseline" "open drill.unknown
open replica.missing
fixed drift:accounts
fixed drift:keys" "$(ids "$tmp/3.json")"

# ---- bad input changes nothing ----
before=$("$bollard" journal show --data "$data" --limit 0 --json | wc -l)
echo '{"sockets": [{"proto": "tcp", "addr": "0.0.0.0", "port": 99999}]}' >"$tmp/bad.json"
"$bollard" inspect --data "$data" --owner "$owner" --host-facts "$tmp/bad.json" >/dev/null 2>"$tmp/err"
check "bad host facts: exit 1" "1" "$?"
grep -q "bad.json: sockets\[0\]: 'port'" "$tmp/err" && ok "the error names the file and field" || { fail "the error names the file and field"; sed 's/^/#   /' "$tmp/err"; }
umask 077
echo '{"inspect": {"dormant_days": 0}}' >"$data/security.json"
[ "$(id -u)" -eq 0 ] && chown bollard: "$data/security.json"
"$bollard" inspect --data "$data" --owner "$owner" --host-facts "$tmp/host-fixed.json" >/dev/null 2>"$tmp/err"
check "bad policy: exit 1" "1" "$?"
grep -q "security.json: section 'inspect': 'dormant_days'" "$tmp/err" && ok "the error names the section and member" || { fail "the error names the section and member"; sed 's/^/#   /' "$tmp/err"; }
check "nothing was journaled" "$before" "$("$bollard" journal show --data "$data" --limit 0 --json | wc -l)"
echo '{"inspect": {"target": {"identity": 4}}}' >"$data/security.json"
"$bollard" inspect --data "$data" --owner "$owner" --host-facts "$tmp/host-fixed.json" --json >"$tmp/4.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["profile"]["identity"] == {"current": 4, "target": 4}, d["profile"]
assert [f["id"] for f in d["findings"]] == ["alerts.no_delivery", "drift:security.json", "drill.unknown", "replica.missing"], d["findings"]
assert d["profile"]["response"] == {"current": 1, "target": 3}, d["profile"]' "$tmp/4.json" &&
    ok "the target profile, drift of security.json, alerts without a destination" || fail "the target profile, drift of security.json, alerts without a destination"

# ---- the endpoint probe: unreachable, and bad input ----
kill "$gpid" 2>/dev/null; wait "$gpid" 2>/dev/null; gpid=""
"$bollard" inspect --data "$data" --owner "$owner" --host-facts "$tmp/host-fixed.json" --no-record \
    --json --endpoint "127.0.0.1:$tport" >"$tmp/5.json"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["findings"] if f["id"].startswith("tls.")]
assert [x["id"] for x in f] == ["tls.endpoint_unreachable:127.0.0.1:" + sys.argv[2]], f
assert "could not be probed" in f[0]["detail"], f' "$tmp/5.json" "$tport" &&
    ok "an endpoint that does not answer is a finding" || fail "an endpoint that does not answer is a finding"
"$bollard" inspect --data "$data" --owner "$owner" --no-record --endpoint "no-port-here" >/dev/null 2>"$tmp/err"
check "a malformed --endpoint: usage error" "2" "$?"
grep -q "endpoint 'no-port-here': give HOST:PORT" "$tmp/err" && ok "the error says what is wrong" || fail "the error says what is wrong"

# ---- --schedule ----
mkdir "$tmp/units" "$tmp/rep"
"$real" inspect --schedule "$tmp/units" --data "$data" --replica "$tmp/rep" --endpoint "tos.example:443" >"$tmp/sched.out"
check "--schedule writes the two units" "bollard-inspect.service
bollard-inspect.timer" "$(ls "$tmp/units")"
grep -qx "ExecStart=$(realpath "$real") inspect --data $(realpath "$data") --replica $(realpath "$tmp/rep") --endpoint tos.example:443 --html $(realpath "$data")/inspect-report.html" "$tmp/units/bollard-inspect.service" &&
    ok "the service runs inspect with the data, replica and endpoint" || { fail "the service runs inspect with the data, replica and endpoint"; grep ExecStart "$tmp/units/bollard-inspect.service" | sed 's/^/#   /'; }
grep -qx "OnCalendar=monthly" "$tmp/units/bollard-inspect.timer" && ok "the timer is monthly" || fail "the timer is monthly"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify "$tmp/units/bollard-inspect.service" "$tmp/units/bollard-inspect.timer" >"$tmp/verify.out" 2>&1 &&
        ok "systemd-analyze verify accepts the units" || { fail "systemd-analyze verify accepts the units"; sed 's/^/#   /' "$tmp/verify.out"; }
else
    ok "systemd-analyze verify accepts the units # SKIP systemd-analyze not installed"
fi
"$real" inspect --schedule "$tmp/units" --data "$data" --endpoint 'a b:1' >/dev/null 2>&1
check "--schedule refuses an endpoint with a space" "2" "$?"

echo "1..$n"
[ "$fails" -eq 0 ]
