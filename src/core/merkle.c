/* SPDX-License-Identifier: Apache-2.0 */
/*
 * merkle.c - RFC 6962 / RFC 9162 Merkle tree hashing and proofs
 *
 * Positions are absolute leaf numbers in the tree from leaf 0.  The tree of
 * RFC 6962 splits a list of n > 1 leaves at k, the largest power of two below
 * n; because every split point is a power of two and the left part is always
 * complete, each left part [lo, lo + k) the descent meets starts at a multiple
 * of k and is a perfect subtree the source can answer in one call.  Right
 * parts may be incomplete and are hashed by range_mth(), which asks the source
 * for the perfect subtrees they are made of.
 *
 * Proofs are built top-down (that is the direction the descent knows the
 * siblings in) but stored leaf-first, so the builders count the proof length
 * first and fill the array from its end.  The verifiers check the length
 * against the same count before hashing, so a malformed proof is BOL_E_INVAL
 * and only a well-formed one that leads elsewhere is BOL_E_CORRUPT.
 *
 * Trees hold at most 2^63 leaves: the frontier refuses to grow past it and
 * BOL_MERKLE_PROOF_MAX is sized for it.
 */
#include "compat.h"

#include "errors.h"
#include "merkle.h"
#include "sha256.h"

#define MAX_LEAVES ((uint64_t) 1 << 63)

void bol_merkle_leaf_hash(const void *data, size_t n, struct bol_hash *out)
{
    static const uint8_t prefix = 0x00;
    struct bol_span parts[2] = { { &prefix, 1 }, { data, n } };

    bol_sha256_parts(parts, BOL_ARRAY_SIZE(parts), out->b);
}

/*
 * out may be left or right: the input is copied before hashing.  One 65-byte
 * update is measurably faster than three small ones, and node hashing is
 * half of all hashing in a tree.
 */
void bol_merkle_node_hash(const struct bol_hash *left, const struct bol_hash *right,
                          struct bol_hash *out)
{
    uint8_t in[1 + 2 * BOL_HASH_LEN];

    in[0] = 0x01;
    memcpy(in + 1, left->b, BOL_HASH_LEN);
    memcpy(in + 1 + BOL_HASH_LEN, right->b, BOL_HASH_LEN);
    bol_sha256(in, sizeof(in), out->b);
}

void bol_merkle_empty_root(struct bol_hash *out)
{
    bol_sha256("", 0, out->b);
}

static bool hash_eq(const struct bol_hash *a, const struct bol_hash *b)
{
    return memcmp(a->b, b->b, BOL_HASH_LEN) == 0;
}

/* Number of bits needed to write x: 0 for 0, 64 for values from 2^63. */
static unsigned bit_length(uint64_t x)
{
    return x ? 64u - (unsigned) __builtin_clzll(x) : 0;
}

static bool is_pow2(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* RFC 6962's k for a list of n >= 2 leaves: the largest power of two < n. */
static uint64_t split_point(uint64_t n)
{
    return (uint64_t) 1 << (bit_length(n - 1) - 1);
}

void bol_merkle_frontier_init(struct bol_merkle_frontier *f)
{
    memset(f, 0, sizeof(*f));
}

int bol_merkle_frontier_append(struct bol_merkle_frontier *f, const struct bol_hash *leaf,
                               bol_merkle_node_fn on_node, void *ctx)
{
    struct bol_hash cur = *leaf;
    uint64_t index = f->size;
    unsigned level = 0;

    if (f->size >= MAX_LEAVES)
        return BOL_E_TOOBIG;
    /* Checked before any change: a frontier broken by hand could overrun h[]. */
    if (BOL_NEVER(f->n != (unsigned) __builtin_popcountll(f->size)))
        return BOL_E_INTERNAL;
    if (on_node)
        on_node(ctx, 0, index, &cur);
    /*
     * The frontier holds one perfect subtree per set bit of size, smallest
     * last.  A subtree with an odd index at its level is a right child, and
     * its left sibling (index - 1) is complete, so it is the frontier's last
     * entry: merge the two and move up.  This is binary increment, each carry
     * completing one subtree one level up; the first even index ends it, and
     * what is left is pushed as the new smallest entry.  There are at least
     * as many entries as carries: the trailing one bits of size are set bits.
     */
    while (index & 1) {
        f->n--;
        bol_merkle_node_hash(&f->h[f->n], &cur, &cur);
        index >>= 1;
        level++;
        if (on_node)
            on_node(ctx, level, index, &cur);
    }
    f->h[f->n++] = cur;
    f->size++;
    return 0;
}

int bol_merkle_frontier_append_node(struct bol_merkle_frontier *f, unsigned level,
                                    const struct bol_hash *hash, bol_merkle_node_fn on_node,
                                    void *ctx)
{
    struct bol_hash cur = *hash;
    uint64_t width, index;

    if (level >= 63)
        return BOL_E_INVAL;
    width = (uint64_t) 1 << level;
    if (f->size & (width - 1))
        return BOL_E_INVAL;
    if (f->size > MAX_LEAVES - width)
        return BOL_E_TOOBIG;
    if (BOL_NEVER(f->n != (unsigned) __builtin_popcountll(f->size)))
        return BOL_E_INTERNAL;
    index = f->size >> level;
    if (on_node)
        on_node(ctx, level, index, &cur);
    /* The same carry as a leaf append, starting at this level. */
    while (index & 1) {
        f->n--;
        bol_merkle_node_hash(&f->h[f->n], &cur, &cur);
        index >>= 1;
        level++;
        if (on_node)
            on_node(ctx, level, index, &cur);
    }
    f->h[f->n++] = cur;
    f->size += width;
    return 0;
}

void bol_merkle_frontier_root(const struct bol_merkle_frontier *f, struct bol_hash *out)
{
    struct bol_hash acc;
    unsigned i;

    if (f->n == 0) {
        bol_merkle_empty_root(out);
        return;
    }
    /*
     * With several entries, the largest is RFC 6962's left part: its size,
     * the top bit of size, is the largest power of two below size.  The other
     * entries make up the right part the same way, so the root folds them
     * from the smallest leftwards.
     */
    acc = f->h[f->n - 1];
    for (i = f->n - 1; i > 0; i--)
        bol_merkle_node_hash(&f->h[i - 1], &acc, &acc);
    *out = acc;
}

int bol_merkle_frontier_load(struct bol_merkle_frontier *f, uint64_t size,
                             const struct bol_merkle_source *src)
{
    struct bol_hash h[64];
    uint64_t pos = 0;
    unsigned n = 0;
    unsigned level;

    if (size > MAX_LEAVES)
        return BOL_E_TOOBIG;
    /*
     * Leaves [0, size) split into one perfect subtree per set bit of size,
     * largest first.  The one for bit L starts at pos, the sum of the higher
     * bits, which is a multiple of 2^(L+1): it is aligned, with index
     * pos >> L at its level.
     */
    for (level = 64; level-- > 0;) {
        uint64_t width = (uint64_t) 1 << level;
        int r;

        if (!(size & width))
            continue;
        r = src->get(src->ctx, level, pos >> level, &h[n]);
        if (r < 0)
            return r;
        n++;
        pos += width;
    }
    f->size = size;
    f->n = n;
    memcpy(f->h, h, n * sizeof(h[0]));
    return 0;
}

/*
 * MTH(D[begin:end]), end > begin.  A range that is a perfect aligned subtree
 * is one source call.  Otherwise split where RFC 6962 does, k leaves after
 * begin (not at a multiple of k: the slice is a list of its own).  When begin
 * is a multiple of k, as it always is in proofs, the left part is one call
 * and only the right part recurses, so a range costs O(log n) calls.  With
 * 2^t the largest power of two dividing begin, the slice's tree shares no
 * node larger than 2^t leaves with the stored tree, so it is rebuilt from
 * pieces of at most 2^t leaves: about (end - begin) / 2^t calls.  A right
 * part is at most half its parent and a left part is a power of two whose
 * parts are halves, so the recursion is at most 2 * 64 deep.
 */
static int range_mth(const struct bol_merkle_source *src, uint64_t begin, uint64_t end,
                     struct bol_hash *out)
{
    uint64_t len = end - begin;
    struct bol_hash left, right;
    uint64_t k;
    int r;

    if (is_pow2(len) && (begin & (len - 1)) == 0) {
        unsigned level = bit_length(len) - 1;

        return src->get(src->ctx, level, begin >> level, out);
    }
    k = split_point(len);
    r = range_mth(src, begin, begin + k, &left);
    if (r < 0)
        return r;
    r = range_mth(src, begin + k, end, &right);
    if (r < 0)
        return r;
    bol_merkle_node_hash(&left, &right, out);
    return 0;
}

int bol_merkle_range_hash(const struct bol_merkle_source *src, uint64_t begin, uint64_t end,
                          struct bol_hash *out)
{
    struct bol_hash h;
    int r;

    if (begin >= end)
        return BOL_E_INVAL;
    r = range_mth(src, begin, end, &h);
    if (r < 0)
        return r;
    *out = h;
    return 0;
}

/*
 * Length of PATH(index, D[0:size]) (RFC 6962 2.1.1): the depth of the leaf,
 * one sibling per split on the way down.
 */
static unsigned inclusion_len(uint64_t index, uint64_t size)
{
    uint64_t lo = 0, hi = size;
    unsigned n = 0;

    while (hi - lo > 1) {
        uint64_t k = split_point(hi - lo);

        if (index < lo + k)
            hi = lo + k;
        else
            lo += k;
        n++;
    }
    return n;
}

int bol_merkle_inclusion_proof(const struct bol_merkle_source *src, uint64_t index, uint64_t size,
                               struct bol_merkle_proof *out)
{
    struct bol_hash h[BOL_MERKLE_PROOF_MAX];
    uint64_t lo = 0, hi = size;
    unsigned n, pos;
    int r;

    if (size > MAX_LEAVES)
        return BOL_E_TOOBIG;
    if (index >= size)
        return BOL_E_INVAL;
    n = inclusion_len(index, size);
    pos = n;
    /* Descend towards the leaf, taking the other side of each split. */
    while (hi - lo > 1) {
        uint64_t k = split_point(hi - lo);

        if (BOL_NEVER(pos == 0))
            return BOL_E_INTERNAL;
        pos--;
        if (index < lo + k) {
            r = range_mth(src, lo + k, hi, &h[pos]);
            hi = lo + k;
        } else {
            r = range_mth(src, lo, lo + k, &h[pos]);
            lo += k;
        }
        if (r < 0)
            return r;
    }
    out->n = n;
    memcpy(out->h, h, n * sizeof(h[0]));
    return 0;
}

int bol_merkle_inclusion_verify(uint64_t index, uint64_t size, const struct bol_hash *leaf,
                                const struct bol_merkle_proof *proof, const struct bol_hash *root)
{
    uint64_t fn, sn;
    struct bol_hash r;
    unsigned i;

    if (index >= size)
        return BOL_E_INVAL;
    if (proof->n != inclusion_len(index, size))
        return BOL_E_INVAL;
    /*
     * RFC 9162 2.1.3.2.  fn is the index of the node holding the leaf at the
     * current level, sn that of the tree's last node there.  An odd fn is a
     * right child: the proof hash goes on the left.  fn == sn (even) is the
     * last node of an unbalanced level with no right sibling; RFC 6962's tree
     * carries it up unchanged until it becomes a right child, so its proof
     * hash is the left sibling found there and the levels in between are
     * skipped.  Otherwise fn is a left child with a right sibling.
     */
    fn = index;
    sn = size - 1;
    r = *leaf;
    for (i = 0; i < proof->n; i++) {
        const struct bol_hash *p = &proof->h[i];

        if (BOL_NEVER(sn == 0))
            return BOL_E_INTERNAL;
        if ((fn & 1) || fn == sn) {
            bol_merkle_node_hash(p, &r, &r);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            bol_merkle_node_hash(&r, p, &r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (BOL_NEVER(sn != 0))
        return BOL_E_INTERNAL;
    return hash_eq(&r, root) ? 0 : BOL_E_CORRUPT;
}

/*
 * Length of SUBPROOF(old, D[0:new], true) (RFC 6962 2.1.2) for old < new:
 * one hash per split on the way down to the node that ends at old, plus that
 * node itself unless it is the whole old tree (the verifier has its root).
 * complete stays true while the descent only goes left, that is while the
 * node spans [0, hi).
 */
static unsigned consistency_len(uint64_t old_size, uint64_t new_size)
{
    uint64_t lo = 0, hi = new_size;
    bool complete = true;
    unsigned n = 0;

    while (hi != old_size) {
        uint64_t k = split_point(hi - lo);

        if (old_size <= lo + k) {
            hi = lo + k;
        } else {
            lo += k;
            complete = false;
        }
        n++;
    }
    return complete ? n : n + 1;
}

int bol_merkle_consistency_proof(const struct bol_merkle_source *src, uint64_t old_size,
                                 uint64_t new_size, struct bol_merkle_proof *out)
{
    struct bol_hash h[BOL_MERKLE_PROOF_MAX];
    uint64_t lo = 0, hi = new_size;
    unsigned n, pos;
    int r;

    if (old_size == 0 || old_size > new_size)
        return BOL_E_INVAL;
    if (new_size > MAX_LEAVES)
        return BOL_E_TOOBIG;
    if (old_size == new_size) {
        out->n = 0;
        return 0;
    }
    n = consistency_len(old_size, new_size);
    if (BOL_NEVER(n > BOL_MERKLE_PROOF_MAX))
        return BOL_E_INTERNAL;
    pos = n;
    /*
     * Descend to the node [lo, hi) with hi == old_size, taking the other side
     * of each split: the new tree's right parts, and the old tree's complete
     * left parts once the descent has turned right.  The node itself comes
     * first in the proof unless lo is still 0 (then it is the old root).
     */
    while (hi != old_size) {
        uint64_t k = split_point(hi - lo);

        if (BOL_NEVER(pos == 0))
            return BOL_E_INTERNAL;
        pos--;
        if (old_size <= lo + k) {
            r = range_mth(src, lo + k, hi, &h[pos]);
            hi = lo + k;
        } else {
            r = range_mth(src, lo, lo + k, &h[pos]);
            lo += k;
        }
        if (r < 0)
            return r;
    }
    if (lo != 0) {
        if (BOL_NEVER(pos != 1))
            return BOL_E_INTERNAL;
        r = range_mth(src, lo, hi, &h[0]);
        if (r < 0)
            return r;
    }
    out->n = n;
    memcpy(out->h, h, n * sizeof(h[0]));
    return 0;
}

int bol_merkle_consistency_verify(uint64_t old_size, uint64_t new_size,
                                  const struct bol_hash *old_root, const struct bol_hash *new_root,
                                  const struct bol_merkle_proof *proof)
{
    const struct bol_hash *seed;
    struct bol_hash fr, sr;
    uint64_t fn, sn;
    unsigned i;

    if (old_size == 0 || old_size > new_size)
        return BOL_E_INVAL;
    if (old_size == new_size) {
        if (proof->n != 0)
            return BOL_E_INVAL;
        return hash_eq(old_root, new_root) ? 0 : BOL_E_CORRUPT;
    }
    if (proof->n > BOL_MERKLE_PROOF_MAX || proof->n != consistency_len(old_size, new_size))
        return BOL_E_INVAL;
    /*
     * RFC 9162 2.1.4.2.  The walk is an inclusion check of the last old leaf
     * (fn = old_size - 1) in both trees at once: fr rebuilds the old root and
     * sr the new one from the same starting node.  That node is the largest
     * perfect subtree ending at old_size: when old_size is a power of two it
     * is the whole old tree, which the proof leaves out, so the walk starts
     * from old_root; otherwise it is the proof's first hash.  Its height is
     * the number of trailing one bits of fn, so those levels are skipped
     * first.  A proof hash on the left belongs to both trees; one on the
     * right lies beyond old_size and only enters the new root.
     */
    fn = old_size - 1;
    sn = new_size - 1;
    if (is_pow2(old_size)) {
        seed = old_root;
        i = 0;
    } else {
        seed = &proof->h[0];
        i = 1;
    }
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    fr = *seed;
    sr = *seed;
    for (; i < proof->n; i++) {
        const struct bol_hash *c = &proof->h[i];

        if (BOL_NEVER(sn == 0))
            return BOL_E_INTERNAL;
        if ((fn & 1) || fn == sn) {
            bol_merkle_node_hash(c, &fr, &fr);
            bol_merkle_node_hash(c, &sr, &sr);
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            bol_merkle_node_hash(&sr, c, &sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (BOL_NEVER(sn != 0))
        return BOL_E_INTERNAL;
    return hash_eq(&fr, old_root) && hash_eq(&sr, new_root) ? 0 : BOL_E_CORRUPT;
}
