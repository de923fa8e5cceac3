/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_edi_container_ids.c - the ISO 6346 validator against real EDI traffic
 *
 * For every file listed in <shared>/edi/ANALYSIS.json, read the container
 * number of each EQD segment (element 2, first component) and check that
 * bollard's validator classifies them exactly as the analysis does: valid,
 * wrong check digit, or not a container number at all.
 *
 * Segments come from the EDIFACT tokenizer (src/edi), which resynchronises
 * after a broken segment, so the truncated files are counted too.
 *
 * Usage: test_edi_container_ids SHARED_DIR.  Exits 77 (skipped) with a
 * message when the shared folder is absent.
 */
#include "compat.h"

#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <sys/stat.h>

#include "buf.h"
#include "container_id.h"
#include "edifact.h"
#include "errors.h"
#include "mem.h"
#include "sharedfile.h"

struct expect {
    char path[4096];
    char name[256];
    long eqd, ids, with_space, valid, invalid, notformat;
};

struct counts {
    long eqd, ids, with_space, valid, invalid, notformat;
};

/* Every EQD's container number, through the EDIFACT tokenizer (edifact.h). */
static void count_file(const char *data, size_t len, struct counts *k)
{
    static struct bol_edi_seg seg;
    struct bol_edi_reader r;
    struct bol_diag d;
    int rc;

    bol_edi_reader_init(&r, data, len, NULL);
    for (;;) {
        char id[64];
        struct bol_container_id cid;

        rc = bol_edi_next(&r, &seg, &d);
        if (rc == 0 || (rc < 0 && !bol_edi_resync(&r)))
            break;
        if (rc < 0 || strcmp(seg.tag, "EQD") != 0)
            continue;
        k->eqd++;
        if (bol_edi_text(&r.syn, bol_edi_get(&seg, 2, 1), id, sizeof(id)) <= 0)
            continue;
        k->ids++;
        if (strchr(id, ' '))
            k->with_space++;
        if (bol_container_id_normalize(bol_str_from(id), &cid, NULL) < 0)
            k->notformat++;
        else if (bol_container_id_verify(&cid, NULL) < 0)
            k->invalid++;
        else
            k->valid++;
    }
}

static void test_one_file(void **state)
{
    const struct expect *e = *state;
    struct bol_buf b = BOL_BUF_INIT(64u << 20);
    struct counts k = { 0, 0, 0, 0, 0, 0 };

    assert_int_equal(shared_read_file(e->path, &b), 0);
    count_file(b.buf, b.len, &k);
    bol_buf_release(&b);
    if (k.eqd != e->eqd || k.ids != e->ids || k.with_space != e->with_space ||
        k.valid != e->valid || k.invalid != e->invalid || k.notformat != e->notformat)
        fail_msg("%s: EQD %ld/%ld ids %ld/%ld spaced %ld/%ld valid %ld/%ld invalid %ld/%ld "
                 "notformat %ld/%ld (ours/analysis)",
                 e->name, k.eqd, e->eqd, k.ids, e->ids, k.with_space, e->with_space, k.valid,
                 e->valid, k.invalid, e->invalid, k.notformat, e->notformat);
}

static long get_long(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_integer(v)) {
        fprintf(stderr, "ANALYSIS.json: entry lacks integer '%s'\n", key);
        exit(1);
    }
    return (long) json_integer_value(v);
}

int main(int argc, char **argv)
{
    char path[4096];
    struct CMUnitTest *tests;
    struct expect *ex;
    json_error_t jerr;
    struct stat st;
    json_t *root;
    size_t n, i;
    int r;

    if (argc != 2) {
        fprintf(stderr, "usage: %s SHARED_DIR\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof(path), "%s/edi/ANALYSIS.json", argv[1]);
    if (stat(path, &st) != 0) {
        printf("shared test data not found: %s is missing (configure with "
               "-Dshared_dir=PATH); skipping\n",
               path);
        return 77;
    }
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_array(root)) {
        fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
        return 1;
    }
    n = json_array_size(root);
    tests = bol_xcalloc(n, sizeof(*tests));
    ex = bol_xcalloc(n, sizeof(*ex));
    for (i = 0; i < n; i++) {
        json_t *o = json_array_get(root, i);
        const char *file = json_string_value(json_object_get(o, "file"));

        if (!file) {
            fprintf(stderr, "ANALYSIS.json: entry %zu has no 'file'\n", i);
            return 1;
        }
        snprintf(ex[i].path, sizeof(ex[i].path), "%s/edi/%s", argv[1], file);
        snprintf(ex[i].name, sizeof(ex[i].name), "%s", file);
        ex[i].eqd = get_long(o, "EQD");
        ex[i].ids = get_long(o, "container_ids");
        ex[i].with_space = get_long(o, "id_with_space");
        ex[i].valid = get_long(o, "iso6346_valid");
        ex[i].invalid = get_long(o, "iso6346_invalid");
        ex[i].notformat = get_long(o, "iso6346_notformat");
        tests[i].name = ex[i].name;
        tests[i].test_func = test_one_file;
        tests[i].initial_state = &ex[i];
    }
    r = _cmocka_run_group_tests("edi_container_ids", tests, n, NULL, NULL);
    json_decref(root);
    bol_free(tests);
    bol_free(ex);
    return r;
}
