# SPDX-License-Identifier: Apache-2.0
#
# lib.sh - helpers for the CLI golden tests (sourced, POSIX sh)
#
#   expect RC 'COMMAND' <<'EOF'
#   expected standard output
#   EOF
#
# runs COMMAND with $bollard as the binary, compares its exit status with RC
# and its standard output with the here-document (git's test_cmp), and
# reports every difference.  Call finish at the end.

bollard=${1:?usage: $0 BOLLARD_BINARY SOURCE_DIR}
srcdir=${2:?usage: $0 BOLLARD_BINARY SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
count=0

expect() {
    want_rc=$1
    cmd=$2
    count=$((count + 1))
    cat >"$tmp/expected"
    (eval "$cmd") >"$tmp/actual" 2>"$tmp/stderr"
    rc=$?
    if [ "$rc" != "$want_rc" ]; then
        printf '%s\n' "not ok $count - $cmd: exit status $rc, expected $want_rc"
        sed 's/^/#   stderr: /' "$tmp/stderr"
        failures=$((failures + 1))
        return
    fi
    if ! diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
        printf '%s\n' "not ok $count - $cmd: output differs"
        sed 's/^/#   /' "$tmp/diff"
        failures=$((failures + 1))
        return
    fi
    printf '%s\n' "ok $count - $cmd"
}

# expect_stderr RC 'COMMAND' 'TEXT': exit status RC and TEXT somewhere in stderr.
expect_stderr() {
    want_rc=$1
    cmd=$2
    text=$3
    count=$((count + 1))
    (eval "$cmd") >"$tmp/actual" 2>"$tmp/stderr"
    rc=$?
    if [ "$rc" != "$want_rc" ] || ! grep -qF -- "$text" "$tmp/stderr"; then
        printf '%s\n' "not ok $count - $cmd: exit status $rc (expected $want_rc), stderr:"
        sed 's/^/#   /' "$tmp/stderr"
        failures=$((failures + 1))
        return
    fi
    printf '%s\n' "ok $count - $cmd"
}

finish() {
    echo "1..$count"
    [ "$failures" -eq 0 ] || { echo "# $failures of $count failed"; exit 1; }
    exit 0
}
