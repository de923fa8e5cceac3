/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_cpmp.c - the pre-marshalling solver: every answer is replayed on its
 * own (bol_bay_replay), the bound is checked against optima found here by
 * brute force, and a few DLTS instances against their published optima
 * when the shared data folder is there.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "bay.h"
#include "cpmp.h"

static const char *shared_dir; /* argv[1]: the -Dshared_dir folder */

static int parse(const char *text, struct bol_bay *b)
{
    struct bol_bay_error e;
    return bol_bay_parse(text, strlen(text), "x", b, &e);
}

/* Replays the answer independently; the count must match what it claims. */
static void check_valid(const struct bol_bay *b, const struct bol_cpmp_result *r)
{
    struct bol_bay_replay rp;
    assert_true(r->solved);
    assert_int_equal(bol_bay_replay(b, BOL_BAY_MODE_CPMP, r->moves, r->n, &rp), 0);
    assert_int_equal(rp.relocations, r->n);
    assert_true(r->lower_bound <= r->n);
    if (r->proven_optimal)
        assert_int_equal(r->lower_bound, r->n);
}

/* -- brute force --------------------------------------------------------- */

/* 3 stacks of at most 4 boxes, priorities 1..7: 3 bits each, 3 for the height. */
static uint64_t encode(const struct bol_bay *b)
{
    uint64_t k = 0;
    for (unsigned s = 0; s < b->stacks; s++) {
        k = (k << 3) | b->height[s];
        for (unsigned t = 0; t < 4; t++)
            k = (k << 3) | (t < b->height[s] ? b->prio[s][t] : 0);
    }
    return k;
}

#define BF_MAX (1u << 16)

struct bf_state {
    struct bol_bay b;
    unsigned d;
};

static bool bf_insert(uint64_t *set, uint64_t key)
{
    size_t i = (size_t) ((key * 0x9e3779b97f4a7c15ull) >> 48);
    while (set[i] != 0) {
        if (set[i] == key + 1)
            return false;
        i = (i + 1) & (BF_MAX - 1);
    }
    set[i] = key + 1;
    return true;
}

/* Least moves to sort b by breadth-first search; UINT_MAX when impossible. */
static unsigned brute_force(const struct bol_bay *b0)
{
    uint64_t *set = test_calloc(BF_MAX, sizeof(*set));
    struct bf_state *q = test_malloc(BF_MAX / 2 * sizeof(*q));
    size_t head = 0, tail = 0;
    unsigned best = UINT_MAX;

    q[tail++] = (struct bf_state){ .b = *b0, .d = 0 };
    bf_insert(set, encode(b0));
    while (head < tail) {
        struct bf_state st = q[head++];
        if (bol_bay_sorted(&st.b)) {
            best = st.d;
            break;
        }
        for (unsigned f = 0; f < st.b.stacks; f++)
            for (unsigned t = 0; t < st.b.stacks; t++) {
                if (f == t || st.b.height[f] == 0 || st.b.height[t] >= st.b.max_height)
                    continue;
                struct bf_state n = { .b = st.b, .d = st.d + 1 };
                n.b.prio[t][n.b.height[t]++] = n.b.prio[f][--n.b.height[f]];
                if (bf_insert(set, encode(&n.b))) {
                    assert_true(tail < BF_MAX / 2);
                    q[tail++] = n;
                }
            }
    }
    test_free(q);
    test_free(set);
    return best;
}

static uint64_t rng_next(uint64_t *s)
{
    *s += 0x9e3779b97f4a7c15ull;
    uint64_t z = *s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A random bay: 3 stacks of height up to 4, `n` boxes, priorities 1..k. */
static void random_bay(uint64_t *rng, unsigned n, unsigned k, struct bol_bay *b)
{
    memset(b, 0, sizeof(*b));
    b->stacks = 3;
    b->max_height = 4;
    b->n = n;
    for (unsigned i = 0; i < n; i++) {
        unsigned s;
        do {
            s = (unsigned) (rng_next(rng) % 3);
        } while (b->height[s] >= 4);
        b->prio[s][b->height[s]++] = (uint8_t) (1 + rng_next(rng) % k);
    }
    (void) bol_bay_rank(b);
}

/* -- tests --------------------------------------------------------------- */

static void test_trivial(void **state)
{
    struct bol_bay b;
    struct bol_cpmp_result r;

    (void) state;
    /* sorted already: nothing to do, proven */
    assert_int_equal(parse("3 4\n2 3 1\n2 2 2\n0\n", &b), 0);
    assert_int_equal(bol_cpmp_lower_bound(&b), 0);
    assert_int_equal(bol_cpmp_solve(&b, NULL, &r), 0);
    assert_true(r.solved);
    assert_true(r.proven_optimal);
    assert_int_equal(r.n, 0);
    assert_null(r.moves);
    bol_cpmp_result_release(&r);

    /* one box on top of an earlier one: one move */
    assert_int_equal(parse("2 3\n2 1 2\n1 3\n", &b), 0);
    assert_int_equal(bol_cpmp_lower_bound(&b), 1);
    assert_int_equal(bol_cpmp_solve(&b, NULL, &r), 0);
    check_valid(&b, &r);
    assert_int_equal(r.n, 1);
    assert_true(r.proven_optimal);
    bol_cpmp_result_release(&r);
    bol_cpmp_result_release(&r); /* twice is harmless */
    bol_cpmp_result_release(NULL);

    /* full and unsorted: no move is possible */
    assert_int_equal(parse("2 4\n2 1 2\n2 3 4\n", &b), 0);
    b.max_height = 2;
    assert_int_equal(bol_cpmp_solve(&b, NULL, &r), 0);
    assert_false(r.solved);
    assert_int_equal(r.n, 0);
    assert_null(r.moves);
    bol_cpmp_result_release(&r);

    /* malformed */
    b.max_height = 0;
    assert_int_equal(bol_cpmp_solve(&b, NULL, &r), BOL_E_INVAL);
    assert_int_equal(bol_cpmp_solve(NULL, NULL, &r), BOL_E_INVAL);
}

static void test_hand_made(void **state)
{
    struct bol_bay b;
    struct bol_cpmp_result r;

    (void) state;
    /*
     * Stack 1 (bottom to top): 1 2 3, stack 2: 3, stack 3 empty, height 3:
     * the 3 onto the other 3, the 2 onto the empty stack; 2 moves.
     */
    assert_int_equal(parse("3 4\n3 1 2 3\n1 3\n0\n", &b), 0);
    b.max_height = 3;
    assert_int_equal(bol_cpmp_solve(&b, NULL, &r), 0);
    check_valid(&b, &r);
    assert_int_equal(r.n, 2);
    assert_true(r.proven_optimal);
    bol_cpmp_result_release(&r);

    /* a tight bay: the 3 must reach a base of 3 or an empty stack */
    assert_int_equal(parse("3 6\n3 3 2 1\n2 1 3\n1 2\n", &b), 0);
    b.max_height = 3;
    unsigned opt = brute_force(&b);
    assert_true(opt != UINT_MAX);
    assert_true(bol_cpmp_lower_bound(&b) <= opt);
    assert_int_equal(bol_cpmp_solve(&b, NULL, &r), 0);
    check_valid(&b, &r);
    assert_int_equal(r.n, opt);
    assert_true(r.proven_optimal);
    bol_cpmp_result_release(&r);
}

/* Random small bays: the bound never passes the optimum; the solver finds it. */
static void test_brute_force(void **state)
{
    uint64_t rng = 20240917;
    unsigned proven = 0, unsolvable = 0;

    (void) state;
    for (unsigned i = 0; i < 300; i++) {
        struct bol_bay b;
        struct bol_cpmp_result r;
        unsigned n = 4 + (unsigned) (rng_next(&rng) % 8); /* 4 .. 11 of 12 slots */
        unsigned k = 2 + (unsigned) (rng_next(&rng) % 6);
        random_bay(&rng, n, k, &b);
        unsigned opt = brute_force(&b);
        unsigned lb = bol_cpmp_lower_bound(&b);
        if (opt == UINT_MAX) {
            unsolvable++;
        } else if (lb > opt) {
            fail_msg("bay %u: bound %u above the optimum %u", i, lb, opt);
        }
        assert_int_equal(bol_cpmp_solve(&b, NULL, &r), 0);
        if (opt == UINT_MAX) {
            assert_false(r.solved);
        } else {
            check_valid(&b, &r);
            if (r.n != opt)
                fail_msg("bay %u: %zu moves, the optimum is %u", i, r.n, opt);
            if (r.proven_optimal)
                proven++;
        }
        bol_cpmp_result_release(&r);
    }
    /* these are small enough for every search to finish */
    assert_int_equal(proven + unsolvable, 300);
}

static bool always(void *ctx)
{
    (void) ctx;
    return true;
}

static void test_limits(void **state)
{
    struct bol_bay b;
    struct bol_cpmp_result r1, r2;
    const char *text = "5 25\n5 14 7 19 17 1\n5 22 4 12 20 16\n5 8 5 21 3 9\n"
                       "5 10 11 6 13 15\n5 18 25 2 23 24\n";

    (void) state;
    assert_int_equal(parse(text, &b), 0);
    assert_int_equal(b.max_height, 7);
    /* the same budget and seed give the same answer */
    struct bol_plan_limits lim = { .nodes = 20000, .seed = 7 };
    assert_int_equal(bol_cpmp_solve(&b, &lim, &r1), 0);
    assert_int_equal(bol_cpmp_solve(&b, &lim, &r2), 0);
    check_valid(&b, &r1);
    assert_int_equal(r1.n, r2.n);
    assert_memory_equal(r1.moves, r2.moves, r1.n * sizeof(*r1.moves));
    assert_true(r1.nodes <= lim.nodes);
    assert_true(r1.lower_bound <= 26); /* the published optimum */
    assert_true(r1.n >= 26);
    bol_cpmp_result_release(&r1);
    bol_cpmp_result_release(&r2);

    /* a deadline that has passed already: still an answer, maybe unsolved */
    struct bol_plan_limits now = { .expired = always };
    assert_int_equal(bol_cpmp_solve(&b, &now, &r1), 0);
    if (r1.solved)
        check_valid(&b, &r1);
    assert_false(r1.proven_optimal);
    bol_cpmp_result_release(&r1);
}

static void test_out_of_memory(void **state)
{
    struct bol_bay b;
    struct bol_cpmp_result r;
    struct bol_plan_limits lim = { .nodes = 3000 };

    (void) state;
    assert_int_equal(parse("4 10\n3 1 4 2\n3 3 1 4\n2 2 3\n2 4 1\n", &b), 0);
    for (long k = 0; k < 200; k++) {
        test_mem_fail_after(k);
        int rc = bol_cpmp_solve(&b, &lim, &r);
        test_mem_fail_after(-1);
        if (rc == 0) {
            check_valid(&b, &r);
            bol_cpmp_result_release(&r);
            return;
        }
        assert_int_equal(rc, BOL_E_NOMEM);
    }
    fail_msg("still out of memory after 200 allocations");
}

/* A few DLTS instances against optimal_moves.csv, when the data is there. */
static void test_dlts(void **state)
{
    char path[512];
    static char text[4096];

    (void) state;
    if (!shared_dir) {
        printf("SKIP: no shared data folder given (meson -Dshared_dir)\n");
        return;
    }
    snprintf(path, sizeof(path), "%s/benchmarks/cpmp/dlts_hottung2020/optimal_moves.csv",
             shared_dir);
    FILE *csv = fopen(path, "r");
    if (!csv) {
        printf("SKIP: %s not found\n", path);
        return;
    }
    char line[256];
    unsigned done = 0;
    while (done < 3 && fgets(line, sizeof(line), csv)) {
        char group[64];
        unsigned inst, lb0, opt;
        if (sscanf(line, "%63[^,],%u,%u,%u", group, &inst, &lb0, &opt) != 4 ||
            strcmp(group, "5x5_cv2_test") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/benchmarks/cpmp/dlts_hottung2020/%s/%u.dat", shared_dir,
                 group, inst);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        size_t len = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        struct bol_bay b;
        struct bol_bay_error e;
        assert_int_equal(bol_bay_parse(text, len, path, &b, &e), 0);
        struct bol_cpmp_result r;
        struct bol_plan_limits lim = { .nodes = 100000, .seed = 1 };
        assert_int_equal(bol_cpmp_solve(&b, &lim, &r), 0);
        check_valid(&b, &r);
        assert_true(bol_cpmp_lower_bound(&b) <= opt);
        assert_true(r.lower_bound <= opt);
        assert_true(r.n >= opt);
        printf("DLTS %s/%u: %zu moves, optimum %u, bound %u\n", group, inst, r.n, opt,
               r.lower_bound);
        bol_cpmp_result_release(&r);
        done++;
    }
    fclose(csv);
    assert_int_equal(done, 3);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trivial),       cmocka_unit_test(test_hand_made),
        cmocka_unit_test(test_brute_force),   cmocka_unit_test(test_limits),
        cmocka_unit_test(test_out_of_memory), cmocka_unit_test(test_dlts),
    };

    if (argc > 1)
        shared_dir = argv[1];
    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
