#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-incident.sh BOLLARD SRCDIR SHARED_DIR - an incident exercise end to end
# on a demo terminal: open, notes of several kinds, a freeze while
# `bollard serve` runs and answers, the frozen evidence verified, a tampered
# file named, reports in both languages and for both audiences (the
# checklist's rows present, the public report without what the checklist
# keeps to sharing), close, and the STIX 2.1 bundle validated by an
# independent validator (ajv) against the OASIS schemas in SHARED_DIR/stix
# (that part skipped when the shared folder or node is absent).
set -u
bollard=${1:?usage: t-incident.sh BOLLARD SRCDIR SHARED_DIR}
src=${2:?usage: t-incident.sh BOLLARD SRCDIR SHARED_DIR}
shared=${3:?usage: t-incident.sh BOLLARD SRCDIR SHARED_DIR}
command -v curl >/dev/null || { echo "1..0 # SKIP curl not installed"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }

tmp=$(mktemp -d)
spid=""
n=0
fails=0
cleanup() {
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

# ---- open and notes ----
id=$(B incident open --data "$data" --title "Password guessing against the gate system" \
    --severity high --terminal "$term" --id INC-DRILL-1 2>"$tmp/err")
[ "$id" = INC-DRILL-1 ] && ok "incident opened" || { fail "incident opened"; cat "$tmp/err"; }
check "a second open with the same id is refused" \
    '! B incident open --data "$data" --title x --severity low --id INC-DRILL-1'
check "a bad severity is refused" '! B incident open --data "$data" --title x --severity huge'
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

# ---- freeze while the server runs and answers ----
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$real" serve --data "$data" --listen "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
spid=$!
i=0
while ! curl -sk -o /dev/null "https://127.0.0.1:$port/healthz"; do
    i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
done
code() { curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/healthz"; }
check "server answers before the freeze" '[ "$(code)" = 200 ]' ||
    sed 's/^/#   /' "$tmp/serve.log"
out=$(B incident freeze --data "$data" --id INC-DRILL-1 2>"$tmp/err")
ev=$(echo "$out" | head -1)
[ -d "$ev" ] && ok "freeze while serving" || { fail "freeze while serving"; cat "$tmp/err"; }
check "server answers after the freeze" '[ "$(code)" = 200 ]'
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
if [ ! -d "$shared/stix/schemas" ]; then
    ok "STIX schema validation # SKIP skipped: shared data absent"
elif ! command -v node >/dev/null || [ ! -f "$src/tests/interop/node_modules/ajv/package.json" ]; then
    ok "STIX schema validation # SKIP node or ajv not installed (scripts/install-deps)"
else
    NODE_PATH="$src/tests/interop/node_modules" node "$src/tests/interop/stix.js" \
        "$shared/stix/schemas" "$tmp/bundle.json" >"$tmp/stix.tap" 2>&1 &&
        ok "STIX bundle valid against the STIX 2.1 schemas (ajv)" ||
        { fail "STIX bundle valid against the STIX 2.1 schemas (ajv)"; sed 's/^/# /' "$tmp/stix.tap"; }
fi
echo "1..$n"
[ $fails -eq 0 ]
