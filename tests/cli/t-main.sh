#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bollard itself: help, version, unknown commands
. "$(dirname "$0")/lib.sh"

expect 0 '"$bollard" version | sed "s/(commit .*)/(commit X)/"' <<'EOF'
bollard 0.1.0 (commit X)
EOF

expect 0 '"$bollard" --version | sed "s/(commit .*)/(commit X)/"' <<'EOF'
bollard 0.1.0 (commit X)
EOF

expect 0 '"$bollard" help | head -3' <<'EOF'
usage: bollard COMMAND [ARGS...]
       bollard help [COMMAND...]
       bollard COMMAND -h
EOF

expect 0 '"$bollard" help container' <<'EOF'
   container show         show a container: place, holds, work and history
   container validate     check ISO 6346 container numbers
EOF

expect 0 '"$bollard" help container validate | head -1' <<'EOF'
usage: bollard container validate ID...
EOF

expect_stderr 2 '"$bollard"' 'usage: bollard COMMAND'
expect_stderr 2 '"$bollard" frobnicate' "'frobnicate' is not a bollard command"
expect_stderr 2 '"$bollard" help frobnicate' "'frobnicate' is not a bollard command"
expect_stderr 2 '"$bollard" version extra' 'usage: bollard version'

finish
