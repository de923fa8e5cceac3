#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check-layers.sh SRCDIR - dependencies point inward only:
#     base <- core <- edi, plan, store <- ops <- replica <- api <- cli
# Every #include "x.h" in src/<layer>/ must name a header of that layer or of
# a layer below it.  Header names are unique across layers and never equal a
# header in /usr/include, so the quoted-include search cannot pick the wrong
# file.  The compiler enforces the same through per-layer include
# directories; this check says which line broke the rule.
set -u
src=${1:?usage: check-layers.sh SRCDIR}
fail=0
n=0

below() {
    case $1 in
    base) echo "base" ;;
    core) echo "base core" ;;
    store | edi | plan) echo "base core $1" ;;
    ops) echo "base core store edi plan ops" ;;
    replica) echo "base core store edi plan ops replica" ;;
    api) echo "base core store edi plan ops api" ;;
    cli) echo "base core store edi plan ops replica api cli" ;;
    *) echo "" ;;
    esac
}

layer_of() {
    for d in "$src"/src/*/; do
        if [ -f "$d$1" ] || [ -f "$d$1.in" ]; then
            basename "$d"
            return
        fi
    done
    case $1 in bol_version.h) echo cli ;; esac
}

for f in "$src"/src/*/*.c "$src"/src/*/*.h; do
    [ -f "$f" ] || continue
    layer=$(basename "$(dirname "$f")")
    allowed=$(below "$layer")
    if [ -z "$allowed" ]; then
        n=$((n + 1))
        echo "not ok $n - src/$layer is not a known layer (add it to docs/internals/layers.md and these checks)"
        fail=1
        continue
    fi
    for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
        n=$((n + 1))
        owner=$(layer_of "$inc")
        if [ -z "$owner" ]; then
            echo "not ok $n - $layer/$(basename "$f") includes \"$inc\", which no layer has"
            fail=1
        elif echo " $allowed " | grep -q " $owner "; then
            echo "ok $n - $layer/$(basename "$f") -> $owner/$inc"
        else
            echo "not ok $n - $layer/$(basename "$f") includes $owner/$inc: $owner is not below $layer"
            fail=1
        fi
    done
done

dups=$(for h in "$src"/src/*/*.h; do basename "$h"; done | sort | uniq -d)
n=$((n + 1))
if [ -n "$dups" ]; then
    echo "not ok $n - header names used by more than one layer: $dups"
    fail=1
else
    echo "ok $n - header names are unique"
fi
for h in "$src"/src/*/*.h; do
    n=$((n + 1))
    b=$(basename "$h")
    if [ -e "/usr/include/$b" ]; then
        echo "not ok $n - $b shadows /usr/include/$b"
        fail=1
    else
        echo "ok $n - $b shadows no system header"
    fi
done
echo "1..$n"
exit $fail
