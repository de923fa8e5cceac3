/* SPDX-License-Identifier: Apache-2.0 */
/*
 * brp.c - block relocation: bounds, beam search, iterative deepening
 */
#include "brp.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "mem.h"

#define S_MAX BOL_BAY_STACKS_MAX
#define T_MAX BOL_BAY_TIERS_MAX
#define NONE  255 /* the minimum of an empty stack: anything fits under it */

/* A bay under search.  pm[s][t] is the lowest priority in stack s at tiers
 * 0..t and hs[s][t] a hash of those tiers, so a move is O(1) both ways. */
struct st {
    uint8_t h[S_MAX];
    uint8_t p[S_MAX][T_MAX];
    uint8_t pm[S_MAX][T_MAX];
    uint64_t hs[S_MAX][T_MAX + 1];
    unsigned left;
};

/* What one solve shares: the bay's shape, the variant, the limits. */
struct ctx {
    unsigned stacks, height;
    enum bol_brp_variant variant;
    const struct bol_plan_limits *lim;
    uint64_t nodes;
    bool stop;
};

static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9u;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebu;
    x ^= x >> 31;
    return x;
}

static uint8_t st_min(const struct st *s, unsigned i)
{
    return s->h[i] ? s->pm[i][s->h[i] - 1] : NONE;
}

static uint8_t st_top(const struct st *s, unsigned i)
{
    return s->p[i][s->h[i] - 1];
}

static void st_push(struct st *s, unsigned i, uint8_t v)
{
    unsigned t = s->h[i];
    s->p[i][t] = v;
    s->pm[i][t] = (t && s->pm[i][t - 1] < v) ? s->pm[i][t - 1] : v;
    s->hs[i][t + 1] = mix(s->hs[i][t] + v + 1);
    s->h[i]++;
}

static uint8_t st_pop(struct st *s, unsigned i)
{
    return s->p[i][--s->h[i]];
}

/* The bay's hash: the stacks in any order give the same value. */
static uint64_t st_hash(const struct st *s, unsigned stacks)
{
    uint64_t k = 0;
    for (unsigned i = 0; i < stacks; i++)
        k += mix(s->hs[i][s->h[i]] ^ 0x9e3779b97f4a7c15u);
    return k;
}

static void st_load(struct st *s, const struct bol_bay *b)
{
    memset(s, 0, sizeof(*s));
    for (unsigned i = 0; i < b->stacks; i++) {
        s->hs[i][0] = 0x51ed270b27u;
        for (unsigned t = 0; t < b->height[i]; t++)
            st_push(s, i, b->prio[i][t]);
    }
    s->left = b->n;
}

static uint8_t st_next(const struct st *s, unsigned stacks)
{
    uint8_t m = NONE;
    for (unsigned i = 0; i < stacks; i++) {
        uint8_t v = st_min(s, i);
        if (v < m)
            m = v;
    }
    return m;
}

/* Retrieves while the next box is on top of a stack; logs each retrieval
 * (stack and priority) so it can be undone.  Returns how many. */
struct undo {
    uint8_t stack, prio;
};

static unsigned retrieve(struct st *s, unsigned stacks, struct undo *log)
{
    unsigned n = 0;
    for (;;) {
        uint8_t m = st_next(s, stacks);
        if (m == NONE)
            return n;
        bool any = false;
        for (unsigned i = 0; i < stacks; i++)
            while (s->h[i] && st_top(s, i) == m) {
                log[n].stack = (uint8_t) i;
                log[n].prio = st_pop(s, i);
                n++;
                s->left--;
                any = true;
            }
        if (!any)
            return n;
    }
}

static void unretrieve(struct st *s, const struct undo *log, unsigned n)
{
    while (n--) {
        st_push(s, log[n].stack, log[n].prio);
        s->left++;
    }
}

/* -- lower bounds -------------------------------------------------------- */

/*
 * The most of the blockers blk[i..k) that can be put where they block
 * nothing, given the stacks' minima (thr) and room.  A box put well goes
 * best where it fits tightest (any looser stack only wastes room under a
 * higher minimum); the real choice is whether to put it well at all, since
 * it becomes that stack's minimum and may shut out later boxes that would
 * have fitted there.  So both are tried, but only when a later box could
 * have used that place or the place is the stack's last tier.
 */
static unsigned placeable(const uint8_t *blk, unsigned i, unsigned k, uint8_t *thr, uint8_t *room,
                          unsigned stacks)
{
    for (; i < k; i++) {
        uint8_t b = blk[i];
        unsigned at = S_MAX;
        for (unsigned d = 0; d < stacks; d++)
            if (room[d] && thr[d] >= b && (at == S_MAX || thr[d] < thr[at]))
                at = d;
        if (at == S_MAX)
            continue; /* it blocks wherever it goes */
        uint8_t t = thr[at];
        bool contested = room[at] == 1;
        for (unsigned j = i + 1; j < k && !contested; j++)
            contested = blk[j] > b && blk[j] <= t;
        thr[at] = b;
        room[at]--;
        unsigned take = 1 + placeable(blk, i + 1, k, thr, room, stacks);
        thr[at] = t;
        room[at]++;
        /* leaving b out can place at most the k - i - 1 others */
        if (contested && take + 1 < k - i) {
            unsigned skip = placeable(blk, i + 1, k, thr, room, stacks);
            if (skip > take)
                take = skip;
        }
        return take;
    }
    return 0;
}

/* How many of the boxes above tier `pos` of stack ts must move twice. */
static unsigned misfits(const struct st *s, unsigned stacks, unsigned height, const uint8_t *rh,
                        const uint8_t *rmin, unsigned ts, unsigned pos)
{
    uint8_t thr[S_MAX], room[S_MAX], blk[T_MAX];
    unsigned k = 0;
    uint8_t m = s->p[ts][pos];
    for (unsigned i = 0; i < stacks; i++) {
        thr[i] = rmin[i];
        /* another box of the same priority may leave first and free its
         * stack: count that stack as free */
        if (thr[i] == m)
            thr[i] = NONE;
        room[i] = (uint8_t) (i == ts ? 0 : height - rh[i]);
    }
    uint8_t top = 0;
    for (unsigned t = rh[ts]; t-- > pos + 1;) {
        blk[k] = s->p[ts][t];
        if (blk[k] > top)
            top = blk[k];
        k++;
    }
    /* enough stacks with room above every blocker: each gets its own */
    unsigned wide = 0;
    for (unsigned i = 0; i < stacks; i++)
        if (room[i] && thr[i] >= top)
            wide++;
    if (wide >= k)
        return 0;
    return k - placeable(blk, 0, k, thr, room, stacks);
}

/* The restricted bound (brp.h).  Stacks are cut down ("relaxed heights")
 * as targets and their blockers are taken out. */
static unsigned lb_restricted(const struct st *s, unsigned stacks, unsigned height)
{
    uint8_t rh[S_MAX], rmin[S_MAX]; /* relaxed heights and their minima */
    unsigned lb = 0;
    memcpy(rh, s->h, stacks);
    for (unsigned i = 0; i < stacks; i++)
        rmin[i] = st_min(s, i);
    for (;;) {
        unsigned ts = S_MAX;
        uint8_t m = NONE;
        for (unsigned i = 0; i < stacks; i++)
            if (rmin[i] < m) {
                m = rmin[i];
                ts = i;
            }
        if (ts == S_MAX)
            return lb;
        unsigned pos = rh[ts] - 1u;
        while (s->p[ts][pos] != m)
            pos--;
        if (pos + 1 < rh[ts])
            lb += rh[ts] - 1u - pos + misfits(s, stacks, height, rh, rmin, ts, pos);
        rh[ts] = (uint8_t) pos;
        rmin[ts] = pos ? s->pm[ts][pos - 1] : NONE;
    }
}

static unsigned lb_unrestricted(const struct st *s, unsigned stacks, unsigned height)
{
    unsigned lb = 0;
    for (unsigned i = 0; i < stacks; i++)
        for (unsigned t = 1; t < s->h[i]; t++)
            if (s->p[i][t] > s->pm[i][t - 1])
                lb++;
    uint8_t m = st_next(s, stacks);
    if (m == NONE)
        return lb;
    for (unsigned i = 0; i < stacks; i++) {
        if (st_min(s, i) != m)
            continue;
        unsigned pos = s->h[i] - 1u;
        while (s->p[i][pos] != m)
            pos--;
        /* room can be made by moving blockers the count already has, so
         * every stack is taken as having room */
        (void) height;
        uint8_t mins[S_MAX];
        for (unsigned j = 0; j < stacks; j++)
            mins[j] = st_min(s, j);
        return lb + (misfits(s, stacks, NONE, s->h, mins, i, pos) ? 1 : 0);
    }
    return lb;
}

static unsigned lower_bound(const struct ctx *c, const struct st *s)
{
    return c->variant == BOL_BRP_RESTRICTED ? lb_restricted(s, c->stacks, c->height)
                                            : lb_unrestricted(s, c->stacks, c->height);
}

/* -- moves --------------------------------------------------------------- */

struct mv {
    uint8_t from, to;
};

/*
 * The moves worth trying from s, best first.  Restricted: the top of a
 * stack holding the next box, to every other stack with room.
 * Unrestricted (all = true, for the exact search): every top to every
 * other stack; (all = false, for the beam) only tops that block something.
 * One empty stack stands for all.  Destinations that keep the box
 * unblocking come first, tightest fit first; then the others, highest
 * minimum first.  Returns the count.
 */
static unsigned moves(const struct ctx *c, const struct st *s, bool all, uint8_t last_to,
                      struct mv *out)
{
    unsigned n = 0;
    uint8_t next = st_next(s, c->stacks);
    unsigned first_empty = S_MAX;
    for (unsigned i = 0; i < c->stacks; i++)
        if (!s->h[i]) {
            first_empty = i;
            break;
        }
    for (unsigned a = 0; a < c->stacks; a++) {
        if (!s->h[a])
            continue;
        if (c->variant == BOL_BRP_RESTRICTED) {
            if (st_min(s, a) != next)
                continue;
        } else {
            /* moving the box just moved again is one move made twice */
            if (a == last_to)
                continue;
            if (!all && st_min(s, a) != next &&
                !(s->h[a] > 1 && st_top(s, a) > s->pm[a][s->h[a] - 2]))
                continue;
        }
        uint8_t x = st_top(s, a);
        unsigned base = n;
        for (unsigned d = 0; d < c->stacks; d++) {
            if (d == a || s->h[d] >= c->height)
                continue;
            /* one empty stack stands for all; a lone box gains nothing there */
            if (!s->h[d] && (d != first_empty || s->h[a] == 1))
                continue;
            /* beam, unrestricted: other stacks' blockers only where they fit */
            if (!all && c->variant == BOL_BRP_UNRESTRICTED && st_min(s, a) != next &&
                st_min(s, d) < x)
                continue;
            out[n].from = (uint8_t) a;
            out[n].to = (uint8_t) d;
            n++;
        }
        /* order this source's moves: insertion sort on the key */
        for (unsigned i = base + 1; i < n; i++) {
            struct mv v = out[i];
            uint8_t mv_min = st_min(s, v.to);
            int kv = mv_min >= x ? mv_min : 512 - mv_min;
            unsigned j = i;
            while (j > base) {
                uint8_t pm = st_min(s, out[j - 1].to);
                int kp = pm >= x ? pm : 512 - pm;
                if (kp <= kv)
                    break;
                out[j] = out[j - 1];
                j--;
            }
            out[j] = v;
        }
    }
    return n;
}

/* -- the best sequence so far ------------------------------------------- */

struct best {
    struct mv *m;
    unsigned n;     /* relocations; UINT32_MAX: none yet */
    unsigned alloc; /* capacity of m */
};

static int best_set(struct best *b, const struct mv *m, unsigned n)
{
    if (n > b->alloc) {
        struct mv *p = bol_realloc(b->m, n * sizeof(*p));
        if (!p)
            return BOL_E_NOMEM;
        b->m = p;
        b->alloc = n;
    }
    if (n)
        memcpy(b->m, m, n * sizeof(*m));
    b->n = n;
    return 0;
}

static bool poll_stop(struct ctx *c)
{
    if (c->stop)
        return true;
    if (c->lim) {
        if (c->lim->nodes && c->nodes >= c->lim->nodes)
            c->stop = true;
        else if (c->lim->expired && (c->nodes & 1023) == 0 && c->lim->expired(c->lim->ctx))
            c->stop = true;
    }
    return c->stop;
}

/* -- greedy completion ------------------------------------------------------ */

/*
 * Finishes the bay greedily, restricted-style: the top box above the next
 * one goes where it blocks nothing and fits tightest, else under the
 * highest minimum, so it is in the way as late as possible.  Returns the
 * relocations made (UINT32_MAX when stuck) and, with rec, records them
 * (at most cap).
 */
static unsigned rollout(const struct ctx *c, const struct st *from, struct mv *rec, unsigned cap)
{
    struct st s;
    struct undo log[BOL_BAY_BOXES_MAX];
    unsigned n = 0;
    memcpy(&s, from, sizeof(s));
    for (;;) {
        (void) retrieve(&s, c->stacks, log);
        if (s.left == 0)
            return n;
        uint8_t next = st_next(&s, c->stacks);
        unsigned ts = 0;
        while (st_min(&s, ts) != next)
            ts++;
        uint8_t b = st_top(&s, ts);
        unsigned good = S_MAX, bad = S_MAX;
        for (unsigned d = 0; d < c->stacks; d++) {
            if (d == ts || s.h[d] >= c->height)
                continue;
            uint8_t m = st_min(&s, d);
            if (m >= b) {
                if (good == S_MAX || m < st_min(&s, good))
                    good = d;
            } else if (bad == S_MAX || m > st_min(&s, bad)) {
                bad = d;
            }
        }
        unsigned d = good != S_MAX ? good : bad;
        if (d == S_MAX || (rec && n >= cap))
            return UINT32_MAX;
        st_push(&s, d, st_pop(&s, ts));
        if (rec) {
            rec[n].from = (uint8_t) ts;
            rec[n].to = (uint8_t) d;
        }
        n++;
    }
}

/* -- beam search ---------------------------------------------------------- */

#define BEAM_MAX 4096 /* widest beam: 4096 bays of 5 KiB, twice */

struct cand {
    uint64_t hash;
    uint32_t parent;
    uint16_t score; /* relocations the greedy completion needs */
    uint16_t lb;    /* the lower bound: ties */
    struct mv m;
};

struct trace {
    uint32_t parent;
    struct mv m;
};

static int cand_by_hash(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->score < y->score ? -1 : x->score > y->score;
}

static int cand_by_score(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    if (x->lb != y->lb)
        return x->lb < y->lb ? -1 : 1;
    return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/*
 * Sets *best to the path to node `at` of layer g (through hist), then m,
 * then the greedy completion of s (ub relocations).
 */
static int record(const struct ctx *c, const struct st *s, struct trace **hist, unsigned g,
                  uint32_t at, struct mv m, unsigned ub, struct best *best)
{
    struct mv *path = bol_calloc(g + 1 + ub, sizeof(*path));
    int rc = BOL_E_NOMEM;
    if (!path)
        return rc;
    path[g] = m;
    for (unsigned l = g; l-- > 0;) {
        path[l] = hist[l][at].m;
        at = hist[l][at].parent;
    }
    if (ub && rollout(c, s, path + g + 1, ub) != ub)
        rc = BOL_E_INTERNAL;
    else
        rc = best_set(best, path, g + 1 + ub);
    bol_free(path);
    return rc;
}

/*
 * One beam search of the given width from root; improves *best when it
 * finds a shorter sequence.  Layer g holds bays after g relocations; they
 * are ranked by how many relocations the greedy completion needs from
 * there, then by the lower bound.
 */
static int beam(struct ctx *c, const struct st *root, unsigned width, struct best *best)
{
    int rc = BOL_E_NOMEM;
    size_t max_moves = (size_t) c->stacks * c->stacks;
    size_t cap = (size_t) width * max_moves;
    struct st *layer = bol_calloc(width, sizeof(*layer));
    struct st *next = bol_calloc(width, sizeof(*next));
    struct cand *cand = bol_calloc(cap ? cap : 1, sizeof(*cand));
    struct mv *mvbuf = bol_calloc(max_moves, sizeof(*mvbuf));
    struct trace **hist = NULL;
    struct undo log[BOL_BAY_BOXES_MAX];
    unsigned layers = 0, alloc_layers = 0, nl = 1;
    if (!layer || !next || !cand || !mvbuf)
        goto out;
    layer[0] = *root;
    for (unsigned g = 0; nl && !c->stop; g++) {
        if (best->n != UINT32_MAX && g + 1 >= best->n)
            break;
        size_t nc = 0;
        for (unsigned i = 0; i < nl; i++) {
            struct st *s = &layer[i];
            unsigned k = moves(c, s, false, S_MAX, mvbuf);
            for (unsigned j = 0; j < k; j++) {
                struct mv m = mvbuf[j];
                st_push(s, m.to, st_pop(s, m.from));
                unsigned r = retrieve(s, c->stacks, log);
                c->nodes++;
                unsigned ub = s->left ? rollout(c, s, NULL, 0) : 0;
                if (ub != UINT32_MAX && (best->n == UINT32_MAX || g + 1 + ub < best->n)) {
                    /* a complete sequence: the path here, m, the rollout */
                    rc = record(c, s, hist, g, i, m, ub, best);
                    if (rc < 0) {
                        unretrieve(s, log, r);
                        goto out;
                    }
                }
                if (s->left) {
                    unsigned lb = lower_bound(c, s);
                    if (best->n == UINT32_MAX || g + 1 + lb < best->n) {
                        cand[nc].hash = st_hash(s, c->stacks);
                        cand[nc].parent = i;
                        cand[nc].score = (uint16_t) (ub == UINT32_MAX ? 0xffff : ub);
                        cand[nc].lb = (uint16_t) lb;
                        cand[nc].m = m;
                        nc++;
                    }
                }
                unretrieve(s, log, r);
                st_push(s, m.from, st_pop(s, m.to));
            }
            if (poll_stop(c))
                break;
        }
        if (c->stop)
            break;
        /* merge identical bays, keep the best `width` */
        qsort(cand, nc, sizeof(*cand), cand_by_hash);
        size_t u = 0;
        for (size_t i = 0; i < nc; i++)
            if (u == 0 || cand[u - 1].hash != cand[i].hash)
                cand[u++] = cand[i];
        qsort(cand, u, sizeof(*cand), cand_by_score);
        if (u > width)
            u = width;
        if (layers == alloc_layers) {
            unsigned na = alloc_layers ? alloc_layers * 2 : 64;
            struct trace **h = bol_realloc(hist, na * sizeof(*h));
            if (!h)
                goto out;
            hist = h;
            alloc_layers = na;
        }
        hist[layers] = bol_calloc(u ? u : 1, sizeof(**hist));
        if (!hist[layers])
            goto out;
        for (size_t i = 0; i < u; i++) {
            hist[layers][i].parent = cand[i].parent;
            hist[layers][i].m = cand[i].m;
            next[i] = layer[cand[i].parent];
            st_push(&next[i], cand[i].m.to, st_pop(&next[i], cand[i].m.from));
            (void) retrieve(&next[i], c->stacks, log);
        }
        layers++;
        struct st *t = layer;
        layer = next;
        next = t;
        nl = (unsigned) u;
    }
    rc = 0;
out:
    for (unsigned l = 0; l < layers; l++)
        bol_free(hist[l]);
    bol_free(hist);
    bol_free(layer);
    bol_free(next);
    bol_free(cand);
    bol_free(mvbuf);
    return rc;
}

/* -- iterative deepening ------------------------------------------------- */

#define TT_BITS 20
#define IDA_GAP 6 /* the exact search runs while best - bound is at most this */

/*
 * The transposition table remembers, per bay, the best lower bound on the
 * relocations still needed that the search has learnt: when a bay's subtree
 * was searched to the end without a solution, everything below it costs at
 * least the least f found beyond the bound, minus g.  That holds in every
 * later iteration too, so a bay refuted once is not searched again until
 * the bound passes what was learnt.  Always replaced.
 */
struct tt_entry {
    uint64_t key;
    uint16_t h;
};

struct ida {
    struct ctx *c;
    struct st s;
    unsigned bound;
    struct tt_entry *tt;
    struct mv path[1024];
    struct best *best;
};

enum { IDA_NO = 0, IDA_FOUND, IDA_STOP };

/* Searches below the current bay; *fmin gets the least f beyond the bound
 * met in the subtree (UINT32_MAX: none, a dead end). */
static int dfs(struct ida *x, unsigned g, uint8_t last_to, unsigned *fmin)
{
    struct ctx *c = x->c;
    struct undo log[BOL_BAY_BOXES_MAX];
    unsigned r = retrieve(&x->s, c->stacks, log);
    int res = IDA_NO;
    *fmin = UINT32_MAX;
    if (x->s.left == 0) {
        res = best_set(x->best, x->path, g) < 0 ? IDA_STOP : IDA_FOUND;
        goto out;
    }
    uint64_t key = st_hash(&x->s, c->stacks);
    /* unrestricted: the box just moved may not move again, so what was
     * learnt holds for the bay together with that stack */
    if (c->variant == BOL_BRP_UNRESTRICTED && last_to < c->stacks)
        key ^= mix(x->s.hs[last_to][x->s.h[last_to]] + 0x5bd1e995u);
    struct tt_entry *e = &x->tt[key & ((1u << TT_BITS) - 1)];
    __builtin_prefetch(e); /* a cache miss: let it overlap the bound */
    unsigned h = lower_bound(c, &x->s);
    if (e->key == key && e->h > h)
        h = e->h;
    if (g + h > x->bound) {
        *fmin = g + h;
        goto out;
    }
    if (g >= sizeof(x->path) / sizeof(x->path[0]))
        goto out;
    c->nodes++;
    if (poll_stop(c)) {
        res = IDA_STOP;
        goto out;
    }
    struct mv ms[S_MAX * S_MAX];
    unsigned k = moves(c, &x->s, true, last_to, ms);
    unsigned least = UINT32_MAX;
    for (unsigned i = 0; i < k && res == IDA_NO; i++) {
        struct mv m = ms[i];
        unsigned cf;
        st_push(&x->s, m.to, st_pop(&x->s, m.from));
        x->path[g] = m;
        res = dfs(x, g + 1, m.to, &cf);
        st_push(&x->s, m.from, st_pop(&x->s, m.to));
        if (cf < least)
            least = cf;
    }
    if (res == IDA_NO) {
        /* searched to the end: learn */
        unsigned learnt = least == UINT32_MAX ? 0xffffu : least - g;
        e->key = key;
        e->h = (uint16_t) (learnt < 0xffffu ? learnt : 0xffffu);
        *fmin = least;
    }
out:
    unretrieve(&x->s, log, r);
    return res;
}

/*
 * Runs iterations from *bound up while they finish within the node quota
 * and stay below the best sequence known.  On return *bound is the lowest
 * bound not yet refuted, i.e. a proven lower bound.
 */
static int ida(struct ctx *c, struct ida *x, const struct st *root, unsigned *bound, uint64_t quota)
{
    uint64_t until = c->nodes + quota;
    x->s = *root;
    while (!c->stop && (x->best->n == UINT32_MAX || *bound < x->best->n)) {
        x->bound = *bound;
        struct bol_plan_limits sub = { .nodes = until };
        const struct bol_plan_limits *saved = c->lim;
        /* the quota and the caller's limits both stop the iteration */
        struct bol_plan_limits both = sub;
        if (saved) {
            both.expired = saved->expired;
            both.ctx = saved->ctx;
            if (saved->nodes && saved->nodes < until)
                both.nodes = saved->nodes;
        }
        c->lim = &both;
        unsigned next;
        int res = dfs(x, 0, S_MAX, &next);
        c->lim = saved;
        if (res == IDA_FOUND) {
            return 0; /* a sequence of exactly *bound relocations */
        }
        if (res == IDA_STOP) {
            /* the quota ran out: only the caller's limits are final */
            if (saved && ((saved->nodes && c->nodes >= saved->nodes) ||
                          (saved->expired && saved->expired(saved->ctx))))
                c->stop = true;
            else
                c->stop = false;
            return 1;
        }
        if (next == UINT32_MAX)
            return BOL_E_INVAL; /* nothing can be moved anywhere */
        *bound = next;
    }
    return 0;
}

/* -- the solver ----------------------------------------------------------- */

static int emit(const struct ctx *c, const struct bol_bay *b, const struct best *best,
                struct bol_brp_result *out)
{
    struct st s;
    struct undo log[BOL_BAY_BOXES_MAX];
    size_t cap = best->n + b->n;
    out->moves = bol_calloc(cap ? cap : 1, sizeof(*out->moves));
    if (!out->moves)
        return BOL_E_NOMEM;
    st_load(&s, b);
    size_t n = 0;
    for (unsigned i = 0;; i++) {
        unsigned r = retrieve(&s, c->stacks, log);
        for (unsigned j = 0; j < r; j++) {
            out->moves[n].from = log[j].stack;
            out->moves[n].to = BOL_BAY_OUT;
            n++;
        }
        if (i == best->n)
            break;
        out->moves[n].from = best->m[i].from;
        out->moves[n].to = best->m[i].to;
        n++;
        st_push(&s, best->m[i].to, st_pop(&s, best->m[i].from));
    }
    out->n = n;
    out->relocations = best->n;
    return 0;
}

unsigned bol_brp_lower_bound(const struct bol_bay *b, enum bol_brp_variant variant)
{
    struct st s;
    struct undo log[BOL_BAY_BOXES_MAX];
    struct ctx c = { .stacks = b->stacks, .height = b->max_height, .variant = variant };
    st_load(&s, b);
    (void) retrieve(&s, b->stacks, log);
    return lower_bound(&c, &s);
}

void bol_brp_result_release(struct bol_brp_result *r)
{
    bol_free(r->moves);
    memset(r, 0, sizeof(*r));
}

int bol_brp_solve(const struct bol_bay *b, enum bol_brp_variant variant,
                  const struct bol_plan_limits *lim, struct bol_brp_result *out)
{
    struct ctx c = { .stacks = b->stacks, .height = b->max_height, .variant = variant, .lim = lim };
    struct best best = { .n = UINT32_MAX };
    struct ida *x = NULL;
    struct st root;
    struct undo log[BOL_BAY_BOXES_MAX];
    int rc;

    memset(out, 0, sizeof(*out));
    if (b->stacks == 0 || b->stacks > S_MAX || b->max_height == 0 || b->max_height > T_MAX)
        return BOL_E_INVAL;
    for (unsigned i = 0; i < b->stacks; i++)
        if (b->height[i] > b->max_height)
            return BOL_E_INVAL;
    st_load(&root, b);
    (void) retrieve(&root, b->stacks, log);
    unsigned bound = lower_bound(&c, &root);

    /* a first answer from the narrowest beam, then wider beams and
     * deeper exact iterations in turn, each budget twice the last */
    rc = beam(&c, &root, 1, &best);
    x = bol_calloc(1, sizeof(*x));
    if (rc < 0 || !x) {
        rc = BOL_E_NOMEM;
        goto out;
    }
    x->c = &c;
    x->best = &best;
    x->tt = bol_calloc((size_t) 1 << TT_BITS, sizeof(*x->tt));
    if (!x->tt) {
        rc = BOL_E_NOMEM;
        goto out;
    }
    unsigned width = 4;
    uint64_t quota = 20000;
    while (!c.stop && (best.n == UINT32_MAX || bound < best.n)) {
        /* the exact search only pays when the best is near the bound: far
         * from it (large bays) the time goes to wider beams */
        bool beams_done = width > BEAM_MAX;
        if (beams_done || best.n - bound <= IDA_GAP) {
            rc = ida(&c, x, &root, &bound, quota);
            if (rc < 0)
                goto out;
            quota *= 2;
            if (c.stop || (best.n != UINT32_MAX && bound >= best.n))
                break;
        }
        if (!beams_done) {
            rc = beam(&c, &root, width, &best);
            if (rc < 0)
                goto out;
            width *= 2;
        }
    }
    if (best.n == UINT32_MAX) {
        rc = c.stop ? BOL_E_TIMEOUT : BOL_E_INVAL;
        goto out;
    }
    rc = emit(&c, b, &best, out);
    if (rc < 0)
        goto out;
    out->lower_bound = bound < best.n ? bound : best.n;
    out->proven_optimal = out->lower_bound == best.n;
    out->nodes = c.nodes;
out:
    if (x)
        bol_free(x->tt);
    bol_free(x);
    bol_free(best.m);
    return rc;
}
