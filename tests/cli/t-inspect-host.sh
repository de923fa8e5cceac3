#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-inspect-host.sh BOLLARD - bollard inspect on this very host (its real
# listening sockets, file owners and TLS certificate): what it finds depends
# on the machine, so only the report's form is checked: the JSON's keys and
# types, the HTML well-formed (every tag closed, nothing from outside), the
# exit status 0 or 1, and the run journaled.
set -u
bollard=${1:?usage: t-inspect-host.sh BOLLARD}
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }

"$bollard" init --data "$tmp/data" >/dev/null || exit 1
"$bollard" inspect --data "$tmp/data" --json --html "$tmp/report.html" >"$tmp/out.json" 2>"$tmp/err"
rc=$?
{ [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && ok "exit status 0 or 1 ($rc)" || { fail "exit status 0 or 1 ($rc)"; sed 's/^/#   /' "$tmp/err"; }
python3 - "$tmp/out.json" <<'PY' && ok "the JSON has its keys and types" || fail "the JSON has its keys and types"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"at", "counts", "data", "findings", "fingerprints", "fixed", "previous", "profile", "seq"}, set(d)
assert set(d["counts"]) == {"critical", "high", "medium", "low"}
assert sum(d["counts"].values()) == len(d["findings"])
for f in d["findings"]:
    assert set(f) == {"area", "clause", "detail", "id", "remediation", "severity", "status"}, f
    assert f["severity"] in d["counts"] and f["status"] == "new"
assert set(d["profile"]) == {"identity", "crypto", "exposure", "monitoring", "recovery", "response"}
for a in d["profile"].values():
    assert 0 <= a["current"] <= 4 and 0 <= a["target"] <= 4
assert {"accounts", "keys", "journal.pub", "tls.crt"} <= set(d["fingerprints"])
assert d["fixed"] == [] and d["previous"] is None and d["seq"] > 1
PY
python3 - "$tmp/report.html" <<'PY' && ok "the HTML is well-formed and self-contained" || fail "the HTML is well-formed and self-contained"
import html.parser, sys
VOID = {"meta", "br", "hr", "img", "link", "input"}
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.seen = set()
    def handle_starttag(self, tag, attrs):
        self.seen.add(tag)
        for k, v in attrs:
            assert k not in ("src", "href") or not v, (tag, k, v)
        if tag not in VOID: self.stack.append(tag)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1]).read()); p.close()
assert p.stack == [] and {"html", "head", "body", "table", "title"} <= p.seen
assert "script" not in p.seen and "link" not in p.seen
PY
"$bollard" inspect --data "$tmp/data" --no-record >"$tmp/text" 2>"$tmp/err"
rc=$?
{ [ $rc -le 1 ] && grep -q "^maturity profile" "$tmp/text" && grep -q "^bollard inspect: .* (previous run " "$tmp/text"; } &&
    ok "the summary names the previous run and shows the profile" || fail "the summary names the previous run and shows the profile"
echo "1..$n"
[ "$fails" -eq 0 ]
