#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check-headers.sh CC SRCDIR BUILDDIR - every header compiles on its own
# (systemd's rule: self-contained, no hidden include order), with only the
# include directories of its own layer and the layers below.
set -u
cc=${1:?usage: check-headers.sh CC SRCDIR BUILDDIR}
src=${2:?}
build=${3:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

# Include directories per layer: its own and the ones below (docs/internals/layers.md).
incs() {
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

for h in "$src"/src/*/*.h; do
    layer=$(basename "$(dirname "$h")")
    flags=""
    for l in $(incs "$layer"); do
        flags="$flags -I$src/src/$l -I$build/src/$l"
    done
    n=$((n + 1))
    printf '#include "%s"\n' "$(basename "$h")" >"$tmp/t.c"
    # shellcheck disable=SC2086
    if $cc -std=c17 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -fsyntax-only $flags \
        $(pkg-config --cflags jansson 2>/dev/null) "$tmp/t.c" 2>"$tmp/err"; then
        echo "ok $n - $layer/$(basename "$h")"
    else
        echo "not ok $n - $layer/$(basename "$h") does not compile alone"
        sed 's/^/#   /' "$tmp/err"
        fail=1
    fi
done
echo "1..$n"
exit $fail
