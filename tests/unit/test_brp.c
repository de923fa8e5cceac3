/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_brp.c - block relocation: every answer replays on its own, and on
 * small bays it equals the optimum found by exhaustive search
 */
#include "testutil.h"

#include <string.h>

#include "brp.h"

/* -- an exhaustive reference: breadth-first over bays ---------------------- */

#define REF_STATES 200000

struct ref_bay {
    uint8_t h[4];
    uint8_t p[4][6];
};

static uint8_t ref_min(const struct ref_bay *b, unsigned s)
{
    uint8_t m = 255;
    for (unsigned t = 0; t < b->h[s]; t++)
        if (b->p[s][t] < m)
            m = b->p[s][t];
    return m;
}

static void ref_retrieve(struct ref_bay *b, unsigned stacks)
{
    for (;;) {
        uint8_t m = 255;
        for (unsigned s = 0; s < stacks; s++)
            if (ref_min(b, s) < m)
                m = ref_min(b, s);
        bool any = false;
        for (unsigned s = 0; s < stacks; s++)
            if (b->h[s] && b->p[s][b->h[s] - 1] == m) {
                b->h[s]--;
                b->p[s][b->h[s]] = 0;
                any = true;
            }
        if (!any)
            return;
    }
}

static bool ref_empty(const struct ref_bay *b, unsigned stacks)
{
    for (unsigned s = 0; s < stacks; s++)
        if (b->h[s])
            return false;
    return true;
}

/* The fewest relocations, by breadth-first search (states kept unique). */
static unsigned ref_solve(const struct bol_bay *bay, bool restricted)
{
    static struct ref_bay q[REF_STATES];
    static uint8_t depth[REF_STATES];
    size_t head = 0, tail = 0;
    struct ref_bay b;

    memset(&b, 0, sizeof(b));
    for (unsigned s = 0; s < bay->stacks; s++) {
        b.h[s] = bay->height[s];
        memcpy(b.p[s], bay->prio[s], bay->height[s]);
    }
    ref_retrieve(&b, bay->stacks);
    q[tail] = b;
    depth[tail++] = 0;
    while (head < tail) {
        struct ref_bay cur = q[head];
        unsigned d = depth[head++];
        if (ref_empty(&cur, bay->stacks))
            return d;
        uint8_t next = 255;
        for (unsigned s = 0; s < bay->stacks; s++)
            if (ref_min(&cur, s) < next)
                next = ref_min(&cur, s);
        for (unsigned a = 0; a < bay->stacks; a++) {
            if (!cur.h[a] || (restricted && ref_min(&cur, a) != next))
                continue;
            for (unsigned to = 0; to < bay->stacks; to++) {
                if (to == a || cur.h[to] >= bay->max_height)
                    continue;
                struct ref_bay n = cur;
                n.p[to][n.h[to]++] = n.p[a][--n.h[a]];
                n.p[a][n.h[a]] = 0;
                ref_retrieve(&n, bay->stacks);
                size_t i;
                for (i = 0; i < tail; i++)
                    if (!memcmp(&q[i], &n, sizeof(n)))
                        break;
                if (i < tail)
                    continue;
                assert_true(tail < REF_STATES);
                q[tail] = n;
                depth[tail++] = (uint8_t) (d + 1);
            }
        }
    }
    return UINT32_MAX;
}

/* -- helpers --------------------------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1du;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned) (rng % n);
}

/* A random bay: stacks x max_height, n boxes, priorities 1..n shuffled or
 * (dup) drawn from 1..n/2. */
static void random_bay(struct bol_bay *b, unsigned stacks, unsigned max_height, unsigned n,
                       bool dup)
{
    uint8_t pr[BOL_BAY_BOXES_MAX];
    memset(b, 0, sizeof(*b));
    b->stacks = stacks;
    b->max_height = max_height;
    b->n = n;
    for (unsigned i = 0; i < n; i++)
        pr[i] = (uint8_t) (dup ? 1 + rnd(n / 2) : i + 1);
    for (unsigned i = n; i > 1; i--) {
        unsigned j = rnd(i);
        uint8_t t = pr[i - 1];
        pr[i - 1] = pr[j];
        pr[j] = t;
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned s;
        do
            s = rnd(stacks);
        while (b->height[s] >= max_height - 1);
        b->prio[s][b->height[s]++] = pr[i];
    }
    bol_bay_rank(b);
}

static void check(const struct bol_bay *b, enum bol_brp_variant v, const struct bol_brp_result *r)
{
    struct bol_bay_replay rp;
    enum bol_bay_mode mode =
        v == BOL_BRP_RESTRICTED ? BOL_BAY_MODE_BRP_RESTRICTED : BOL_BAY_MODE_BRP_UNRESTRICTED;
    if (bol_bay_replay(b, mode, r->moves, r->n, &rp) < 0)
        fail_msg("replay: %s", rp.why);
    assert_int_equal(rp.relocations, r->relocations);
    assert_int_equal(rp.retrievals, b->n);
    assert_true(r->lower_bound <= r->relocations);
    assert_true(bol_brp_lower_bound(b, v) <= r->lower_bound);
}

/* -- tests ----------------------------------------------------------------- */

static void test_nothing_to_move(void **state)
{
    struct bol_bay b;
    struct bol_bay_error e;
    struct bol_brp_result r;
    const char *t = "3 4\n2 4 1\n1 3\n1 2\n";

    (void) state;
    assert_int_equal(bol_bay_parse(t, strlen(t), "x", &b, &e), 0);
    assert_int_equal(bol_brp_solve(&b, BOL_BRP_RESTRICTED, NULL, &r), 0);
    assert_int_equal(r.relocations, 0);
    assert_true(r.proven_optimal);
    assert_int_equal(r.n, 4);
    check(&b, BOL_BRP_RESTRICTED, &r);
    bol_brp_result_release(&r);
}

static void test_small_bays_are_optimal(void **state)
{
    (void) state;
    for (unsigned k = 0; k < 160; k++) {
        struct bol_bay b;
        enum bol_brp_variant v = k % 2 ? BOL_BRP_UNRESTRICTED : BOL_BRP_RESTRICTED;
        random_bay(&b, 3 + k % 2, 4, 6 + k % 3, k % 5 == 4);
        unsigned opt = ref_solve(&b, v == BOL_BRP_RESTRICTED);
        struct bol_brp_result r;
        assert_int_equal(bol_brp_solve(&b, v, NULL, &r), 0);
        if (bol_brp_lower_bound(&b, v) > opt)
            fail_msg("bay %u (%s): bound %u above the optimum %u", k,
                     v == BOL_BRP_RESTRICTED ? "restricted" : "unrestricted",
                     bol_brp_lower_bound(&b, v), opt);
        check(&b, v, &r);
        assert_true(r.proven_optimal);
        if (r.relocations != opt)
            fail_msg("bay %u (%s): %u relocations, the optimum is %u", k,
                     v == BOL_BRP_RESTRICTED ? "restricted" : "unrestricted", r.relocations, opt);
        assert_true(bol_brp_lower_bound(&b, v) <= opt);
        bol_brp_result_release(&r);
    }
}

static void test_node_budget_gives_an_answer(void **state)
{
    struct bol_plan_limits lim = { .nodes = 2000 };

    (void) state;
    for (unsigned k = 0; k < 4; k++) {
        struct bol_bay b;
        struct bol_brp_result r;
        enum bol_brp_variant v = k % 2 ? BOL_BRP_UNRESTRICTED : BOL_BRP_RESTRICTED;
        random_bay(&b, 10, 12, 100, false);
        assert_int_equal(bol_brp_solve(&b, v, &lim, &r), 0);
        check(&b, v, &r);
        bol_brp_result_release(&r);
    }
}

static void test_no_room(void **state)
{
    struct bol_bay b;
    struct bol_bay_error e;
    struct bol_brp_result r;
    const char *t = "2 4\n2 1 2\n2 3 4\n";

    (void) state;
    assert_int_equal(bol_bay_parse(t, strlen(t), "x", &b, &e), 0);
    b.max_height = 2; /* 2 blocks 1 and every stack is full */
    assert_int_equal(bol_brp_solve(&b, BOL_BRP_RESTRICTED, NULL, &r), BOL_E_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_to_move),
        cmocka_unit_test(test_small_bays_are_optimal),
        cmocka_unit_test(test_node_budget_gives_an_answer),
        cmocka_unit_test(test_no_room),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
