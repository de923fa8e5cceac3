#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check-hardening.sh BINARY - the executable carries the hardening STYLE.md asks
# for: position independent, full RELRO (RELRO segment + BIND_NOW), no
# executable stack, stack protector and _FORTIFY_SOURCE checks compiled in.
set -u
bin=${1:?usage: check-hardening.sh BINARY}
fail=0
n=0

check() {
    n=$((n + 1))
    if eval "$2" >/dev/null 2>&1; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1"
        fail=1
    fi
}

check "PIE (ELF type DYN)" "readelf -h '$bin' | grep -q 'Type: *DYN'"
check "RELRO segment" "readelf -lW '$bin' | grep -q GNU_RELRO"
check "BIND_NOW (full RELRO)" "readelf -dW '$bin' | grep -Eq 'BIND_NOW|FLAGS_1.*NOW'"
check "non-executable stack" "readelf -lW '$bin' | grep GNU_STACK | grep -qv 'RWE'"
check "stack protector" "readelf -sW --dyn-syms '$bin' | grep -q __stack_chk_fail"
check "_FORTIFY_SOURCE checks" "readelf -sW --dyn-syms '$bin' | grep -Eq '__[a-z]+_chk'"
echo "1..$n"
exit $fail
