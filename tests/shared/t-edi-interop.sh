#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# t-edi-interop.sh REWRITE SRCDIR SHARED_DIR - every shared BAPLIE written by
# bollard as SMDG 2.2 (REWRITE: tests/shared/edi_rewrite) is read by an
# independent UN/EDIFACT parser (the npm package edifact, installed into
# tests/interop by scripts/install-deps), which must accept it and find the
# slots, boxes, reefers and DG lines bollard wrote.
set -u
rewrite=${1:?usage: t-edi-interop.sh REWRITE SRCDIR SHARED_DIR}
src=${2:?usage: t-edi-interop.sh REWRITE SRCDIR SHARED_DIR}
shared=${3:?usage: t-edi-interop.sh REWRITE SRCDIR SHARED_DIR}
[ -d "$shared/edi/BAPLIE" ] || { echo "SKIP: $shared/edi/BAPLIE not found (set -Dshared_dir)"; exit 77; }
command -v node >/dev/null || { echo "SKIP: node not installed (scripts/install-deps)"; exit 77; }
[ -f "$src/tests/interop/node_modules/edifact/package.json" ] ||
    { echo "SKIP: tests/interop/node_modules/edifact missing (scripts/install-deps)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$rewrite" "$shared" "$tmp" >"$tmp/list" || { cat "$tmp/list"; exit 1; }
n=0
fail=0
while read -r name slots boxes reefers dg; do
    n=$((n + 1))
    out=$(NODE_PATH="$src/tests/interop/node_modules" node "$src/tests/interop/check.js" \
        "$tmp/$name" "LOC+147=$slots" "EQD=$boxes" "TMP=$reefers" "DGS=$dg" 2>&1) || fail=1
    echo "$out" | sed "s|$tmp/||"
done <"$tmp/list"
[ "$n" -ge 10 ] || { echo "not ok - only $n bay plans written"; fail=1; }
echo "1..$n"
exit $fail
