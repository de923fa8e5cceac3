/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_merkle.c - RFC 6962 / RFC 9162 Merkle trees, frontier and proofs
 *
 * The references here are written straight from the RFC 6962 definitions
 * (MTH, PATH, SUBPROOF) as plain recursion over an in-memory leaf array, and
 * hash with bol_sha256 on concatenated buffers, so they share no code with
 * merkle.c beyond SHA-256 itself.  The test source answers subtree hashes
 * from a table built by the reference MTH and fails the test when asked for a
 * subtree that is not complete within the tree the caller works on.
 */
#include "testutil.h"

#include "merkle.h"
#include "sha256.h"

#define NLEAVES 300u
#define NLEVELS 9 /* 2^8 = 256 <= NLEAVES < 512 */

/* Counts of individual checks, printed at the end of each test. */
static unsigned long checks;

/* ---- reference hashing and tree, from the RFC 6962 definitions ---- */

static void ref_leaf(const void *data, size_t n, struct bol_hash *out)
{
    uint8_t buf[128];

    assert_true(n < sizeof(buf));
    buf[0] = 0x00;
    if (n)
        memcpy(buf + 1, data, n);
    bol_sha256(buf, n + 1, out->b);
}

static void ref_node(const struct bol_hash *l, const struct bol_hash *r, struct bol_hash *out)
{
    uint8_t buf[1 + 2 * BOL_HASH_LEN];

    buf[0] = 0x01;
    memcpy(buf + 1, l->b, BOL_HASH_LEN);
    memcpy(buf + 1 + BOL_HASH_LEN, r->b, BOL_HASH_LEN);
    bol_sha256(buf, sizeof(buf), out->b);
}

/* The largest power of two below n (n >= 2), by counting up. */
static uint64_t ref_split(uint64_t n)
{
    uint64_t k = 1;

    while (k <= (n - 1) / 2)
        k *= 2;
    return k;
}

/* MTH(D[n]) over leaf hashes, exactly as RFC 6962 2.1 defines it. */
static void ref_mth(const struct bol_hash *leaf, uint64_t n, struct bol_hash *out)
{
    struct bol_hash l, r;
    uint64_t k;

    if (n == 0) {
        bol_sha256("", 0, out->b);
        return;
    }
    if (n == 1) {
        *out = leaf[0];
        return;
    }
    k = ref_split(n);
    ref_mth(leaf, k, &l);
    ref_mth(leaf + k, n - k, &r);
    ref_node(&l, &r, out);
}

/* PATH(m, D[n]) (RFC 6962 2.1.1), appended to p. */
static void ref_path(uint64_t m, const struct bol_hash *leaf, uint64_t n,
                     struct bol_merkle_proof *p)
{
    uint64_t k;

    if (n <= 1)
        return;
    k = ref_split(n);
    if (m < k) {
        ref_path(m, leaf, k, p);
        ref_mth(leaf + k, n - k, &p->h[p->n++]);
    } else {
        ref_path(m - k, leaf + k, n - k, p);
        ref_mth(leaf, k, &p->h[p->n++]);
    }
}

/* SUBPROOF(m, D[n], b) (RFC 6962 2.1.2), appended to p. */
static void ref_subproof(uint64_t m, const struct bol_hash *leaf, uint64_t n, bool b,
                         struct bol_merkle_proof *p)
{
    uint64_t k;

    if (m == n) {
        if (!b)
            ref_mth(leaf, n, &p->h[p->n++]);
        return;
    }
    k = ref_split(n);
    if (m <= k) {
        ref_subproof(m, leaf, k, b, p);
        ref_mth(leaf + k, n - k, &p->h[p->n++]);
    } else {
        ref_subproof(m - k, leaf + k, n - k, false, p);
        ref_mth(leaf, k, &p->h[p->n++]);
    }
}

/*
 * A second verifier, by the PATH recursion instead of RFC 9162's bit walk:
 * the root a proof implies for leaf m of D[n], consuming the proof deepest
 * first.  False when the proof runs short.
 */
static bool ref_incl_rec(uint64_t m, uint64_t n, const struct bol_hash *leaf,
                         const struct bol_merkle_proof *p, unsigned *pos, struct bol_hash *out)
{
    struct bol_hash sub;
    uint64_t k;

    if (n == 1) {
        *out = *leaf;
        return true;
    }
    k = ref_split(n);
    if (!ref_incl_rec(m < k ? m : m - k, m < k ? k : n - k, leaf, p, pos, &sub))
        return false;
    if (*pos >= p->n)
        return false;
    if (m < k)
        ref_node(&sub, &p->h[*pos], out);
    else
        ref_node(&p->h[*pos], &sub, out);
    (*pos)++;
    return true;
}

static bool hash_eq(const struct bol_hash *a, const struct bol_hash *b)
{
    return memcmp(a->b, b->b, BOL_HASH_LEN) == 0;
}

static bool ref_incl_ok(uint64_t m, uint64_t n, const struct bol_hash *leaf,
                        const struct bol_merkle_proof *p, const struct bol_hash *root)
{
    struct bol_hash got;
    unsigned pos = 0;

    if (m >= n || p->n > BOL_MERKLE_PROOF_MAX)
        return false;
    return ref_incl_rec(m, n, leaf, p, &pos, &got) && pos == p->n && hash_eq(&got, root);
}

/*
 * The same for SUBPROOF: the old and new subtree hashes a proof implies for
 * SUBPROOF(m, D[n], b).  With b set and m == n the node is the old tree.
 */
static bool ref_cons_rec(uint64_t m, uint64_t n, bool b, const struct bol_hash *old_root,
                         const struct bol_merkle_proof *p, unsigned *pos, struct bol_hash *o,
                         struct bol_hash *nw)
{
    struct bol_hash so, sn;
    uint64_t k;

    if (m == n) {
        if (b) {
            *o = *old_root;
        } else {
            if (*pos >= p->n)
                return false;
            *o = p->h[(*pos)++];
        }
        *nw = *o;
        return true;
    }
    k = ref_split(n);
    if (m <= k) {
        if (!ref_cons_rec(m, k, b, old_root, p, pos, &so, &sn) || *pos >= p->n)
            return false;
        *o = so;
        ref_node(&sn, &p->h[(*pos)++], nw);
    } else {
        if (!ref_cons_rec(m - k, n - k, false, old_root, p, pos, &so, &sn) || *pos >= p->n)
            return false;
        ref_node(&p->h[*pos], &so, o);
        ref_node(&p->h[*pos], &sn, nw);
        (*pos)++;
    }
    return true;
}

static bool ref_cons_ok(uint64_t m, uint64_t n, const struct bol_hash *old_root,
                        const struct bol_hash *new_root, const struct bol_merkle_proof *p)
{
    struct bol_hash o, nw;
    unsigned pos = 0;

    if (m == 0 || m > n || p->n > BOL_MERKLE_PROOF_MAX)
        return false;
    if (m == n)
        return p->n == 0 && hash_eq(old_root, new_root);
    return ref_cons_rec(m, n, true, old_root, p, &pos, &o, &nw) && pos == p->n &&
           hash_eq(&o, old_root) && hash_eq(&nw, new_root);
}

static unsigned popcount(uint64_t x)
{
    unsigned n = 0;

    for (; x; x >>= 1)
        n += (unsigned) (x & 1);
    return n;
}

/* ---- test trees and the source ---- */

struct tree {
    uint64_t n;
    struct bol_hash leaf[NLEAVES];
    /* node[L][i]: MTH of leaves [i * 2^L, (i + 1) * 2^L), by ref_mth */
    struct bol_hash node[NLEVELS][NLEAVES];
    /* root[s]: MTH of the first s leaves, by ref_mth */
    struct bol_hash root[NLEAVES + 1];
};

static struct tree big, rfc;

static void tree_build(struct tree *t)
{
    unsigned level;
    uint64_t i;

    for (level = 0; level < NLEVELS; level++) {
        uint64_t w = (uint64_t) 1 << level;

        for (i = 0; (i + 1) * w <= t->n; i++)
            ref_mth(&t->leaf[i * w], w, &t->node[level][i]);
    }
    for (i = 0; i <= t->n; i++)
        ref_mth(t->leaf, i, &t->root[i]);
}

struct tsrc {
    const struct tree *t;
    uint64_t limit; /* the tree the caller works on: leaves [0, limit) */
    unsigned long calls;
    unsigned long fail_at; /* fail the fail_at-th call (1-based); 0: never */
    int fail_code;
};

static int tsrc_get(void *ctx, unsigned level, uint64_t index, struct bol_hash *out)
{
    struct tsrc *s = ctx;

    s->calls++;
    if (s->fail_at && s->calls == s->fail_at)
        return s->fail_code;
    if (level >= NLEVELS || index >= (s->limit >> level))
        fail_msg("source asked for subtree (%u, %" PRIu64 ") beyond size %" PRIu64, level, index,
                 s->limit);
    *out = s->t->node[level][index];
    return 0;
}

static struct bol_merkle_source source(struct tsrc *s, const struct tree *t, uint64_t limit)
{
    struct bol_merkle_source src = { tsrc_get, s };

    memset(s, 0, sizeof(*s));
    s->t = t;
    s->limit = limit;
    return src;
}

static void hex_to(const char *hex, uint8_t *out, size_t n)
{
    size_t i;

    assert_int_equal(strlen(hex), 2 * n);
    for (i = 0; i < n; i++) {
        unsigned v;

        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t) v;
    }
}

static struct bol_hash hash_hex(const char *hex)
{
    struct bol_hash h;

    hex_to(hex, h.b, BOL_HASH_LEN);
    return h;
}

static void assert_hash_equal(const struct bol_hash *a, const struct bol_hash *b)
{
    assert_memory_equal(a->b, b->b, BOL_HASH_LEN);
    checks++;
}

static void assert_proof_equal(const struct bol_merkle_proof *a, const struct bol_merkle_proof *b)
{
    unsigned i;

    assert_int_equal(a->n, b->n);
    for (i = 0; i < a->n; i++)
        assert_hash_equal(&a->h[i], &b->h[i]);
}

static void flip(struct bol_hash *h, unsigned bit)
{
    h->b[(bit / 8) % BOL_HASH_LEN] ^= (uint8_t) (1u << (bit % 8));
}

/* A verifier's answer when it must not accept. */
static void assert_rejected(int r)
{
    if (r != BOL_E_CORRUPT && r != BOL_E_INVAL)
        fail_msg("expected corrupt or inval, got %d", r);
    checks++;
}

static void report(const char *name)
{
    print_message("%s: %lu checks\n", name, checks);
    checks = 0;
}

static int setup_trees(void **state)
{
    static const char *const rfc_leaves[] = {
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    };
    uint64_t i;

    test_group_setup(state);
    rfc.n = BOL_ARRAY_SIZE(rfc_leaves);
    for (i = 0; i < rfc.n; i++) {
        uint8_t data[16];
        size_t len = strlen(rfc_leaves[i]) / 2;

        hex_to(rfc_leaves[i], data, len);
        ref_leaf(data, len, &rfc.leaf[i]);
    }
    tree_build(&rfc);
    big.n = NLEAVES;
    for (i = 0; i < NLEAVES; i++) {
        char data[64];
        int len = snprintf(data, sizeof(data), "gate-in %" PRIu64 " %.*s", i, (int) (i % 23),
                           "MSCU1234566 MWCU5602541");

        ref_leaf(data, (size_t) len, &big.leaf[i]);
    }
    tree_build(&big);
    return 0;
}

/* ---- 1. the RFC 6962 / Certificate Transparency reference tree ---- */

static void test_hash_primitives(void **state)
{
    struct bol_hash a, b, want;

    (void) state;
    bol_merkle_empty_root(&a);
    assert_hash_equal(&a, &rfc.root[0]);
    want = hash_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_hash_equal(&a, &want);

    bol_merkle_leaf_hash("", 0, &a);
    assert_hash_equal(&a, &rfc.leaf[0]);
    want = hash_hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    assert_hash_equal(&a, &want);
    bol_merkle_leaf_hash("gate-in 5 MSCU1", 15, &a);
    assert_hash_equal(&a, &big.leaf[5]);

    bol_merkle_node_hash(&rfc.leaf[0], &rfc.leaf[1], &a);
    assert_hash_equal(&a, &rfc.node[1][0]);
    /* out may alias an input */
    a = rfc.leaf[2];
    bol_merkle_node_hash(&a, &rfc.leaf[3], &a);
    assert_hash_equal(&a, &rfc.node[1][1]);
    b = rfc.leaf[5];
    bol_merkle_node_hash(&rfc.leaf[4], &b, &b);
    assert_hash_equal(&b, &rfc.node[1][2]);
    report("hash_primitives");
}

static void test_rfc6962_vectors(void **state)
{
    static const char *const roots[] = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    };
    struct bol_merkle_frontier f;
    struct bol_hash root, want;
    uint64_t i;

    (void) state;
    bol_merkle_frontier_init(&f);
    for (i = 0; i <= rfc.n; i++) {
        want = hash_hex(roots[i]);
        assert_hash_equal(&rfc.root[i], &want); /* the test's reference agrees */
        bol_merkle_frontier_root(&f, &root);
        assert_hash_equal(&root, &want);
        if (i > 0) {
            struct tsrc s;
            struct bol_merkle_source src = source(&s, &rfc, i);

            assert_int_equal(bol_merkle_range_hash(&src, 0, i, &root), 0);
            assert_hash_equal(&root, &want);
        }
        if (i < rfc.n)
            assert_int_equal(bol_merkle_frontier_append(&f, &rfc.leaf[i], NULL, NULL), 0);
    }
    report("rfc6962_vectors");
}

static void test_rfc6962_inclusion_vectors(void **state)
{
    static const struct {
        uint64_t index;
        const char *h[3];
    } vec[] = {
        { 0,
          { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
        { 5,
          { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
    };
    size_t v;

    (void) state;
    for (v = 0; v < BOL_ARRAY_SIZE(vec); v++) {
        struct bol_merkle_proof want = { 3, { { { 0 } } } }, got;
        struct tsrc s;
        struct bol_merkle_source src = source(&s, &rfc, 8);
        unsigned i;

        for (i = 0; i < 3; i++)
            want.h[i] = hash_hex(vec[v].h[i]);
        assert_int_equal(bol_merkle_inclusion_proof(&src, vec[v].index, 8, &got), 0);
        assert_proof_equal(&got, &want);
        assert_int_equal(bol_merkle_inclusion_verify(vec[v].index, 8, &rfc.leaf[vec[v].index],
                                                     &want, &rfc.root[8]),
                         0);
        assert_true(ref_incl_ok(vec[v].index, 8, &rfc.leaf[vec[v].index], &want, &rfc.root[8]));
        checks++;
    }
    report("rfc6962_inclusion_vectors");
}

/*
 * Consistency proofs published with the Certificate Transparency reference
 * implementation's tests (the same four appear in its C++, Go and Python
 * ports) for the tree above.
 */
static void test_rfc6962_consistency_vectors(void **state)
{
    static const struct {
        uint64_t m, n;
        unsigned len;
        const char *h[3];
    } vec[] = {
        { 1, 1, 0, { NULL } },
        { 1,
          8,
          3,
          { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
        { 6,
          8,
          3,
          { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
        { 2,
          5,
          2,
          { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
    };
    size_t v;

    (void) state;
    for (v = 0; v < BOL_ARRAY_SIZE(vec); v++) {
        struct bol_merkle_proof want = { vec[v].len, { { { 0 } } } }, got;
        struct tsrc s;
        struct bol_merkle_source src = source(&s, &rfc, vec[v].n);
        unsigned i;

        for (i = 0; i < vec[v].len; i++)
            want.h[i] = hash_hex(vec[v].h[i]);
        assert_int_equal(bol_merkle_consistency_proof(&src, vec[v].m, vec[v].n, &got), 0);
        assert_proof_equal(&got, &want);
        assert_int_equal(bol_merkle_consistency_verify(vec[v].m, vec[v].n, &rfc.root[vec[v].m],
                                                       &rfc.root[vec[v].n], &want),
                         0);
        assert_true(
            ref_cons_ok(vec[v].m, vec[v].n, &rfc.root[vec[v].m], &rfc.root[vec[v].n], &want));
        checks++;
    }
    report("rfc6962_consistency_vectors");
}

/* ---- 2. frontier against the reference, load from a source ---- */

static void assert_frontier_equal(const struct bol_merkle_frontier *a,
                                  const struct bol_merkle_frontier *b)
{
    unsigned i;

    assert_int_equal(a->size, b->size);
    assert_int_equal(a->n, b->n);
    for (i = 0; i < a->n; i++)
        assert_hash_equal(&a->h[i], &b->h[i]);
}

static void test_frontier_matches_reference(void **state)
{
    struct bol_merkle_frontier f;
    struct bol_hash root;
    uint64_t size;

    (void) state;
    bol_merkle_frontier_init(&f);
    for (size = 1; size <= NLEAVES; size++) {
        struct bol_merkle_frontier g, h;
        struct tsrc s;
        struct bol_merkle_source src = source(&s, &big, size);
        struct bol_hash naive;
        uint64_t more;

        assert_int_equal(bol_merkle_frontier_append(&f, &big.leaf[size - 1], NULL, NULL), 0);
        assert_int_equal(f.size, size);
        assert_int_equal(f.n, popcount(size));
        bol_merkle_frontier_root(&f, &root);
        ref_mth(big.leaf, size, &naive);
        assert_hash_equal(&root, &naive);

        /* load: one get per set bit, the same frontier as appending */
        memset(&g, 0xa5, sizeof(g));
        assert_int_equal(bol_merkle_frontier_load(&g, size, &src), 0);
        assert_int_equal(s.calls, popcount(size));
        assert_frontier_equal(&g, &f);

        /* a loaded frontier keeps growing like the original */
        h = g;
        for (more = size; more < BOL_MIN(size + 17, (uint64_t) NLEAVES); more++) {
            assert_int_equal(bol_merkle_frontier_append(&h, &big.leaf[more], NULL, NULL), 0);
            bol_merkle_frontier_root(&h, &root);
            assert_hash_equal(&root, &big.root[more + 1]);
        }
    }
    report("frontier_matches_reference");
}

static void test_frontier_load_zero(void **state)
{
    struct bol_merkle_frontier f;
    struct bol_hash root, empty;
    struct tsrc s;
    struct bol_merkle_source src = source(&s, &big, 0);

    (void) state;
    memset(&f, 0xa5, sizeof(f));
    assert_int_equal(bol_merkle_frontier_load(&f, 0, &src), 0);
    assert_int_equal(s.calls, 0);
    assert_int_equal(f.size, 0);
    assert_int_equal(f.n, 0);
    bol_merkle_frontier_root(&f, &root);
    bol_merkle_empty_root(&empty);
    assert_hash_equal(&root, &empty);
    assert_int_equal(bol_merkle_frontier_append(&f, &big.leaf[0], NULL, NULL), 0);
    bol_merkle_frontier_root(&f, &root);
    assert_hash_equal(&root, &big.leaf[0]);
    report("frontier_load_zero");
}

/* ---- 3. inclusion and consistency proofs, generated, verified, tampered ---- */

/* Sizes tried exhaustively: all of 1..80, then a spread up to NLEAVES. */
static bool dense_size(uint64_t n)
{
    return n <= 80 || n % 11 == 0 || (n & (n - 1)) == 0 || ((n + 1) & n) == 0 ||
           ((n - 1) & (n - 2)) == 0 || n == NLEAVES;
}

static void check_inclusion_change(uint64_t index, uint64_t size, const struct bol_hash *leaf,
                                   const struct bol_merkle_proof *p, const struct bol_hash *root,
                                   unsigned long *accepted)
{
    int r = bol_merkle_inclusion_verify(index, size, leaf, p, root);
    bool ok = ref_incl_ok(index, size, leaf, p, root);

    if (r == 0) {
        /*
         * The size is not authenticated by the hash chain alone: when the
         * path for (index, size) has the same shape as the real one, the same
         * hashes lead to the same root.  Then the reference must agree.
         */
        assert_true(ok);
        (*accepted)++;
    } else {
        assert_false(ok);
        assert_rejected(r);
    }
    checks++;
}

static void test_inclusion_all(void **state)
{
    unsigned long proofs = 0, size_changes = 0, size_accepted = 0;
    uint64_t n, m;

    (void) state;
    for (n = 1; n <= NLEAVES; n++) {
        const struct bol_hash *root = &big.root[n];

        if (!dense_size(n))
            continue;
        for (m = 0; m < n; m++) {
            const struct bol_hash *leaf = &big.leaf[m];
            struct bol_merkle_proof p, q;
            struct bol_hash x;
            struct tsrc s;
            struct bol_merkle_source src = source(&s, &big, n);
            unsigned i;

            assert_int_equal(bol_merkle_inclusion_proof(&src, m, n, &p), 0);
            assert_int_equal(bol_merkle_inclusion_verify(m, n, leaf, &p, root), 0);
            assert_true(ref_incl_ok(m, n, leaf, &p, root));
            proofs++;
            if (n <= 64) {
                q.n = 0;
                ref_path(m, big.leaf, n, &q);
                assert_proof_equal(&p, &q);
            }

            /* one flipped bit anywhere */
            for (i = 0; i < p.n; i++) {
                q = p;
                flip(&q.h[i], (unsigned) (i * 37 + m));
                assert_int_equal(bol_merkle_inclusion_verify(m, n, leaf, &q, root), BOL_E_CORRUPT);
            }
            x = *leaf;
            flip(&x, (unsigned) (m * 7));
            assert_int_equal(bol_merkle_inclusion_verify(m, n, &x, &p, root), BOL_E_CORRUPT);
            x = *root;
            flip(&x, (unsigned) (n * 5 + m));
            assert_int_equal(bol_merkle_inclusion_verify(m, n, leaf, &p, &x), BOL_E_CORRUPT);

            /* wrong length */
            q = p;
            q.h[q.n++] = big.leaf[0];
            assert_int_equal(bol_merkle_inclusion_verify(m, n, leaf, &q, root), BOL_E_INVAL);
            if (p.n > 0) {
                q = p;
                q.n--;
                assert_int_equal(bol_merkle_inclusion_verify(m, n, leaf, &q, root), BOL_E_INVAL);
            }

            /* another index: never a match in the same tree */
            if (m + 1 < n) {
                assert_rejected(bol_merkle_inclusion_verify(m + 1, n, leaf, &p, root));
                assert_false(ref_incl_ok(m + 1, n, leaf, &p, root));
            } else {
                assert_int_equal(bol_merkle_inclusion_verify(m + 1, n, leaf, &p, root),
                                 BOL_E_INVAL);
            }
            if (m > 0) {
                assert_rejected(bol_merkle_inclusion_verify(m - 1, n, leaf, &p, root));
                assert_false(ref_incl_ok(m - 1, n, leaf, &p, root));
            }
            /* the other leaf at this index's position is not accepted either */
            if (n > 1) {
                assert_int_equal(
                    bol_merkle_inclusion_verify(m, n, &big.leaf[(m + 1) % n], &p, root),
                    BOL_E_CORRUPT);
            }

            /* another size: rejected unless the path has the same shape */
            check_inclusion_change(m, n + 1, leaf, &p, root, &size_accepted);
            size_changes++;
            if (m < n - 1) {
                check_inclusion_change(m, n - 1, leaf, &p, root, &size_accepted);
                size_changes++;
            } else {
                assert_int_equal(bol_merkle_inclusion_verify(m, n - 1, leaf, &p, root),
                                 BOL_E_INVAL);
            }
            checks += 8;
        }
    }
    /* the size change must be caught most of the time */
    /*
     * No minimum rejection rate: for most leaves the path in the tree of
     * n +- 1 leaves has the same shape (n = 100 and 101 both put leaves 0..63
     * under one left subtree), so the hash chain, and RFC 9162's check, do not
     * tell the sizes apart.  A root means something only with its own size.
     */
    print_message("inclusion: %lu proofs, size +-1 accepted %lu of %lu (same path shape)\n", proofs,
                  size_accepted, size_changes);
    report("inclusion_all");
}

static void check_consistency_change(uint64_t m, uint64_t n, const struct bol_hash *old_root,
                                     const struct bol_hash *new_root,
                                     const struct bol_merkle_proof *p, unsigned long *accepted)
{
    int r = bol_merkle_consistency_verify(m, n, old_root, new_root, p);
    bool ok = ref_cons_ok(m, n, old_root, new_root, p);

    if (r == 0) {
        assert_true(ok);
        (*accepted)++;
    } else {
        assert_false(ok);
        assert_rejected(r);
    }
    checks++;
}

/* Pairs tried: all for small trees, a spread of old sizes for larger ones. */
static bool dense_pair(uint64_t m, uint64_t n)
{
    if (n <= 64)
        return true;
    if (!dense_size(n))
        return false;
    return m <= 9 || n - m <= 9 || m % 7 == 0 || (m & (m - 1)) == 0 || ((m + 1) & m) == 0;
}

static void test_consistency_all(void **state)
{
    unsigned long proofs = 0, changes = 0, accepted = 0;
    uint64_t n, m;

    (void) state;
    for (n = 1; n <= NLEAVES; n++) {
        const struct bol_hash *new_root = &big.root[n];

        for (m = 1; m <= n; m++) {
            const struct bol_hash *old_root = &big.root[m];
            struct bol_merkle_proof p, q;
            struct bol_hash x;
            struct tsrc s;
            struct bol_merkle_source src = source(&s, &big, n);
            unsigned i;

            if (!dense_pair(m, n))
                continue;
            memset(&p, 0xa5, sizeof(p));
            assert_int_equal(bol_merkle_consistency_proof(&src, m, n, &p), 0);
            assert_int_equal(bol_merkle_consistency_verify(m, n, old_root, new_root, &p), 0);
            assert_true(ref_cons_ok(m, n, old_root, new_root, &p));
            proofs++;
            if (n <= 64 || m % 7 == 0) {
                q.n = 0;
                if (m < n)
                    ref_subproof(m, big.leaf, n, true, &q);
                assert_proof_equal(&p, &q);
            }

            /* one flipped bit anywhere */
            for (i = 0; i < p.n; i++) {
                q = p;
                flip(&q.h[i], (unsigned) (i * 41 + m + n));
                assert_int_equal(bol_merkle_consistency_verify(m, n, old_root, new_root, &q),
                                 BOL_E_CORRUPT);
            }
            x = *old_root;
            flip(&x, (unsigned) (m * 3 + n));
            assert_int_equal(bol_merkle_consistency_verify(m, n, &x, new_root, &p), BOL_E_CORRUPT);
            x = *new_root;
            flip(&x, (unsigned) (m + n * 13));
            assert_int_equal(bol_merkle_consistency_verify(m, n, old_root, &x, &p), BOL_E_CORRUPT);
            if (m < n) {
                /* an old root from another size, with this proof */
                assert_int_equal(
                    bol_merkle_consistency_verify(m, n, &big.root[m - 1], new_root, &p),
                    BOL_E_CORRUPT);
            }

            /* wrong length */
            q = p;
            q.h[q.n++] = big.leaf[0];
            assert_int_equal(bol_merkle_consistency_verify(m, n, old_root, new_root, &q),
                             BOL_E_INVAL);
            if (p.n > 0) {
                q = p;
                q.n--;
                assert_int_equal(bol_merkle_consistency_verify(m, n, old_root, new_root, &q),
                                 BOL_E_INVAL);
            }

            /* sizes out of order */
            assert_int_equal(bol_merkle_consistency_verify(n + 1, n, old_root, new_root, &p),
                             BOL_E_INVAL);
            assert_int_equal(bol_merkle_consistency_verify(0, n, old_root, new_root, &p),
                             BOL_E_INVAL);

            /* another size: rejected unless the proof has the same shape */
            if (m + 1 <= n) {
                check_consistency_change(m + 1, n, old_root, new_root, &p, &accepted);
                changes++;
            } else {
                assert_int_equal(bol_merkle_consistency_verify(m + 1, n, old_root, new_root, &p),
                                 BOL_E_INVAL);
            }
            if (m > 1) {
                check_consistency_change(m - 1, n, old_root, new_root, &p, &accepted);
                changes++;
            }
            check_consistency_change(m, n + 1, old_root, new_root, &p, &accepted);
            changes++;
            if (m < n) {
                check_consistency_change(m, n - 1, old_root, new_root, &p, &accepted);
                changes++;
            }
            checks += 8;
        }
    }
    /* As for inclusion, the shape often survives a size change: no minimum. */
    print_message("consistency: %lu proofs, size +-1 accepted %lu of %lu (same proof shape)\n",
                  proofs, accepted, changes);
    report("consistency_all");
}

/* ---- 4. on_node reports every perfect subtree once ---- */

struct seen {
    uint64_t size; /* leaves after the append in progress */
    int last_level;
    unsigned long reports;
    uint8_t count[NLEVELS][NLEAVES];
};

static void on_node(void *ctx, unsigned level, uint64_t index, const struct bol_hash *hash)
{
    struct seen *s = ctx;

    if (level >= NLEVELS || index >= (NLEAVES >> level))
        fail_msg("reported subtree (%u, %" PRIu64 ") does not exist", level, index);
    /* lowest level first, and the subtree ends at the leaf just appended */
    assert_true((int) level > s->last_level);
    s->last_level = (int) level;
    assert_int_equal((index + 1) << level, s->size);
    assert_hash_equal(hash, &big.node[level][index]);
    s->count[level][index]++;
    s->reports++;
}

static void test_on_node(void **state)
{
    static struct seen s;
    struct bol_merkle_frontier f;
    unsigned long want = 0;
    unsigned level;
    uint64_t i;

    (void) state;
    memset(&s, 0, sizeof(s));
    bol_merkle_frontier_init(&f);
    for (i = 0; i < NLEAVES; i++) {
        s.size = i + 1;
        s.last_level = -1;
        assert_int_equal(bol_merkle_frontier_append(&f, &big.leaf[i], on_node, &s), 0);
        assert_int_equal(s.last_level, __builtin_ctzll(i + 1));
    }
    for (level = 0; level < NLEVELS; level++) {
        for (i = 0; i < NLEAVES; i++) {
            assert_int_equal(s.count[level][i], i < (NLEAVES >> level) ? 1 : 0);
            checks++;
        }
        want += NLEAVES >> level;
    }
    assert_int_equal(s.reports, want);
    report("on_node");
}

/* ---- 5. range hashes ---- */

static void test_range_hash(void **state)
{
    uint64_t b, e;

    (void) state;
    for (e = 1; e <= NLEAVES; e++) {
        for (b = 0; b < e; b++) {
            struct tsrc s;
            struct bol_merkle_source src = source(&s, &big, e);
            struct bol_hash got, want;

            if (!(e <= 80 || (e % 17 == 0 && (b % 5 == 0 || e - b < 9)) || b == 0))
                continue;
            assert_int_equal(bol_merkle_range_hash(&src, b, e, &got), 0);
            ref_mth(&big.leaf[b], e - b, &want);
            assert_hash_equal(&got, &want);
            if (b == 0)
                assert_int_equal(s.calls, popcount(e));
            else
                assert_true(s.calls <= e - b);
        }
    }
    report("range_hash");
}

static void test_range_hash_invalid(void **state)
{
    struct tsrc s;
    struct bol_merkle_source src = source(&s, &big, NLEAVES);
    struct bol_hash out, keep;

    (void) state;
    memset(&out, 0x5a, sizeof(out));
    keep = out;
    assert_int_equal(bol_merkle_range_hash(&src, 0, 0, &out), BOL_E_INVAL);
    assert_int_equal(bol_merkle_range_hash(&src, 7, 7, &out), BOL_E_INVAL);
    assert_int_equal(bol_merkle_range_hash(&src, 8, 7, &out), BOL_E_INVAL);
    assert_int_equal(bol_merkle_range_hash(&src, UINT64_MAX, 0, &out), BOL_E_INVAL);
    assert_hash_equal(&out, &keep);
    assert_int_equal(s.calls, 0);
    report("range_hash_invalid");
}

/* ---- 6. edge cases ---- */

static void test_empty_frontier(void **state)
{
    struct bol_merkle_frontier f;
    struct bol_hash root,
        want = hash_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    (void) state;
    memset(&f, 0xa5, sizeof(f));
    bol_merkle_frontier_init(&f);
    assert_int_equal(f.size, 0);
    assert_int_equal(f.n, 0);
    bol_merkle_frontier_root(&f, &root);
    assert_hash_equal(&root, &want);
    report("empty_frontier");
}

static void test_proof_argument_errors(void **state)
{
    struct bol_merkle_proof p, keep, ok;
    struct tsrc s;
    struct bol_merkle_source src = source(&s, &big, 10);

    (void) state;
    memset(&p, 0x5a, sizeof(p));
    keep = p;
    assert_int_equal(bol_merkle_inclusion_proof(&src, 0, 0, &p), BOL_E_INVAL);
    assert_int_equal(bol_merkle_inclusion_proof(&src, 10, 10, &p), BOL_E_INVAL);
    assert_int_equal(bol_merkle_inclusion_proof(&src, 11, 10, &p), BOL_E_INVAL);
    assert_int_equal(bol_merkle_inclusion_proof(&src, UINT64_MAX, 10, &p), BOL_E_INVAL);
    assert_int_equal(bol_merkle_consistency_proof(&src, 0, 10, &p), BOL_E_INVAL);
    assert_int_equal(bol_merkle_consistency_proof(&src, 0, 0, &p), BOL_E_INVAL);
    assert_int_equal(bol_merkle_consistency_proof(&src, 11, 10, &p), BOL_E_INVAL);
    assert_memory_equal(&p, &keep, sizeof(p));
    assert_int_equal(s.calls, 0);

    assert_int_equal(bol_merkle_inclusion_proof(&src, 3, 10, &ok), 0);
    assert_int_equal(bol_merkle_inclusion_verify(10, 10, &big.leaf[3], &ok, &big.root[10]),
                     BOL_E_INVAL);
    assert_int_equal(bol_merkle_inclusion_verify(0, 0, &big.leaf[3], &ok, &big.root[10]),
                     BOL_E_INVAL);

    /* a proof longer than any proof can be is refused before it is read */
    p = ok;
    p.n = BOL_MERKLE_PROOF_MAX + 1;
    assert_int_equal(bol_merkle_inclusion_verify(3, 10, &big.leaf[3], &p, &big.root[10]),
                     BOL_E_INVAL);
    p.n = UINT_MAX;
    assert_int_equal(bol_merkle_inclusion_verify(3, 10, &big.leaf[3], &p, &big.root[10]),
                     BOL_E_INVAL);
    assert_int_equal(bol_merkle_consistency_verify(3, 10, &big.root[3], &big.root[10], &p),
                     BOL_E_INVAL);

    /* equal sizes: empty proof, equal roots */
    assert_int_equal(bol_merkle_consistency_proof(&src, 10, 10, &p), 0);
    assert_int_equal(p.n, 0);
    assert_int_equal(bol_merkle_consistency_verify(10, 10, &big.root[10], &big.root[10], &p), 0);
    assert_int_equal(bol_merkle_consistency_verify(10, 10, &big.root[9], &big.root[10], &p),
                     BOL_E_CORRUPT);
    p.n = 1;
    p.h[0] = big.root[10];
    assert_int_equal(bol_merkle_consistency_verify(10, 10, &big.root[10], &big.root[10], &p),
                     BOL_E_INVAL);
    p.n = 0;
    assert_int_equal(bol_merkle_consistency_verify(0, 0, &big.root[0], &big.root[0], &p),
                     BOL_E_INVAL);
    /* a non-empty proof is needed when the sizes differ */
    assert_int_equal(bol_merkle_consistency_verify(4, 8, &big.root[4], &big.root[8], &p),
                     BOL_E_INVAL);
    report("proof_argument_errors");
}

/* Fail the k-th source call for each k a successful run makes: the code passes through. */
static void test_source_errors(void **state)
{
    static const int codes[] = { BOL_E_IO, BOL_E_NOTFOUND, BOL_E_STORE_BUSY };
    unsigned long k, total;
    size_t c;

    (void) state;
    for (c = 0; c < BOL_ARRAY_SIZE(codes); c++) {
        int code = codes[c];
        struct tsrc s;
        struct bol_merkle_source src;
        struct bol_merkle_frontier f, fkeep;
        struct bol_merkle_proof p, pkeep;
        struct bol_hash h, hkeep;

        memset(&f, 0x5a, sizeof(f));
        fkeep = f;
        memset(&p, 0x5a, sizeof(p));
        pkeep = p;
        memset(&h, 0x5a, sizeof(h));
        hkeep = h;

        src = source(&s, &big, 299);
        assert_int_equal(bol_merkle_frontier_load(&f, 299, &src), 0);
        total = s.calls;
        for (k = 1; k <= total; k++) {
            f = fkeep;
            src = source(&s, &big, 299);
            s.fail_at = k;
            s.fail_code = code;
            assert_int_equal(bol_merkle_frontier_load(&f, 299, &src), code);
            assert_int_equal(s.calls, k); /* stops at the first error */
            assert_memory_equal(&f, &fkeep, sizeof(f));
        }

        src = source(&s, &big, 299);
        assert_int_equal(bol_merkle_range_hash(&src, 3, 299, &h), 0);
        total = s.calls;
        for (k = 1; k <= total; k++) {
            h = hkeep;
            src = source(&s, &big, 299);
            s.fail_at = k;
            s.fail_code = code;
            assert_int_equal(bol_merkle_range_hash(&src, 3, 299, &h), code);
            assert_int_equal(s.calls, k);
            assert_hash_equal(&h, &hkeep);
        }

        src = source(&s, &big, 299);
        assert_int_equal(bol_merkle_inclusion_proof(&src, 200, 299, &p), 0);
        total = s.calls;
        assert_true(total > 0);
        for (k = 1; k <= total; k++) {
            p = pkeep;
            src = source(&s, &big, 299);
            s.fail_at = k;
            s.fail_code = code;
            assert_int_equal(bol_merkle_inclusion_proof(&src, 200, 299, &p), code);
            assert_int_equal(s.calls, k);
            assert_memory_equal(&p, &pkeep, sizeof(p));
        }

        src = source(&s, &big, 299);
        assert_int_equal(bol_merkle_consistency_proof(&src, 135, 299, &p), 0);
        total = s.calls;
        assert_true(total > 0);
        for (k = 1; k <= total; k++) {
            p = pkeep;
            src = source(&s, &big, 299);
            s.fail_at = k;
            s.fail_code = code;
            assert_int_equal(bol_merkle_consistency_proof(&src, 135, 299, &p), code);
            assert_int_equal(s.calls, k);
            assert_memory_equal(&p, &pkeep, sizeof(p));
            checks += 4;
        }
    }
    report("source_errors");
}

/*
 * Trees near the 2^63 limit.  With every leaf equal, the perfect subtree at
 * level L has one hash u[L] whatever its index, so a source for any size is a
 * 64-entry table, and the index arithmetic can be checked where it is most
 * likely to overflow.
 */
static struct bol_hash u[64];

struct usrc {
    uint64_t limit;
    unsigned long calls;
};

static int usrc_get(void *ctx, unsigned level, uint64_t index, struct bol_hash *out)
{
    struct usrc *s = ctx;

    s->calls++;
    if (level >= 64 || index >= (s->limit >> level))
        fail_msg("source asked for subtree (%u, %" PRIu64 ") beyond size %" PRIu64, level, index,
                 s->limit);
    *out = u[level];
    return 0;
}

/* MTH of n equal leaves, by the RFC 6962 split. */
static void ref_uniform_root(uint64_t n, struct bol_hash *out)
{
    struct bol_hash right;
    uint64_t k;
    unsigned level = 0;

    if (n == 1) {
        *out = u[0];
        return;
    }
    k = ref_split(n);
    while (((uint64_t) 1 << level) < k)
        level++;
    ref_uniform_root(n - k, &right);
    ref_node(&u[level], &right, out);
}

static void test_huge_trees(void **state)
{
    static const uint64_t top = (uint64_t) 1 << 63;
    static const uint64_t sizes[] = {
        (uint64_t) 1 << 63,
        ((uint64_t) 1 << 63) - 1,
        ((uint64_t) 1 << 62) + 1,
        0x5555555555555555u,
        0x7fffffff00000001u,
        3,
        0x4000000000000000u + 0x1234567u,
    };
    struct bol_merkle_source src;
    struct bol_merkle_frontier f;
    struct bol_merkle_proof p;
    struct bol_hash root;
    struct usrc s;
    size_t i, j;
    unsigned level;

    (void) state;
    ref_leaf("x", 1, &u[0]);
    for (level = 1; level < 64; level++)
        ref_node(&u[level - 1], &u[level - 1], &u[level]);
    src.get = usrc_get;
    src.ctx = &s;

    for (i = 0; i < BOL_ARRAY_SIZE(sizes); i++) {
        uint64_t n = sizes[i];
        struct bol_hash want;
        const uint64_t idx[] = { 0, 1, n / 2, n / 3, n - 2, n - 1, (n / 7) * 5 };
        const uint64_t olds[] = { 1, 2, 3, n / 2, n / 3 + 1, n - 2, n - 1, n, top >> 1 };

        ref_uniform_root(n, &want);
        s.limit = n;
        s.calls = 0;
        assert_int_equal(bol_merkle_frontier_load(&f, n, &src), 0);
        assert_int_equal(s.calls, popcount(n));
        bol_merkle_frontier_root(&f, &root);
        assert_hash_equal(&root, &want);
        assert_int_equal(bol_merkle_range_hash(&src, 0, n, &root), 0);
        assert_hash_equal(&root, &want);

        for (j = 0; j < BOL_ARRAY_SIZE(idx); j++) {
            if (idx[j] >= n)
                continue;
            assert_int_equal(bol_merkle_inclusion_proof(&src, idx[j], n, &p), 0);
            assert_int_equal(bol_merkle_inclusion_verify(idx[j], n, &u[0], &p, &want), 0);
            assert_true(ref_incl_ok(idx[j], n, &u[0], &p, &want));
            checks++;
        }
        for (j = 0; j < BOL_ARRAY_SIZE(olds); j++) {
            struct bol_hash old;

            if (olds[j] == 0 || olds[j] > n)
                continue;
            ref_uniform_root(olds[j], &old);
            assert_int_equal(bol_merkle_consistency_proof(&src, olds[j], n, &p), 0);
            assert_int_equal(bol_merkle_consistency_verify(olds[j], n, &old, &want, &p), 0);
            assert_true(ref_cons_ok(olds[j], n, &old, &want, &p));
            checks++;
        }
    }

    /* the longest proofs there are */
    s.limit = top;
    assert_int_equal(bol_merkle_consistency_proof(&src, top - 1, top, &p), 0);
    assert_int_equal(p.n, BOL_MERKLE_PROOF_MAX);
    assert_int_equal(bol_merkle_inclusion_proof(&src, top - 1, top, &p), 0);
    assert_int_equal(p.n, 63);

    /* past the limit */
    s.limit = UINT64_MAX;
    s.calls = 0;
    memset(&f, 0x5a, sizeof(f));
    {
        struct bol_merkle_frontier keep = f;

        assert_int_equal(bol_merkle_frontier_load(&f, top + 1, &src), BOL_E_TOOBIG);
        assert_memory_equal(&f, &keep, sizeof(f));
    }
    assert_int_equal(bol_merkle_inclusion_proof(&src, 0, top + 1, &p), BOL_E_TOOBIG);
    assert_int_equal(bol_merkle_consistency_proof(&src, 1, top + 1, &p), BOL_E_TOOBIG);
    assert_int_equal(s.calls, 0);
    report("huge_trees");
}

struct count_levels {
    unsigned long calls;
    unsigned next_level;
    uint64_t last_index;
};

static void count_node(void *ctx, unsigned level, uint64_t index, const struct bol_hash *hash)
{
    struct count_levels *c = ctx;

    (void) hash;
    assert_int_equal(level, c->next_level);
    c->next_level++;
    c->last_index = index;
    c->calls++;
}

static void test_append_limit(void **state)
{
    static const uint64_t top = (uint64_t) 1 << 63;
    struct bol_merkle_frontier f, keep;
    struct count_levels c = { 0, 0, 0 };
    struct bol_hash root;
    unsigned i;

    (void) state;
    /* 2^63 - 1 equal leaves: 63 subtrees; one more completes the whole tree */
    ref_leaf("x", 1, &u[0]);
    for (i = 1; i < 64; i++)
        ref_node(&u[i - 1], &u[i - 1], &u[i]);
    bol_merkle_frontier_init(&f);
    f.size = top - 1;
    f.n = 63;
    for (i = 0; i < 63; i++)
        f.h[i] = u[62 - i];
    assert_int_equal(bol_merkle_frontier_append(&f, &u[0], count_node, &c), 0);
    assert_int_equal(c.calls, 64);
    assert_int_equal(c.last_index, 0);
    assert_int_equal(f.size, top);
    assert_int_equal(f.n, 1);
    assert_hash_equal(&f.h[0], &u[63]);
    bol_merkle_frontier_root(&f, &root);
    assert_hash_equal(&root, &u[63]);

    /* size would pass 2^63: refused, frontier unchanged, no callback */
    keep = f;
    c.calls = 0;
    assert_int_equal(bol_merkle_frontier_append(&f, &u[0], count_node, &c), BOL_E_TOOBIG);
    assert_int_equal(c.calls, 0);
    assert_memory_equal(&f, &keep, sizeof(f));
    report("append_limit");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_primitives),
        cmocka_unit_test(test_rfc6962_vectors),
        cmocka_unit_test(test_rfc6962_inclusion_vectors),
        cmocka_unit_test(test_rfc6962_consistency_vectors),
        cmocka_unit_test(test_frontier_matches_reference),
        cmocka_unit_test(test_frontier_load_zero),
        cmocka_unit_test(test_inclusion_all),
        cmocka_unit_test(test_consistency_all),
        cmocka_unit_test(test_on_node),
        cmocka_unit_test(test_range_hash),
        cmocka_unit_test(test_range_hash_invalid),
        cmocka_unit_test(test_empty_frontier),
        cmocka_unit_test(test_proof_argument_errors),
        cmocka_unit_test(test_source_errors),
        cmocka_unit_test(test_huge_trees),
        cmocka_unit_test(test_append_limit),
    };

    return cmocka_run_group_tests(tests, setup_trees, NULL);
}
