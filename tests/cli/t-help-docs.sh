#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Every command answers -h with exit status 0, and its output is exactly the
# Synopsis block of docs/cli/<command>.md (words joined by '-').  Every page
# in docs/cli belongs to a command.  (git's t0012 and t0450.)
. "$(dirname "$0")/lib.sh"

commands=$("$bollard" help | sed -n '/^Commands:/,/^$/p' | sed '1d;$d' |
    sed 's/^   //; s/  .*//')
[ -n "$commands" ] || { echo "not ok - no commands listed by 'bollard help'"; exit 1; }

for c in $(echo "$commands" | tr ' ' '@'); do
    name=$(echo "$c" | tr '@' ' ')
    page="$srcdir/docs/cli/$(echo "$c" | tr '@' '-').md"
    count=$((count + 1))
    if [ ! -f "$page" ]; then
        echo "not ok $count - '$name' has no page $page"
        failures=$((failures + 1))
        continue
    fi
    # The Synopsis block: the first ``` fence after "## Synopsis" up to the next fence.
    awk '/^## Synopsis/ { s = 1; next }
         s == 1 && /^```/ { s = 2; next }
         s == 2 && /^```/ { exit }
         s == 2 { print }' "$page" >"$tmp/doc"
    # shellcheck disable=SC2086
    "$bollard" $name -h >"$tmp/help" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "not ok $count - '$name -h' exits $rc"
        failures=$((failures + 1))
    elif ! diff -u "$tmp/doc" "$tmp/help" >"$tmp/diff"; then
        echo "not ok $count - '$name -h' differs from $page"
        sed 's/^/#   /' "$tmp/diff"
        failures=$((failures + 1))
    else
        echo "ok $count - '$name -h' matches its page"
    fi
done

for page in "$srcdir"/docs/cli/*.md; do
    base=$(basename "$page" .md)
    [ "$base" = README ] && continue
    count=$((count + 1))
    if echo "$commands" | tr ' ' '-' | grep -qx "$base"; then
        echo "ok $count - $base.md belongs to a command"
    else
        echo "not ok $count - docs/cli/$base.md names no command"
        failures=$((failures + 1))
    fi
done

finish
