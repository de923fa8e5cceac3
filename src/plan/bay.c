/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bay.c - the bay model: instance files, facts, replay
 */
#include "bay.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "str.h"

BOL_PRINTF(2, 3)
static int fail(struct bol_bay_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->why, sizeof(err->why), fmt, ap);
    va_end(ap);
    return -1;
}

/* -- reading ------------------------------------------------------------- */

/* A cursor over the text, line by line, number by number. */
struct rd {
    const char *p, *end;
    unsigned line;
};

static bool at_eol(const struct rd *r)
{
    return r->p >= r->end || *r->p == '\n';
}

static void skip_blanks(struct rd *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r'))
        r->p++;
}

/* Moves to the start of the next line that has something on it. */
static bool next_line(struct rd *r)
{
    for (;;) {
        while (r->p < r->end && *r->p != '\n')
            r->p++;
        if (r->p >= r->end)
            return false;
        r->p++;
        r->line++;
        skip_blanks(r);
        if (!at_eol(r))
            return true;
    }
}

/* Reads one unsigned number on the current line; -1 at the end of the line
 * or on something else (why says which). */
static int number(struct rd *r, unsigned max, unsigned *out, struct bol_bay_error *err,
                  const char *what)
{
    skip_blanks(r);
    if (at_eol(r)) {
        err->line = r->line;
        return fail(err, "%s missing", what);
    }
    unsigned long v = 0;
    const char *start = r->p;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
        v = v * 10 + (unsigned long) (*r->p - '0');
        if (v > max) {
            err->line = r->line;
            return fail(err, "%s above %u", what, max);
        }
        r->p++;
    }
    if (r->p == start ||
        (r->p < r->end && *r->p != ' ' && *r->p != '\t' && *r->p != '\r' && *r->p != '\n')) {
        err->line = r->line;
        return fail(err, "%s is not a number", what);
    }
    *out = (unsigned) v;
    return 0;
}

static int line_done(struct rd *r, struct bol_bay_error *err)
{
    skip_blanks(r);
    if (!at_eol(r)) {
        err->line = r->line;
        return fail(err, "unexpected text after the stack's boxes");
    }
    return 0;
}

/* Values are kept up to 65535 while reading, then ranked into a byte. */
struct raw {
    unsigned stacks, n, tiers;
    uint8_t height[BOL_BAY_STACKS_MAX];
    uint16_t v[BOL_BAY_STACKS_MAX][BOL_BAY_TIERS_MAX];
};

static int read_stack(struct rd *r, struct raw *w, unsigned s, unsigned h,
                      struct bol_bay_error *err)
{
    if (h > BOL_BAY_TIERS_MAX) {
        err->line = r->line;
        return fail(err, "stack %u: %u boxes, more than %u tiers", s + 1, h, BOL_BAY_TIERS_MAX);
    }
    w->height[s] = (uint8_t) h;
    for (unsigned t = 0; t < h; t++) {
        unsigned v;
        char what[48];
        snprintf(what, sizeof(what), "stack %u box %u", s + 1, t + 1);
        if (number(r, 65535, &v, err, what) < 0)
            return -1;
        w->v[s][t] = (uint16_t) v;
    }
    return line_done(r, err);
}

static int read_caserta(struct rd *r, struct raw *w, struct bol_bay_error *err)
{
    if (number(r, BOL_BAY_STACKS_MAX, &w->stacks, err, "stack count") < 0 ||
        number(r, BOL_BAY_BOXES_MAX, &w->n, err, "box count") < 0 || line_done(r, err) < 0)
        return -1;
    for (unsigned s = 0; s < w->stacks; s++) {
        unsigned h;
        if (!next_line(r)) {
            err->line = r->line;
            return fail(err, "stack %u of %u missing", s + 1, w->stacks);
        }
        if (number(r, 255, &h, err, "stack height") < 0 || read_stack(r, w, s, h, err) < 0)
            return -1;
        if (h > w->tiers)
            w->tiers = h;
    }
    if (next_line(r)) {
        err->line = r->line;
        return fail(err, "text after the last of %u stacks", w->stacks);
    }
    return 0;
}

/* "Key: value" line of the Tierney format; returns the value's cursor. */
static bool key(struct rd *r, const char *k)
{
    size_t n = strlen(k);
    if ((size_t) (r->end - r->p) < n || memcmp(r->p, k, n) != 0)
        return false;
    r->p += n;
    return true;
}

static int read_tierney(struct rd *r, struct raw *w, struct bol_bay_error *err)
{
    bool have_t = false, have_s = false, have_n = false;
    unsigned next_stack = 0;
    do {
        if (key(r, "Name:") || key(r, "Description:")) {
            continue;
        } else if (key(r, "Tiers:")) {
            if (number(r, BOL_BAY_TIERS_MAX, &w->tiers, err, "tiers") < 0 || line_done(r, err) < 0)
                return -1;
            have_t = true;
        } else if (key(r, "Stacks:")) {
            if (number(r, BOL_BAY_STACKS_MAX, &w->stacks, err, "stacks") < 0 ||
                line_done(r, err) < 0)
                return -1;
            have_s = true;
        } else if (key(r, "Containers:")) {
            if (number(r, BOL_BAY_BOXES_MAX, &w->n, err, "containers") < 0 || line_done(r, err) < 0)
                return -1;
            have_n = true;
        } else if (key(r, "Stack ")) {
            unsigned s;
            if (!have_t || !have_s || !have_n) {
                err->line = r->line;
                return fail(err, "a stack before Tiers:, Stacks: and Containers:");
            }
            unsigned long sv = 0;
            const char *digits = r->p;
            while (r->p < r->end && *r->p >= '0' && *r->p <= '9' && sv < 1000)
                sv = sv * 10 + (unsigned long) (*r->p++ - '0');
            if (r->p == digits || r->p >= r->end || *r->p != ':') {
                err->line = r->line;
                return fail(err, "\"Stack i:\" expected");
            }
            r->p++;
            s = (unsigned) sv;
            if (s != next_stack || s >= w->stacks) {
                err->line = r->line;
                return fail(err, "stack %u where stack %u of %u was expected", s, next_stack,
                            w->stacks);
            }
            next_stack++;
            /* count the values first */
            struct rd probe = *r;
            unsigned h = 0, v;
            while (!at_eol(&probe) && number(&probe, 65535, &v, err, "box") == 0) {
                h++;
                skip_blanks(&probe);
            }
            if (read_stack(r, w, s, h, err) < 0)
                return -1;
        } else {
            err->line = r->line;
            return fail(err, "not a line of the Tiers/Stacks/Containers format");
        }
    } while (next_line(r));
    if (!have_t || !have_s || !have_n) {
        err->line = 0;
        return fail(err, "Tiers:, Stacks: or Containers: missing");
    }
    if (next_stack != w->stacks) {
        err->line = 0;
        return fail(err, "%u of %u stacks given", next_stack, w->stacks);
    }
    return 0;
}

/* cpmp_S_H_N_G_X_i: the maximum height is H. */
static unsigned bf_height(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    unsigned v[5];
    if (sscanf(base, "cpmp_%u_%u_%u_%u_%u_", &v[0], &v[1], &v[2], &v[3], &v[4]) != 5)
        return 0;
    return v[1];
}

/* Ranks the values densely 1..k in their order. */
static int rank_raw(const struct raw *w, struct bol_bay *out, struct bol_bay_error *err)
{
    uint16_t seen[BOL_BAY_BOXES_MAX];
    unsigned k = 0;
    for (unsigned s = 0; s < w->stacks; s++)
        for (unsigned t = 0; t < w->height[s]; t++) {
            uint16_t v = w->v[s][t];
            unsigned i = 0;
            while (i < k && seen[i] < v)
                i++;
            if (i < k && seen[i] == v)
                continue;
            memmove(&seen[i + 1], &seen[i], (k - i) * sizeof(seen[0]));
            seen[i] = v;
            k++;
        }
    for (unsigned s = 0; s < w->stacks; s++)
        for (unsigned t = 0; t < w->height[s]; t++) {
            unsigned i = 0;
            while (seen[i] != w->v[s][t])
                i++;
            out->prio[s][t] = (uint8_t) (i + 1);
        }
    (void) err;
    return 0;
}

int bol_bay_parse(const char *text, size_t len, const char *name, struct bol_bay *out,
                  struct bol_bay_error *err)
{
    struct raw w;
    struct rd r = { .p = text, .end = text + len, .line = 1 };
    memset(&w, 0, sizeof(w));
    memset(out, 0, sizeof(*out));
    err->line = 0;
    err->why[0] = '\0';
    if (memchr(text, '\0', len)) {
        return fail(err, "a NUL byte: not an instance file");
    }
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        r.p += 3;
    skip_blanks(&r);
    if (at_eol(&r) && !next_line(&r))
        return fail(err, "empty file");
    int rc = (*r.p >= '0' && *r.p <= '9') ? read_caserta(&r, &w, err) : read_tierney(&r, &w, err);
    if (rc < 0)
        return -1;
    err->line = 0;
    if (w.stacks == 0)
        return fail(err, "no stacks");
    unsigned total = 0;
    for (unsigned s = 0; s < w.stacks; s++)
        total += w.height[s];
    if (total != w.n)
        return fail(err, "the stacks hold %u boxes, the header says %u", total, w.n);
    unsigned h = bf_height(name);
    if (h == 0)
        h = w.tiers + 2;
    if (h > BOL_BAY_TIERS_MAX)
        return fail(err, "maximum height %u above %u", h, BOL_BAY_TIERS_MAX);
    out->stacks = w.stacks;
    out->n = w.n;
    out->max_height = h;
    memcpy(out->height, w.height, sizeof(out->height));
    for (unsigned s = 0; s < w.stacks; s++)
        if (w.height[s] > h)
            return fail(err, "stack %u holds %u boxes, above the maximum height %u", s + 1,
                        w.height[s], h);
    return rank_raw(&w, out, err);
}

unsigned bol_bay_rank(struct bol_bay *b)
{
    struct raw w;
    struct bol_bay_error err;
    memset(&w, 0, sizeof(w));
    w.stacks = b->stacks;
    memcpy(w.height, b->height, sizeof(w.height));
    unsigned k = 0;
    for (unsigned s = 0; s < b->stacks; s++)
        for (unsigned t = 0; t < b->height[s]; t++)
            w.v[s][t] = b->prio[s][t];
    (void) rank_raw(&w, b, &err);
    for (unsigned s = 0; s < b->stacks; s++)
        for (unsigned t = 0; t < b->height[s]; t++)
            if (b->prio[s][t] > k)
                k = b->prio[s][t];
    return k;
}

/* -- facts --------------------------------------------------------------- */

uint8_t bol_bay_stack_min(const struct bol_bay *b, unsigned s)
{
    uint8_t m = 255;
    for (unsigned t = 0; t < b->height[s]; t++)
        if (b->prio[s][t] < m)
            m = b->prio[s][t];
    return m;
}

unsigned bol_bay_blocking(const struct bol_bay *b)
{
    unsigned n = 0;
    for (unsigned s = 0; s < b->stacks; s++) {
        uint8_t m = 255;
        for (unsigned t = 0; t < b->height[s]; t++) {
            if (b->prio[s][t] > m)
                n++;
            else
                m = b->prio[s][t];
        }
    }
    return n;
}

bool bol_bay_sorted(const struct bol_bay *b)
{
    return bol_bay_blocking(b) == 0;
}

/* -- replay -------------------------------------------------------------- */

BOL_PRINTF(3, 4)
static int bad(struct bol_bay_replay *r, size_t i, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = snprintf(r->why, sizeof(r->why), "move %zu: ", i + 1);
    if (k < 0 || (size_t) k >= sizeof(r->why))
        k = 0;
    vsnprintf(r->why + k, sizeof(r->why) - (size_t) k, fmt, ap);
    va_end(ap);
    r->bad_move = i;
    return -1;
}

static uint8_t bay_min(const struct bol_bay *b)
{
    uint8_t m = 255;
    for (unsigned s = 0; s < b->stacks; s++) {
        uint8_t v = bol_bay_stack_min(b, s);
        if (v < m)
            m = v;
    }
    return m;
}

int bol_bay_replay(const struct bol_bay *b0, enum bol_bay_mode mode,
                   const struct bol_bay_move *moves, size_t n, struct bol_bay_replay *r)
{
    struct bol_bay b = *b0;
    memset(r, 0, sizeof(*r));
    r->bad_move = n;
    for (size_t i = 0; i < n; i++) {
        unsigned from = moves[i].from, to = moves[i].to;
        if (from >= b.stacks)
            return bad(r, i, "no stack %u", from + 1);
        if (b.height[from] == 0)
            return bad(r, i, "stack %u is empty", from + 1);
        uint8_t top = b.prio[from][b.height[from] - 1];
        uint8_t next = bay_min(&b);
        if (to == BOL_BAY_OUT) {
            if (mode == BOL_BAY_MODE_CPMP)
                return bad(r, i, "pre-marshalling retrieves nothing");
            if (top != next)
                return bad(r, i, "retrieves priority %u while %u is still in the bay", top, next);
            b.height[from]--;
            r->retrievals++;
            continue;
        }
        if (to >= b.stacks)
            return bad(r, i, "no stack %u", to + 1);
        if (to == from)
            return bad(r, i, "stack %u onto itself", from + 1);
        if (b.height[to] >= b.max_height)
            return bad(r, i, "stack %u is at the maximum height %u", to + 1, b.max_height);
        if (mode == BOL_BAY_MODE_BRP_RESTRICTED && bol_bay_stack_min(&b, from) != next)
            return bad(r, i, "restricted: stack %u does not hold the next box (priority %u)",
                       from + 1, next);
        b.prio[to][b.height[to]++] = top;
        b.height[from]--;
        r->relocations++;
    }
    if (mode == BOL_BAY_MODE_CPMP) {
        if (!bol_bay_sorted(&b))
            return bad(r, n ? n - 1 : 0, "the bay is not sorted after the last move");
    } else {
        for (unsigned s = 0; s < b.stacks; s++)
            if (b.height[s])
                return bad(r, n ? n - 1 : 0, "boxes left in stack %u after the last move", s + 1);
    }
    r->bad_move = n;
    return 0;
}
