#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check-format.sh SRCDIR - every C file is formatted by the committed
# .clang-format.  Fix with: make format
set -u
src=${1:?usage: check-format.sh SRCDIR}
cd "$src" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
    echo "clang-format not installed: run scripts/install-deps"
    exit 1
fi
files=$(git ls-files '*.c' '*.h' 2>/dev/null)
[ -n "$files" ] || files=$(find src tests fuzz bench -name '*.[ch]' 2>/dev/null)
fail=0
n=0
for f in $files; do
    n=$((n + 1))
    if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "ok $n - $f"
    else
        echo "not ok $n - $f is not formatted (make format)"
        fail=1
    fi
done
echo "1..$n"
exit $fail
