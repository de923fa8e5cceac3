/* SPDX-License-Identifier: Apache-2.0 */
/*
 * interchange.c - envelopes and the walk over an interchange
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "interchange.h"
#include "mem.h"

int bol_edi_note(struct bol_edi_interchange *ic, int msg, bool error, const struct bol_edi_seg *seg,
                 uint32_t element, const char *text)
{
    struct bol_edi_note *nt;

    if (error) {
        if (msg >= 0)
            ic->msgs[msg].failed = true;
        else
            ic->failed = true;
    }
    if (ic->nnotes >= BOL_EDI_NOTES_MAX) {
        ic->notes_dropped++;
        return 0;
    }
    if (ic->nnotes == ic->notes_cap) {
        size_t cap = ic->notes_cap ? ic->notes_cap * 2 : 16;
        struct bol_edi_note *a = bol_realloc(ic->notes, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        ic->notes = a;
        ic->notes_cap = cap;
    }
    nt = &ic->notes[ic->nnotes++];
    memset(nt, 0, sizeof(*nt));
    nt->msg = msg;
    nt->error = error;
    nt->element = element;
    if (seg) {
        nt->offset = seg->offset;
        nt->segment = seg->number;
        memcpy(nt->tag, seg->tag, sizeof(nt->tag));
    }
    snprintf(nt->text, sizeof(nt->text), "%s", text);
    return 0;
}

/* A note from a tokenizer diag (its own position). */
static int note_diag(struct bol_edi_interchange *ic, int msg, const struct bol_diag *d)
{
    struct bol_edi_seg where;
    char text[BOL_DIAG_MSG_MAX];

    memset(&where, 0, sizeof(where));
    where.offset = d->offset >= 0 ? (uint64_t) d->offset : 0;
    where.number = d->segment;
    if (strlen(d->field) == 3 && d->field[0] >= 'A' && d->field[0] <= 'Z')
        snprintf(where.tag, sizeof(where.tag), "%.3s", d->field);
    snprintf(text, sizeof(text), "%s", d->msg);
    return bol_edi_note(ic, msg, true, &where, d->element, text);
}

static void copy_val(const struct bol_edi_syntax *syn, struct bol_edi_val v, char *out, size_t size)
{
    if (bol_edi_text(syn, v, out, size) < 0)
        out[0] = '\0';
}

static int add_message(struct bol_edi_interchange *ic, const struct bol_edi_seg *seg)
{
    struct bol_edi_message *m;

    if (ic->nmsgs == ic->msgs_cap) {
        size_t cap = ic->msgs_cap ? ic->msgs_cap * 2 : 4;
        struct bol_edi_message *a = bol_realloc(ic->msgs, cap * sizeof(*a));

        if (!a)
            return BOL_E_NOMEM;
        ic->msgs = a;
        ic->msgs_cap = cap;
    }
    m = &ic->msgs[ic->nmsgs++];
    memset(m, 0, sizeof(*m));
    copy_val(&ic->syn, bol_edi_get(seg, 1, 1), m->ref, sizeof(m->ref));
    copy_val(&ic->syn, bol_edi_get(seg, 2, 1), m->type, sizeof(m->type));
    copy_val(&ic->syn, bol_edi_get(seg, 2, 2), m->version, sizeof(m->version));
    copy_val(&ic->syn, bol_edi_get(seg, 2, 3), m->release, sizeof(m->release));
    copy_val(&ic->syn, bol_edi_get(seg, 2, 4), m->agency, sizeof(m->agency));
    copy_val(&ic->syn, bol_edi_get(seg, 2, 5), m->assoc, sizeof(m->assoc));
    m->offset = seg->offset;
    m->first_segment = seg->number;
    return 0;
}

/* A count in a trailer: the number, or -1 when it is not one. */
static long long count_of(const struct bol_edi_syntax *syn, struct bol_edi_val v)
{
    int64_t n;

    if (bol_edi_decimal(syn, v, 0, &n) < 0 || n < 0)
        return -1;
    return n;
}

struct walk {
    struct bol_edi_interchange *ic;
    const struct bol_edi_handler *h;
    void *ctx;
    int cur; /* message open, or -1 */
    bool in_group;
    size_t group_msgs; /* messages in the open group */
    size_t groups;
    char group_ref[16];
    bool after_unz;
    bool outside; /* in a run of data segments outside any message */
};

static void end_message(struct walk *w)
{
    if (w->cur < 0)
        return;
    if (w->h && w->h->end)
        w->h->end(w->ctx, w->ic, (size_t) w->cur);
    w->cur = -1;
}

static int seg_in_message(struct walk *w, const struct bol_edi_seg *seg)
{
    struct bol_edi_message *m = &w->ic->msgs[w->cur];
    struct bol_diag d;
    int rc;

    m->segments++;
    if (!w->h || !w->h->segment || m->failed)
        return 0;
    bol_diag_init(&d);
    rc = w->h->segment(w->ctx, w->ic, (size_t) w->cur, seg, &d);
    if (rc == BOL_E_NOMEM)
        return rc;
    if (rc < 0)
        return bol_edi_note(w->ic, w->cur, true, seg, d.element, d.msg);
    return 0;
}

static int on_unb(struct walk *w, const struct bol_edi_seg *seg)
{
    struct bol_edi_interchange *ic = w->ic;
    const struct bol_edi_syntax *syn = &ic->syn;
    char id[8];

    if (ic->unb || seg->number != 1)
        return bol_edi_note(ic, -1, true, seg, 0,
                            ic->unb ? "a second UNB: one interchange per input"
                                    : "UNB is not the first segment");
    ic->unb = true;
    copy_val(syn, bol_edi_get(seg, 1, 1), id, sizeof(id));
    if (strlen(id) != 4 || memcmp(id, "UNO", 3) != 0 || id[3] < 'A' || id[3] > 'Y') {
        int rc = bol_edi_note(ic, -1, true, seg, 1, "the syntax identifier must be UNOA to UNOY");

        return rc < 0 ? rc : BOL_E_UNSUPPORTED;
    }
    memcpy(ic->syntax, id, 5);
    copy_val(syn, bol_edi_get(seg, 1, 2), ic->syntax_version, sizeof(ic->syntax_version));
    copy_val(syn, bol_edi_get(seg, 2, 1), ic->sender, sizeof(ic->sender));
    copy_val(syn, bol_edi_get(seg, 3, 1), ic->recipient, sizeof(ic->recipient));
    {
        char date[8], time[8];

        copy_val(syn, bol_edi_get(seg, 4, 1), date, sizeof(date));
        copy_val(syn, bol_edi_get(seg, 4, 2), time, sizeof(time));
        snprintf(ic->prepared, sizeof(ic->prepared), "%s%s%s", date, time[0] ? ":" : "", time);
    }
    copy_val(syn, bol_edi_get(seg, 5, 1), ic->control, sizeof(ic->control));
    return 0;
}

static int on_unt(struct walk *w, const struct bol_edi_seg *seg)
{
    struct bol_edi_interchange *ic = w->ic;
    struct bol_edi_message *m;
    long long n;
    char ref[16], text[128];
    int rc;

    if (w->cur < 0)
        return bol_edi_note(ic, -1, false, seg, 0, "UNT outside a message: ignored");
    m = &ic->msgs[w->cur];
    if ((rc = seg_in_message(w, seg)) < 0)
        return rc;
    m->complete = true;
    n = count_of(&ic->syn, bol_edi_get(seg, 1, 1));
    if (n != (long long) m->segments) {
        snprintf(text, sizeof(text), "UNT gives %lld segments; the message has %u", n, m->segments);
        if (n < 0)
            snprintf(text, sizeof(text), "UNT's segment count is not a number");
        if ((rc = bol_edi_note(ic, w->cur, false, seg, 1, text)) < 0)
            return rc;
    }
    copy_val(&ic->syn, bol_edi_get(seg, 2, 1), ref, sizeof(ref));
    if (strcmp(ref, m->ref) != 0) {
        snprintf(text, sizeof(text), "UNT names message %.15s; its UNH said %.15s", ref, m->ref);
        if ((rc = bol_edi_note(ic, w->cur, false, seg, 2, text)) < 0)
            return rc;
    }
    end_message(w);
    return 0;
}

static int on_unz(struct walk *w, const struct bol_edi_seg *seg)
{
    struct bol_edi_interchange *ic = w->ic;
    long long n, want = (long long) (w->groups ? w->groups : ic->nmsgs);
    char ref[16], text[128];
    int rc;

    ic->unz = true;
    w->after_unz = true;
    n = count_of(&ic->syn, bol_edi_get(seg, 1, 1));
    if (n != want) {
        snprintf(text, sizeof(text), "UNZ gives %lld; the interchange has %lld %s", n, want,
                 w->groups ? "groups" : "messages");
        if ((rc = bol_edi_note(ic, -1, false, seg, 1, text)) < 0)
            return rc;
    }
    copy_val(&ic->syn, bol_edi_get(seg, 2, 1), ref, sizeof(ref));
    if (ic->unb && strcmp(ref, ic->control) != 0) {
        snprintf(text, sizeof(text), "UNZ names interchange %.15s; UNB said %.15s", ref,
                 ic->control);
        if ((rc = bol_edi_note(ic, -1, false, seg, 2, text)) < 0)
            return rc;
    }
    if (!ic->unb)
        return bol_edi_note(ic, -1, false, seg, 0, "UNZ without UNB");
    return 0;
}

static int on_segment(struct walk *w, const struct bol_edi_seg *seg)
{
    struct bol_edi_interchange *ic = w->ic;
    const char *t = seg->tag;
    char text[128];
    int rc;

    if (w->after_unz) {
        w->after_unz = false; /* said once */
        return bol_edi_note(ic, -1, true, seg, 0, "segments after UNZ");
    }
    if (!strcmp(t, "UNB"))
        return on_unb(w, seg);
    if (strcmp(t, "UNG") && strcmp(t, "UNE") && strcmp(t, "UNZ"))
        w->outside = w->outside && strcmp(t, "UNH") != 0;
    if (!strcmp(t, "UNH")) {
        if (w->cur >= 0) {
            if ((rc = bol_edi_note(ic, w->cur, true, seg, 0,
                                   "the message has no UNT: the next UNH comes first")) < 0)
                return rc;
            end_message(w);
        }
        if ((rc = add_message(ic, seg)) < 0)
            return rc;
        w->cur = (int) ic->nmsgs - 1;
        w->group_msgs++;
        if (w->h && w->h->begin && (rc = w->h->begin(w->ctx, ic, (size_t) w->cur)) < 0)
            return rc;
        return seg_in_message(w, seg);
    }
    if (!strcmp(t, "UNT"))
        return on_unt(w, seg);
    if (w->cur >= 0) {
        if (!strcmp(t, "UNB") || !strcmp(t, "UNZ") || !strcmp(t, "UNG") || !strcmp(t, "UNE")) {
            if ((rc = bol_edi_note(ic, w->cur, true, seg, 0,
                                   "the message has no UNT: an envelope segment comes first")) < 0)
                return rc;
            end_message(w);
        } else {
            return seg_in_message(w, seg);
        }
    }
    if (!strcmp(t, "UNZ"))
        return on_unz(w, seg);
    if (!strcmp(t, "UNG")) {
        w->in_group = true;
        w->groups++;
        w->group_msgs = 0;
        copy_val(&ic->syn, bol_edi_get(seg, 5, 1), w->group_ref, sizeof(w->group_ref));
        return 0;
    }
    if (!strcmp(t, "UNE")) {
        long long n = count_of(&ic->syn, bol_edi_get(seg, 1, 1));

        if (!w->in_group)
            return bol_edi_note(ic, -1, false, seg, 0, "UNE without UNG");
        w->in_group = false;
        if (n != (long long) w->group_msgs) {
            snprintf(text, sizeof(text), "UNE gives %lld; the group has %zu messages", n,
                     w->group_msgs);
            return bol_edi_note(ic, -1, false, seg, 1, text);
        }
        return 0;
    }
    if (w->outside)
        return 0; /* said at the first of the run */
    w->outside = true;
    snprintf(text, sizeof(text),
             "%s outside a message (no UNH before it): skipped, with what follows up to the "
             "next UNH",
             t);
    return bol_edi_note(ic, -1, true, seg, 0, text);
}

int bol_edi_walk(const char *p, size_t n, const struct bol_edi_limits *lim,
                 const struct bol_edi_handler *h, void *ctx, struct bol_edi_interchange *ic)
{
    struct bol_edi_reader r;
    struct bol_edi_seg *seg = bol_malloc(sizeof(*seg));
    struct walk w = { ic, h, ctx, -1, false, 0, 0, "", false, false };
    struct bol_diag d;
    int rc = 0, was;

    memset(ic, 0, sizeof(*ic));
    if (!seg)
        return BOL_E_NOMEM;
    bol_edi_reader_init(&r, p, n, lim);
    for (;;) {
        bol_diag_init(&d);
        rc = bol_edi_next(&r, seg, &d);
        if (!ic->syn.term) /* the service characters, once UNA has been read */
            ic->syn = r.syn;
        ic->una = r.una;
        ic->bom = r.bom;
        if (rc == 0)
            break;
        if (rc > 0) {
            ic->segments = seg->number;
            if (seg->number == 1 && strcmp(seg->tag, "UNB") != 0 &&
                (rc = bol_edi_note(ic, -1, false, seg, 0,
                                   "no UNB: the message has no interchange envelope")) < 0)
                break;
            was = w.cur;
            rc = on_segment(&w, seg);
            if (rc < 0)
                break;
            if (was >= 0 && w.cur < 0 && !strcmp(seg->tag, "UNT"))
                ic->msgs[was].end = r.pos;
            continue;
        }
        /* A broken segment: an error of the open message, or of the interchange. */
        if ((rc = note_diag(ic, w.cur, &d)) < 0)
            break;
        if (d.code == BOL_E_TOOBIG && (!strcmp(d.field, "interchange"))) {
            rc = d.code;
            ic->failed = true;
            break;
        }
        if (!bol_edi_resync(&r)) {
            rc = 0;
            break;
        }
        if (w.cur >= 0)
            ic->msgs[w.cur].segments++;
    }
    if (rc == 0) {
        struct bol_edi_seg end;

        memset(&end, 0, sizeof(end));
        end.offset = n;
        end.number = ic->segments;
        if (w.cur >= 0) {
            rc =
                bol_edi_note(ic, w.cur, true, &end, 0, "the input ends inside the message: no UNT");
            end_message(&w);
        }
        if (rc == 0 && ic->unb && !ic->unz)
            rc = bol_edi_note(ic, -1, false, &end, 0, "the interchange has no UNZ");
    } else if (w.cur >= 0) {
        ic->msgs[w.cur].failed = true;
        end_message(&w);
    }
    bol_free(seg);
    if (rc == BOL_E_UNSUPPORTED)
        ic->failed = true;
    return rc;
}

void bol_edi_interchange_release(struct bol_edi_interchange *ic)
{
    bol_free(ic->msgs);
    bol_free(ic->notes);
    memset(ic, 0, sizeof(*ic));
}
