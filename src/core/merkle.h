/* SPDX-License-Identifier: Apache-2.0 */
/*
 * merkle.h - RFC 6962 / RFC 9162 Merkle tree hashing and proofs
 *
 * The journal is a Merkle tree over its entries, built the way Certificate
 * Transparency builds its logs (RFC 6962 section 2.1, RFC 9162 section 2.1):
 *     leaf hash  = SHA-256(0x00 || entry bytes)
 *     node hash  = SHA-256(0x01 || left || right)
 *     MTH({})    = SHA-256("")
 *     MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n
 *
 * Terms:
 *   subtree (level L, index i)  the perfect subtree over leaves
 *                               [i * 2^L, (i + 1) * 2^L); level 0 is a leaf hash.
 *   frontier                    the roots of the perfect subtrees that make up
 *                               the first `size` leaves, one per set bit of size,
 *                               largest first (a "compact range" from 0).  It is
 *                               all an appender needs to keep in memory: O(log n).
 *   source                      a callback that returns the hash of any complete
 *                               subtree; the store answers it from stored nodes and
 *                               leaf hashes.  Proof generation and range hashes use
 *                               only a source, so this module does no I/O.
 *
 * Pure code: no I/O, no clock, no allocation.  Sizes and indexes are uint64_t.
 */
#pragma once

#include "compat.h"

#define BOL_HASH_LEN 32

/* A proof has at most one hash per tree level plus one (consistency): 64 suffices for 2^63 leaves. */
#define BOL_MERKLE_PROOF_MAX 64

struct bol_hash {
    uint8_t b[BOL_HASH_LEN];
};

/* SHA-256(0x00 || data). */
void bol_merkle_leaf_hash(const void *data, size_t n, struct bol_hash *out);

/* SHA-256(0x01 || left || right).  out may be the same as left or right. */
void bol_merkle_node_hash(const struct bol_hash *left, const struct bol_hash *right,
                          struct bol_hash *out);

/* SHA-256 of the empty string: the root of the empty tree. */
void bol_merkle_empty_root(struct bol_hash *out);

/*
 * Called for every perfect subtree an append completes, leaves included
 * (level 0), lowest level first.  index is the subtree's index at its level.
 */
typedef void (*bol_merkle_node_fn)(void *ctx, unsigned level, uint64_t index,
                                   const struct bol_hash *hash);

struct bol_merkle_frontier {
    uint64_t size;         /* leaves appended */
    unsigned n;            /* number of hashes in h: popcount(size) */
    struct bol_hash h[64]; /* subtree roots, largest (leftmost) first */
};

void bol_merkle_frontier_init(struct bol_merkle_frontier *f);

/*
 * Append one leaf hash.  on_node (may be NULL) sees the leaf and every subtree
 * completed by it.  BOL_E_TOOBIG when size would pass 2^63.
 */
BOL_MUST_CHECK int bol_merkle_frontier_append(struct bol_merkle_frontier *f,
                                              const struct bol_hash *leaf,
                                              bol_merkle_node_fn on_node, void *ctx);

/*
 * Append a whole perfect subtree at once: the same result as appending its
 * 2^level leaves one by one (on_node sees the subtree and every subtree it
 * completes, but not the ones inside it).  The frontier's size must be a
 * multiple of 2^level: BOL_E_INVAL otherwise.  Lets a caller hash the lower
 * levels of a tree elsewhere (another thread) and fold in the results.
 */
BOL_MUST_CHECK int bol_merkle_frontier_append_node(struct bol_merkle_frontier *f, unsigned level,
                                                   const struct bol_hash *hash,
                                                   bol_merkle_node_fn on_node, void *ctx);

/* MTH of the leaves appended so far (the empty root when none). */
void bol_merkle_frontier_root(const struct bol_merkle_frontier *f, struct bol_hash *out);

/*
 * Answers "hash of the perfect subtree (level, index)".  The subtree must be
 * complete within the tree the caller works on.  Returns 0 or a negative
 * BOL_E_* code, which the functions below pass through unchanged.
 */
struct bol_merkle_source {
    int (*get)(void *ctx, unsigned level, uint64_t index, struct bol_hash *out);
    void *ctx;
};

/* Rebuild the frontier of a tree of `size` leaves from a source. */
BOL_MUST_CHECK int bol_merkle_frontier_load(struct bol_merkle_frontier *f, uint64_t size,
                                            const struct bol_merkle_source *src);

/*
 * MTH of the leaves [begin, end) as RFC 6962 defines it for the sub-list
 * D[begin:end] (begin < end; begin need not be aligned, but an unaligned
 * begin costs about (end - begin) / 2^t source calls, 2^t the largest power
 * of two dividing begin).  BOL_E_INVAL for an empty or reversed range.
 */
BOL_MUST_CHECK int bol_merkle_range_hash(const struct bol_merkle_source *src, uint64_t begin,
                                         uint64_t end, struct bol_hash *out);

struct bol_merkle_proof {
    unsigned n;
    struct bol_hash h[BOL_MERKLE_PROOF_MAX];
};

/*
 * Audit path of leaf `index` in the tree of `size` leaves (RFC 9162 2.1.3.1),
 * ordered from the leaf upwards.  BOL_E_INVAL unless index < size.
 */
BOL_MUST_CHECK int bol_merkle_inclusion_proof(const struct bol_merkle_source *src, uint64_t index,
                                              uint64_t size, struct bol_merkle_proof *out);

/*
 * A proof is evidence about a root of a tree of a given size: a root means
 * nothing without its size (checkpoints sign the two together), and a proof
 * may also verify for a neighbouring size of the same shape.
 *
 * Check an inclusion proof (RFC 9162 2.1.3.2): 0 when the leaf hash is at
 * `index` in the tree of `size` leaves with that root; BOL_E_CORRUPT when the
 * proof does not lead to the root; BOL_E_INVAL when index >= size or the
 * proof has the wrong length for (index, size).
 */
BOL_MUST_CHECK int bol_merkle_inclusion_verify(uint64_t index, uint64_t size,
                                               const struct bol_hash *leaf,
                                               const struct bol_merkle_proof *proof,
                                               const struct bol_hash *root);

/*
 * Consistency proof between the trees of old_size and new_size leaves
 * (RFC 9162 2.1.4.1).  0 < old_size <= new_size; the proof is empty when they
 * are equal.  BOL_E_INVAL otherwise.
 */
BOL_MUST_CHECK int bol_merkle_consistency_proof(const struct bol_merkle_source *src,
                                                uint64_t old_size, uint64_t new_size,
                                                struct bol_merkle_proof *out);

/*
 * Check a consistency proof (RFC 9162 2.1.4.2): 0 when the tree with
 * new_root is an append-only extension of the tree with old_root;
 * BOL_E_CORRUPT when the proof does not show it (including equal sizes with
 * different roots); BOL_E_INVAL for sizes out of order or a proof of the
 * wrong length.
 */
BOL_MUST_CHECK int bol_merkle_consistency_verify(uint64_t old_size, uint64_t new_size,
                                                 const struct bol_hash *old_root,
                                                 const struct bol_hash *new_root,
                                                 const struct bol_merkle_proof *proof);
