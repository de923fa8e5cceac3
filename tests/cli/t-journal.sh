#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bollard init and bollard journal verify|show|replay on SQLite, with tampering
# done behind bollard's back with the sqlite3 tool.
. "$(dirname "$0")/lib.sh"

data="$tmp/data"
db="$data/bollard.db"
# Run a command, show its output with the database path as DB, keep its exit status.
dbsed() {
    "$@" >"$tmp/out"
    rc=$?
    sed "s|$db|DB|" "$tmp/out"
    return $rc
}
norm() { sed -e 's/([0-9.]* s)/(T s)/' -e 's/root [0-9a-f]*/root R/' -e 's/in [0-9.]* s$/in T s/'; }

expect 0 '"$bollard" init --data "$data" --origin test.example/bollard | head -2 | sed "s|$data|DATA|"' <<'EOF'
initialised a bollard store in DATA (SQLite)
journal origin: test.example/bollard
EOF
expect 0 '"$bollard" init --data "$tmp/d2" --origin test.example/bollard | head -2 | sed "s|$tmp/d2|DATA|"' <<'EOF'
initialised a bollard store in DATA (SQLite)
journal origin: test.example/bollard
EOF

expect 0 'stat -c %a "$data" "$data/journal.key" "$data/bollard.conf"' <<'EOF'
700
600
600
EOF

expect_stderr 1 '"$bollard" init --data "$data"' "already holds a bollard store"

expect 0 '"$bollard" journal verify --data "$data" | norm' <<'EOF'
journal intact: 1 entries, 1 checkpoints verified, root R (T s)
EOF

expect 0 '"$bollard" journal show --data "$data" | sed -e "s/^1  [0-9T:.Z-]*  /1  TIME  /" -e "s/\"key\":\"[^\"]*\"/\"key\":\"K\"/"' <<'EOF'
1  TIME  system  journal.genesis v1
    {"key":"K","origin":"test.example/bollard"}
EOF

expect 0 '"$bollard" journal show --data "$data" --json | cut -c1-24' <<'EOF'
{"v":1,"seq":1,"at":"202
EOF

# The epoch row holds the (random) key: its digest is masked.
expect 0 '"$bollard" journal replay --data "$data" | norm | sed "/^journal_epoch/s/rows  [0-9a-f]*/rows  H/"' <<'EOF'
replayed 1 entries in T s
terminal                        0 rows  0cea2d3c51958330  same
line                            0 rows  466efde892b0fec3  same
berth                           0 rows  23559ceb15716e87  same
block                           0 rows  dc46e5e0d8a0c563  same
equipment                       0 rows  0433c10978c93054  same
vessel                          0 rows  de61ea0c58e5ec8f  same
visit                           0 rows  9b0479fbe6251fe4  same
container                       0 rows  7c073f903816737e  same
yard_slot                       0 rows  d755062b39b6c7f9  same
vessel_slot                     0 rows  8d1db53d597b4a29  same
hold                            0 rows  d805072ec9de4198  same
delivery_release                0 rows  59967d764871f051  same
truck_visit                     0 rows  806de68de1de33ef  same
wi                              0 rows  b89618e897164c4b  same
history                         0 rows  9a0943174f6b6e98  same
move                            0 rows  7099ae71fc25b77c  same
account                         0 rows  6e70140c60a0e05a  same
apikey                          0 rows  71af7de0924acd87  same
access_grant                    0 rows  74b35baca01c32cb  same
approval                        0 rows  9e4c4660f6b15a27  same
journal_epoch                   1 rows  H  same
alert                           0 rows  4f895aeba58cf5a8  same
canary                          0 rows  9771d5fc9dc0f096  same
incident                        0 rows  f6f24c1cd29c0cb1  same
inspect_run                     0 rows  c86c6f3c16a7879f  same
vessel_slot_mark                0 rows  41a2c4370cdc6fbe  same
visit_order                     0 rows  1edf03d17fe4520c  same
stowage_rule                    0 rows  f18eaecf638a846a  same
booking_release                 0 rows  e9026fe33ea4e213  same
vgm_pending                     0 rows  c07f7cc13b670166  same
state equals a replay of the journal
EOF

# Verify against a key pinned elsewhere: the right one, then another store's.
expect 0 '"$bollard" journal verify --data "$data" --key "$data/journal.pub" | norm' <<'EOF'
journal intact: 1 entries, 1 checkpoints verified, root R (T s)
EOF
expect 1 'dbsed "$bollard" journal verify --data "$data" --key "$tmp/d2/journal.pub"' <<'EOF'
journal damaged: checkpoint at size 1: no signature by key 'test.example/bollard'
first bad checkpoint: size 1
store: DB
EOF

# Tamper with the genesis entry: verify names it and exits 1.
sqlite3 "$db" "UPDATE journal SET entry = CAST(replace(CAST(entry AS TEXT), 'test.example', 'evil.example') AS BLOB) WHERE seq = 1"
expect 1 'dbsed "$bollard" journal verify --data "$data"' <<'EOF'
journal damaged: entry 1: its content does not match its stored hash (the entry was altered)
first bad entry: 1
store: DB
EOF

# A key readable by others is refused for writing.
chmod 644 "$data/journal.key"
expect_stderr 1 '"$bollard" init --data "$data"' "already holds"
chmod 600 "$data/journal.key"

expect_stderr 1 '"$bollard" journal verify --data "$tmp/nothing"' "not a bollard data directory"
expect_stderr 2 '"$bollard" journal verify' "usage: bollard journal verify"
expect_stderr 2 '"$bollard" journal show --data "$data" --from 0' "--from must be"
expect_stderr 1 '"$bollard" init --data "$tmp/d3" --db mysql://x' "postgres://"

# A new journal epoch with a new key: the old key no longer verifies, the new one does.
first() {
    "$@" >"$tmp/out"
    rc=$?
    head -1 "$tmp/out"
    return $rc
}
d2="$tmp/d2"
expect 0 '"$bollard" journal rotate-key --data "$d2" --note "scheduled rotation" | head -1' <<'EOF'
new journal key (pin it on the backup host):
EOF
expect 0 'ls "$d2" | grep "^journal" && stat -c %a "$d2/journal.key"' <<'EOF'
journal.key
journal.pub
journal.pub.1
600
EOF
expect 0 '"$bollard" journal verify --data "$d2" | norm' <<'EOF'
journal intact: 2 entries, 2 checkpoints verified, root R (T s)
EOF
expect 0 '"$bollard" journal verify --data "$d2" --key "$d2/journal.pub" --deep | norm' <<'EOF'
journal intact: 2 entries, 2 checkpoints verified, root R (T s)
EOF
expect 1 'first "$bollard" journal verify --data "$d2" --key "$d2/journal.pub.1"' <<'EOF'
journal damaged: the journal's current key is not the one given (epoch 2, checkpoint at size 2: no signature by key 'test.example/bollard')
EOF
expect 0 '"$bollard" journal show --data "$d2" --from 2 | head -1 | sed "s/^2  [0-9T:.Z-]*  /2  TIME  /"' <<'EOF'
2  TIME  system  journal.epoch v1
EOF
expect_stderr 2 '"$bollard" journal rotate-key' "usage: bollard journal rotate-key"
expect_stderr 1 '"$bollard" journal rotate-key --data "$tmp/nothing"' "not a bollard data directory"

finish
