#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bollard container validate: one line per number, exit status 0 only if all valid
. "$(dirname "$0")/lib.sh"

expect 0 '"$bollard" container validate MSCU1234566' <<'EOF'
MSCU1234566 ok
EOF

expect 0 '"$bollard" container validate CSQU3054383 "mwcu 5602541"' <<'EOF'
CSQU3054383 ok
MWCU5602541 ok
EOF

expect 1 '"$bollard" container validate MSCU1234565 MSCU1234566' <<'EOF'
MSCU1234565 invalid: expected check digit 6
MSCU1234566 ok
EOF

expect 1 '"$bollard" container validate MSTI6415664 CONTAINER "DPKO 0008837" MSCU12A4566' <<'EOF'
MSTI6415664 invalid: equipment category must be U, J or Z, got 'I'
CONTAINER invalid: expected 11 characters (4 letters, 7 digits), got 9
DPKO 0008837 invalid: equipment category must be U, J or Z, got 'O'
MSCU12A4566 invalid: serial number must be 6 digits, got '12A456'
EOF

expect 0 'printf "MSCU1234566\n\n  csqu 3054383  \n" | "$bollard" container validate -' <<'EOF'
MSCU1234566 ok
CSQU3054383 ok
EOF

expect 1 'printf "MSCU1234566\nHLCU2389855" | "$bollard" container validate -' <<'EOF'
MSCU1234566 ok
HLCU2389855 invalid: expected check digit 7
EOF

# Control characters in input are shown escaped, never written raw.
expect 1 '"$bollard" container validate "$(printf "AB\033[2J")"' <<'EOF'
AB\x1b[2J invalid: unexpected byte 0x1b at position 3
EOF

# A line too long to be a container number is reported, not split.
expect 1 'head -c 1000 /dev/zero | tr "\0" "A" | "$bollard" container validate -' <<'EOF'
(line 1) invalid: line longer than 256 bytes
EOF

expect 0 'printf "" | "$bollard" container validate -' <<'EOF'
EOF

expect_stderr 2 '"$bollard" container validate' 'usage: bollard container validate ID...'
expect_stderr 2 '"$bollard" container validate --bogus X' 'usage: bollard container validate'
expect_stderr 2 '"$bollard" container' "'bollard container' needs a subcommand"

finish
