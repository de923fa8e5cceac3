/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_bay.c - bay instance files, and the solvers on whatever they accept:
 * every answer must replay (bay.h), under a small node budget
 */
#include "compat.h"

#include "bay.h"
#include "brp.h"
#include "cpmp.h"
#include "errors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct bol_plan_limits lim = { .nodes = 2000 };
    struct bol_bay b;
    struct bol_bay_error err;
    struct bol_bay_replay rp;
    struct bol_brp_result r;
    struct bol_cpmp_result c;
    int rc;

    /* the first byte picks a name: Bortfeldt-Forster style or not */
    const char *name = size && (data[0] & 1) ? "cpmp_4_5_6_3_2_1.bay" : "data3-3-1.dat";
    if (bol_bay_parse((const char *) data, size, name, &b, &err) < 0) {
        FUZZ_ASSERT(err.why[0] != '\0');
        return 0;
    }
    FUZZ_ASSERT(b.stacks >= 1 && b.stacks <= BOL_BAY_STACKS_MAX);
    FUZZ_ASSERT(b.max_height >= 1 && b.max_height <= BOL_BAY_TIERS_MAX);
    unsigned total = 0;
    for (unsigned s = 0; s < b.stacks; s++) {
        FUZZ_ASSERT(b.height[s] <= b.max_height);
        total += b.height[s];
        for (unsigned t = 0; t < b.height[s]; t++)
            FUZZ_ASSERT(b.prio[s][t] >= 1);
    }
    FUZZ_ASSERT(total == b.n);
    if (b.n > 40)
        return 0; /* the solvers' speed is the benchmarks' business */
    for (int v = 0; v < 2; v++) {
        rc = bol_brp_solve(&b, v ? BOL_BRP_UNRESTRICTED : BOL_BRP_RESTRICTED, &lim, &r);
        FUZZ_ASSERT(rc == 0 || rc == BOL_E_INVAL || rc == BOL_E_TIMEOUT);
        if (rc == 0) {
            FUZZ_ASSERT(
                bol_bay_replay(&b, v ? BOL_BAY_MODE_BRP_UNRESTRICTED : BOL_BAY_MODE_BRP_RESTRICTED,
                               r.moves, r.n, &rp) == 0);
            FUZZ_ASSERT(rp.relocations == r.relocations && r.lower_bound <= r.relocations);
            bol_brp_result_release(&r);
        }
    }
    rc = bol_cpmp_solve(&b, &lim, &c);
    FUZZ_ASSERT(rc == 0);
    if (c.solved) {
        FUZZ_ASSERT(bol_bay_replay(&b, BOL_BAY_MODE_CPMP, c.moves, c.n, &rp) == 0);
        FUZZ_ASSERT(rp.relocations == c.n && c.lower_bound <= c.n);
    }
    bol_cpmp_result_release(&c);
    return 0;
}
