#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-incident.sh BOLLARD SRCDIR SHARED_DIR - an incident exercise end to end
# on a demo terminal: real alerts raised by the server's detector (password
# guessing, a decoy container read, a decoy key used) and linked to the
# incident, notes of several kinds, a freeze while `bollard serve` runs and
# takes writes through the API, the frozen evidence verified, a tampered
# file named, reports in both languages and for both audiences (the
# checklist's rows present; the public report without addresses, account
# names, key ids or decoy ids; the sharing report with the addresses), close,
# the STIX 2.1 bundle (no organisation named) validated by an independent
# validator (ajv) against the OASIS schemas in SHARED_DIR/stix (skipped only
# when that folder is absent; node and ajv are required), and a freeze and
# report after a journal entry was tampered with.
set -u
bollard=${1:?usage: t-incident.sh BOLLARD SRCDIR SHARED_DIR}
src=${2:?usage: t-incident.sh BOLLARD SRCDIR SHARED_DIR}
shared=${3:?usage: t-incident.sh BOLLARD SRCDIR SHARED_DIR}
command -v curl >/dev/null || { echo "1..0 # SKIP curl not installed"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }

tmp=$(mktemp -d)
spid=""
wpid=""
n=0
fails=0
cleanup() {
    [ -n "$wpid" ] && kill "$wpid" 2>/dev/null
    [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    if [ -n "${BOL_TEST_KEEP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
check() { if eval "$2" >/dev/null 2>&1; then ok "$1"; else fail "$1"; return 1; fi; }
has() { grep -qF -- "$2" "$1"; }

# As root the server drops to the service user; the commands run as the data directory's owner.
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
B init --data "$data" --origin port.example/bollard >/dev/null || { echo "not ok - init"; exit 1; }
B demo-data --data "$data" --terminals 1 --fill 5 --moves 10 --trucks 5 >/dev/null ||
    { echo "not ok - demo-data"; exit 1; }
term=$(B journal show --data "$data" --limit 0 --json | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["terminal"]:
        print(e["terminal"]); break')
cat >"$tmp/security.json" <<'JSON'
{"incident": {"organization": "Example Container Terminal Co.", "industry": "port logistics",
              "size": "350 staff"},
 "alerts": {"webhook": {"url": "https://hooks.example/x", "secret_file": "do-not-copy.key"}}}
JSON
cp "$tmp/security.json" "$data/security.json"
head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$data/do-not-copy.key"
chmod 600 "$data/do-not-copy.key"
[ "$(id -u)" -eq 0 ] && chown bollard: "$data/security.json" "$data/do-not-copy.key"

# ---- real alerts: the server's detector journals them as alert.raised ----
B user add --data "$data" --user victim --roles clerk >"$tmp/victim.otp" || fail "user add victim"
clerk=$(B key create --data "$data" --name yard-gw --role clerk | sed -n 1p)
sec=$(B key create --data "$data" --name soc --role security | sed -n 1p)
clerk_id=$(echo "$clerk" | cut -d_ -f2)
decoy_box=$(B canary create --data "$data" --kind container --note "in the old EDI share")
decoy_key=$(B canary create --data "$data" --kind key | sed -n 2p)
decoy_key_id=$(echo "$decoy_key" | cut -d_ -f2)
[ -n "$clerk_id" ] && [ -n "$decoy_key_id" ] && [ -n "$decoy_box" ] && ok "accounts, keys and decoys made" ||
    fail "accounts, keys and decoys made"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$real" serve --data "$data" --listen "127.0.0.1:$port" --lockout 20,900,900 >"$tmp/serve.log" 2>&1 &
spid=$!
i=0
while ! curl -sk -o /dev/null "https://127.0.0.1:$port/healthz"; do
    i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
url="https://127.0.0.1:$port"
code() { curl -sk -o /dev/null -w '%{http_code}' "$url/healthz"; }
check "server answers" '[ "$(code)" = 200 ]' || sed 's/^/#   /' "$tmp/serve.log"
K() { key=$1; shift; curl -s --cacert "$data/tls.crt" -o "$tmp/body" -w '%{http_code}' -H "Authorization: Bearer $key" "$@"; }
for i in 1 2 3 4 5 6 7 8 9 10; do
    curl -s --cacert "$data/tls.crt" -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"user\":\"victim\",\"password\":\"wrong-password-$i\"}" "$url/api/v1/login"
done
check "the decoy container is not found" '[ "$(K "$clerk" "$url/api/v1/containers/$decoy_box")" = 404 ]'
check "the decoy key is refused" '[ "$(K "$decoy_key" "$url/api/v1/me")" = 401 ]'
alerts() { K "$sec" "$url/api/v1/alerts" >/dev/null && python3 -c 'import json, sys; [print(a["rule"], a["id"]) for a in json.load(open(sys.argv[1]))["alerts"]]' "$tmp/body"; }
i=0
until alerts >"$tmp/alerts.now" 2>/dev/null && grep -q '^brute_force ' "$tmp/alerts.now" &&
    [ "$(grep -c '^canary ' "$tmp/alerts.now")" -ge 2 ]; do
    i=$((i + 1)); [ $i -gt 60 ] && break; sleep 0.25
done
check "the detector raised brute force and two decoy alerts" \
    'grep -q "^brute_force " "$tmp/alerts.now" && [ "$(grep -c "^canary " "$tmp/alerts.now")" -ge 2 ]' ||
    sed 's/^/#   /' "$tmp/alerts.now"
linked=$(awk '$1 == "brute_force" || $1 == "canary" { printf " --alert %s", $2 }' "$tmp/alerts.now")

# ---- open and notes ----
# shellcheck disable=SC2086 # linked is a list of options
id=$(B incident open --data "$data" --title "Password guessing against the gate system" \
    --severity high --terminal "$term" --id INC-DRILL-1 $linked 2>"$tmp/err")
[ "$id" = INC-DRILL-1 ] && ok "incident opened" || { fail "incident opened"; cat "$tmp/err"; }
check "a second open with the same id is refused" \
    '! B incident open --data "$data" --title x --severity low --id INC-DRILL-1'
check "a bad severity is refused" '! B incident open --data "$data" --title x --severity huge'
nlinked=$(B journal show --data "$data" --limit 0 --json | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "incident.opened" and e["payload"]["incident"]["id"] == "INC-DRILL-1":
        print(len(e["payload"]["incident"]["alerts"]))')
check "the incident links the three alerts" '[ "${nlinked:-0}" -ge 3 ]'
note() { B incident note --data "$data" --id INC-DRILL-1 "$@"; }
check "attack note with an address and an account" \
    'note --kind attack --at 2026-03-01T01:02:03Z --text "Failed logins against the gate clerk account" --addr 198.51.100.23 --account gate.clerk'
check "malware note with a hash" \
    'note --kind malware --text "Loader on the gate PC" --hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
check "impact note" 'note --kind impact --text "Gate transactions delayed by 40 minutes"'
check "response note" 'note --kind response --text "Gate PC isolated from the network"'
check "weakness note released to sharing" \
    'note --kind weakness --text "Remote desktop exposed without MFA" --disclose sharing'
check "technique note" 'note --kind technique --text "Password spraying over the VPN"'
check "address note" 'note --kind address --text "C2 server" --addr 2001:db8::66'
check "a note of an unknown kind is refused" '! note --kind gossip --text x'
check "a bad address is refused" '! note --kind address --text x --addr 300.1.1.1'

# ---- freeze while the server runs and takes writes ----
box=$(B journal show --data "$data" --limit 0 --json | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "container.registered": print(e["payload"]["container"]["id"]); break')
: >"$tmp/writes"
(
    i=0
    while [ -d "$tmp" ] && [ ! -f "$tmp/stop" ]; do
        i=$((i + 1))
        for op in place lift; do
            c=$(curl -s --cacert "$data/tls.crt" -o /dev/null -w '%{http_code}' \
                -H "Authorization: Bearer $clerk" -H 'Content-Type: application/json' \
                -d "{\"id\":\"$box\",\"kind\":\"customs\",\"reason\":\"drill $i\"}" \
                "$url/api/v1/ops/hold.$op")
            echo "$op $c" >>"$tmp/writes"
        done
    done
) &
wpid=$!
i=0; while [ "$(wc -l <"$tmp/writes")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
before=$(wc -l <"$tmp/writes")
out=$(B incident freeze --data "$data" --id INC-DRILL-1 2>"$tmp/err")
after=$(wc -l <"$tmp/writes")
ev=$(echo "$out" | head -1)
[ -d "$ev" ] && ok "freeze while serving and writing" || { fail "freeze while serving and writing"; cat "$tmp/err"; }
i=0; while [ "$(wc -l <"$tmp/writes")" -lt $((after + 2)) ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
touch "$tmp/stop"; wait "$wpid"; wpid=""
check "writes went on during the freeze ($before before, $after after)" '[ "$after" -gt "$before" ]'
check "every write during the freeze succeeded ($(wc -l <"$tmp/writes") writes)" \
    '[ "$(wc -l <"$tmp/writes")" -ge 4 ] && [ -z "$(grep -v " 20[01]$" "$tmp/writes")" ]' ||
    sort "$tmp/writes" | uniq -c | sed 's/^/#   /'
check "server answers after the freeze" '[ "$(code)" = 200 ]'
check "every write is journaled" \
    '[ "$(B journal show --data "$data" --limit 0 --json | grep -c "\"hold\.lifted\"")" -ge "$(grep -c "^lift 20[01]" "$tmp/writes")" ]'
to=$(sed -n 's/^range [0-9]* \([0-9]*\)$/\1/p' "$ev/MANIFEST")
last=$(B journal show --data "$data" --limit 0 --json | tail -1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["seq"])')
check "the frozen range ends where the freeze read; the writes after it follow ($to < $last)" \
    '[ -n "$to" ] && [ "$last" -gt "$to" ] && [ "$(tail -1 "$ev/journal.jsonl" | python3 -c "import json, sys; print(json.load(sys.stdin)[\"seq\"])")" = "$to" ]'
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; spid=""
check "evidence folder is 0700" '[ "$(stat -c %a "$ev")" = 700 ]'
check "evidence files are 0600" '[ -z "$(find "$ev" -type f ! -perm 600)" ]'
for f in MANIFEST journal.jsonl checkpoints.jsonl alerts.json config.json incident.json \
    journal.pub host/facts.json host/proc-net-tcp.txt host/mounts.txt host/processes.txt; do
    check "evidence holds $f" '[ -f "$ev/$f" ]'
done
first=$(head -1 "$ev/journal.jsonl" | python3 -c 'import json, sys; print(json.load(sys.stdin)["seq"])')
check "the journal copy is the entries' canonical bytes" \
    '[ "$(head -5 "$ev/journal.jsonl")" = "$(B audit --data "$data" --from "$first" --limit 5)" ]'
check "no secret in the evidence" '! grep -rqF "$(cat "$data/do-not-copy.key")" "$ev"'
check "where the secret lives is redacted in the configuration copy" \
    'grep -q "\"secret_file\": \"\[redacted\]\"" "$ev/config.json"'
check "the configuration copy keeps the rest" 'grep -q "hooks.example" "$ev/config.json"'
check "no key file in the evidence" '! grep -rq PRIVATE "$ev"'
check "freeze is journaled" \
    'B journal show --data "$data" --limit 0 --json | grep -q "\"type\":\"incident.frozen\""'
check "no half-written freeze left" '[ -z "$(ls -A "$data/incidents/INC-DRILL-1" | grep tmp)" ]'

# ---- verify; tamper ----
B incident verify --data "$data" "$ev" >"$tmp/verify" 2>&1 && ok "evidence verifies" ||
    { fail "evidence verifies"; cat "$tmp/verify"; }
check "evidence verifies with the key given as a file" \
    'B incident verify --key "$data/journal.pub" "$ev"'
cp -a "$ev" "$tmp/tampered"
printf 'x' >>"$tmp/tampered/host/mounts.txt"
B incident verify --data "$data" "$tmp/tampered" >"$tmp/verify" 2>&1 && fail "a tampered file fails" ||
    { has "$tmp/verify" "host/mounts.txt" && ok "a tampered file fails, named" ||
        { fail "a tampered file fails, named"; cat "$tmp/verify"; }; }
cp -a "$ev" "$tmp/added"
echo x >"$tmp/added/extra.txt"
B incident verify --data "$data" "$tmp/added" >"$tmp/verify" 2>&1 && fail "an added file fails" ||
    { has "$tmp/verify" "extra.txt" && ok "an added file fails, named" || fail "an added file fails, named"; }
cp -a "$ev" "$tmp/resigned"
sed -i 's/^freeze 1$/freeze 2/' "$tmp/resigned/MANIFEST"
check "an edited manifest fails its signature" \
    '! B incident verify --data "$data" "$tmp/resigned"'

# ---- reports ----
rep() { B incident report --data "$data" --id INC-DRILL-1 "$@"; }
rep --kind sharing --lang ja >"$tmp/share-ja.md" 2>"$tmp/err" && ok "sharing report (ja)" ||
    { fail "sharing report (ja)"; cat "$tmp/err"; }
rep --kind public --lang ja >"$tmp/public-ja.md" && ok "public report (ja)" || fail "public report (ja)"
rep --kind sharing --lang en >"$tmp/share-en.md" && ok "sharing report (en)" || fail "sharing report (en)"
rep --kind public --lang en --format html --out "$tmp/public-en.html" && ok "public report (en, html)" ||
    fail "public report (en, html)"
rep --kind sharing --lang ja --format html --out "$tmp/share-ja.html" && ok "sharing report (ja, html)" ||
    fail "sharing report (ja, html)"
rep --kind public --lang en >"$tmp/public-en.md" && ok "public report (en)" || fail "public report (en)"
rep --kind public --lang ja --format html --out "$tmp/public-ja.html" && ok "public report (ja, html)" ||
    fail "public report (ja, html)"

# What the linked alerts bring: the public reports say what happened, never who or where.
for f in public-ja.md public-en.md public-ja.html public-en.html; do
    for secret in 127.0.0.1 victim "$clerk_id" "$decoy_key_id" "$decoy_box" "local:"; do
        check "public $f: no '$secret'" '! has "$tmp/$f" "$secret"'
    done
done
check "public: the alerts described by their rule (en)" \
    'has "$tmp/public-en.md" "Password guessing on one account" && has "$tmp/public-en.md" "A decoy was read or used"'
check "public: the alerts described in Japanese (ja)" \
    'has "$tmp/public-ja.md" "単一アカウントへのパスワード総当たり" && has "$tmp/public-ja.md" "囮 (デコイ) への参照・使用" && has "$tmp/public-ja.md" "重大度: 高"'
check "public ja: no English rule name or alert message" \
    '! has "$tmp/public-ja.md" "brute" && ! has "$tmp/public-ja.md" "failed logins" && ! has "$tmp/public-ja.md" "decoy"'
check "public: the attacked systems are the login, not a decoy" \
    'has "$tmp/public-en.md" "Login (authentication)" && ! has "$tmp/public-en.md" "$decoy_box"'
check "public: the malicious address marked as withheld" 'grep -q "item(s) withheld" "$tmp/public-en.md"'
check "sharing: the attacking address listed" 'has "$tmp/share-en.md" 127.0.0.1 && has "$tmp/share-ja.md" 127.0.0.1'
check "sharing: the account attacked and the key that read the decoy" \
    'has "$tmp/share-en.md" victim && has "$tmp/share-en.md" "key:$clerk_id"'
check "sharing: no decoy named" '! has "$tmp/share-en.md" "$decoy_box" && ! has "$tmp/share-ja.md" "$decoy_key_id"'
for row in タイミング 被害組織名 被害業種/規模 被害内容 対応のタイムライン 中間の情報 攻撃のタイムライン \
    攻撃対象システムについて 脆弱性悪用の情報等 攻撃技術情報 マルウェア 不正通信先 その他攻撃手法に関する情報; do
    check "rows: $row in every report" \
        'has "$tmp/share-ja.md" "$row" && has "$tmp/public-ja.md" "$row" && has "$tmp/share-en.md" "$row" && has "$tmp/public-en.html" "$row"'
done
check "rows in the checklist's order" \
    'python3 -c "import sys; t=open(sys.argv[1]).read(); r=sys.argv[2:]; sys.exit(0 if all(t.index(a) < t.index(b) for a, b in zip(r, r[1:])) else 1)" "$tmp/public-ja.md" "1. タイミング" "2. 被害内容・対応情報" "3. 被害組織名" "4. 被害業種/規模" "5. 被害内容 (" "6. 対応のタイムライン" "7. 中間の情報" "8. 攻撃のタイムライン" "9. 攻撃対象システムについて" "10. 脆弱性悪用の情報等" "11. 攻撃技術情報" "12. マルウェア" "13. 不正通信先" "14. その他攻撃手法に関する情報"'
check "sharing: malicious addresses listed" 'has "$tmp/share-en.md" 198.51.100.23 && has "$tmp/share-en.md" 2001:db8::66'
check "sharing: hash listed" 'has "$tmp/share-en.md" 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
check "sharing: the victim's name left out" '! has "$tmp/share-en.md" "Example Container Terminal"'
check "sharing: damage left out" '! has "$tmp/share-en.md" "delayed by 40 minutes"'
check "sharing: a note released to sharing shown" 'has "$tmp/share-en.md" "Remote desktop exposed"'
check "public: malicious addresses left out" \
    '! has "$tmp/public-en.html" 198.51.100.23 && ! has "$tmp/public-ja.md" 2001:db8::66'
check "public: malware hash left out" '! has "$tmp/public-ja.md" 9f86d081884c7d659a2f'
check "public: damage, organisation and response shown" \
    'has "$tmp/public-en.html" "delayed by 40 minutes" && has "$tmp/public-en.html" "Example Container Terminal" && has "$tmp/public-en.html" "Gate PC isolated"'
check "public: --include releases a row" \
    'rep --kind public --lang en --include address | grep -q 198.51.100.23'
check "html is escaped and whole" \
    'note --kind interim --text "<script>alert(1)</script> & more" && rep --kind public --lang en --format html | grep -q "&lt;script&gt;" && ! rep --kind public --lang en --format html | grep -q "<script>" && tail -1 "$tmp/public-en.html" | grep -q "</html>"'
mh=$(echo "$out" | sed -n 's/^manifest SHA-256 \([0-9a-f]*\),.*/\1/p')
check "the manifest's SHA-256 in the report" '[ -n "$mh" ] && has "$tmp/share-ja.md" "$mh"'

# ---- close ----
check "incident closed" 'B incident close --data "$data" --id INC-DRILL-1 --summary "Contained; passwords reset"'
check "a closed incident takes no notes" '! note --kind impact --text late'
check "a closed incident is not frozen again" '! B incident freeze --data "$data" --id INC-DRILL-1'
check "the closing summary in the public report" \
    'rep --kind public --lang en | grep -q "Contained; passwords reset"'
check "the journal still verifies" 'B journal verify --data "$data"'

# ---- STIX ----
rep --stix "$tmp/bundle.json" && ok "STIX bundle written" || fail "STIX bundle written"
check "bundle names the indicators" \
    "grep -q \"\\[ipv4-addr:value = '198.51.100.23'\\]\" \"\$tmp/bundle.json\" && grep -q \"ipv6-addr:value = '2001:db8::66'\" \"\$tmp/bundle.json\" && grep -q \"file:hashes.'SHA-256'\" \"\$tmp/bundle.json\" && grep -q \"user-account:account_login = 'gate.clerk'\" \"\$tmp/bundle.json\""
check "bundle names no organisation" \
    '! has "$tmp/bundle.json" "Example Container Terminal" && ! has "$tmp/bundle.json" port.example'
check "bundle carries no decoy" '! has "$tmp/bundle.json" "$decoy_box" && ! has "$tmp/bundle.json" "$decoy_key_id"'
check "bundle names the attacking address" "grep -q \"ipv4-addr:value = '127.0.0.1'\" \"\$tmp/bundle.json\""
check "the organisation only when asked for" \
    'rep --stix "$tmp/bundle-named.json" --name-organization && has "$tmp/bundle-named.json" "Example Container Terminal"'
# make check installs node and ajv: without them this fails; only the shared schemas may be absent.
if [ ! -d "$shared/stix/schemas" ]; then
    ok "STIX schema validation # SKIP no STIX schemas in $shared/stix/schemas"
elif ! command -v node >/dev/null; then
    fail "STIX schema validation: node not installed (scripts/install-deps)"
elif [ ! -f "$src/tests/interop/node_modules/ajv/package.json" ] ||
    [ ! -f "$src/tests/interop/node_modules/ajv-formats/package.json" ]; then
    fail "STIX schema validation: ajv not in $src/tests/interop/node_modules (npm ci there)"
else
    NODE_PATH="$src/tests/interop/node_modules" node "$src/tests/interop/stix.js" \
        "$shared/stix/schemas" "$tmp/bundle.json" >"$tmp/stix.tap" 2>&1 &&
        ok "STIX bundle valid against the STIX 2.1 schemas (ajv)" ||
        { fail "STIX bundle valid against the STIX 2.1 schemas (ajv)"; sed 's/^/# /' "$tmp/stix.tap"; }
fi

# ---- a journal entry tampered with: evidence can still be preserved, and reported ----
check "a second incident opened" \
    'B incident open --data "$data" --title "Journal tampering" --severity critical --id INC-DRILL-2'
python3 - "$data/bollard.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
e = c.execute("SELECT entry FROM journal WHERE seq = 7").fetchone()[0]
c.execute("UPDATE journal SET entry = ? WHERE seq = 7", (bytes(e).replace(b'"v":1', b'"v":1 ', 1),))
c.commit()
EOF
check "the tampered journal fails verification" '! B journal verify --data "$data"'
out=$(B incident freeze --data "$data" --id INC-DRILL-2 --from 1 2>"$tmp/err")
ev2=$(echo "$out" | head -1)
[ -d "$ev2" ] && ok "freeze after tampering" || { fail "freeze after tampering"; cat "$tmp/err"; }
check "freeze names the damaged entry" 'echo "$out" | grep -q "^undecodable entries.*: 7$"'
check "the manifest names it" 'grep -qx "undecodable 7" "$ev2/MANIFEST"'
python3 - "$ev2" >"$tmp/undecodable" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1] + "/journal-undecodable.json"))
print("seqs", [e["seq"] for e in d["entries"]])
e = d["entries"][0]
raw = open(sys.argv[1] + "/journal.jsonl", "rb").read()[e["offset"]:e["offset"] + e["size"]]
print("bytes", raw.startswith(b'{"v":1 ,'))
EOF
check "journal-undecodable.json names it" 'grep -qx "seqs \[7\]" "$tmp/undecodable"'
check "its bytes are kept as they were" 'grep -qx "bytes True" "$tmp/undecodable"'
B incident verify --data "$data" "$ev2" >"$tmp/verify" 2>&1 && ok "the evidence verifies" ||
    { fail "the evidence verifies"; cat "$tmp/verify"; }
check "verify names the damaged entry" 'grep -q "undecodable entries preserved as they were: 7$" "$tmp/verify"'
B incident report --data "$data" --id INC-DRILL-2 --kind sharing --lang en >"$tmp/share2-en.md" 2>"$tmp/err" &&
    ok "sharing report after tampering" || { fail "sharing report after tampering"; cat "$tmp/err"; }
check "the sharing report names the damaged entry" 'grep -q "cannot be decoded.*entry 7" "$tmp/share2-en.md"'
check "and in Japanese" \
    'B incident report --data "$data" --id INC-DRILL-2 --kind sharing --lang ja | grep -q "解読できない.*記録番号 7"'
check "the STIX bundle after tampering" 'B incident report --data "$data" --id INC-DRILL-2 --stix "$tmp/bundle2.json"'

echo "1..$n"
[ $fails -eq 0 ]

