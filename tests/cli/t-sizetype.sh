#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bollard sizetype: decode current and pre-1996 ISO 6346 size-type codes
. "$(dirname "$0")/lib.sh"

expect 0 '"$bollard" sizetype 45G1' <<'EOF'
code:    45G1
length:  40 ft (12192 mm)
height:  9 ft 6 in (2895 mm), high cube
width:   8 ft
type:    G1 general purpose container without ventilation (GP)
detail:  passive vents at upper part of cargo space
teu:     2
EOF

expect 0 '"$bollard" sizetype 4532 22t6' <<'EOF'
code:    45R1 (from pre-1996 code 4532, gooseneck tunnel)
length:  40 ft (12192 mm)
height:  9 ft 6 in (2895 mm), high cube
width:   8 ft
type:    R1 thermal container, integral refrigeration (RT)
detail:  mechanically refrigerated and heated
teu:     2

code:    22T6
length:  20 ft (6058 mm)
height:  8 ft 6 in (2591 mm)
width:   8 ft
type:    T6 tank container (TD)
detail:  dangerous liquids, minimum test pressure 600 kPa
teu:     1
EOF

expect 0 '"$bollard" sizetype L5G1' <<'EOF'
code:    L5G1
length:  45 ft (13716 mm)
height:  9 ft 6 in (2895 mm), high cube
width:   8 ft
type:    G1 general purpose container without ventilation (GP)
detail:  passive vents at upper part of cargo space
teu:     2.25
EOF

expect 0 '"$bollard" sizetype --json 2210' <<'EOF'
{"code":"22G1","legacy":"2210","length_mm":6058,"length":"20 ft","height_mm":2591,"height":"8 ft 6 in","high_cube":false,"width":"8 ft","teu":"1","type":"G1","group_code":"GP","group":"general purpose container without ventilation","detail":"passive vents at upper part of cargo space","reefer":false,"tank":false,"reduced_strength":false}
EOF

expect 1 '"$bollard" sizetype 45Q1 2281' <<'EOF'
45Q1 invalid: unknown type group 'Q'
2281 invalid: pre-1996 type code '81' has no current ISO 6346 equivalent
EOF

expect 1 '"$bollard" sizetype --json X' <<'EOF'
{"input":"X","error":"size-type code must be 4 characters, got 1","field":"sizetype"}
EOF

expect_stderr 2 '"$bollard" sizetype' 'usage: bollard sizetype'

finish
