/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_order.c - bollard order list and order stowage: a visit's orders
 * from its line (load and discharge lists, stowage instructions)
 */
#include "compat.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "errors.h"
#include "log.h"
#include "query.h"
#include "store.h"

const char *const cmd_order_list_usage[] = {
    "usage: bollard order list --data DIR --visit ID [--kind load|discharge] [--json]",
    "",
    "Show a vessel visit's load list and discharge list as its line's orders",
    "(COPRAR) recorded them: one line per box with its kind, sender, line",
    "number, the order's document number, the container (or none: a",
    "booking-level line), size-type, full or empty, POD, planned cell and",
    "booking.  --kind shows one list; --json prints the lines as a JSON array",
    "with each box's master data as sent.",
    NULL,
};

const char *const cmd_order_stowage_usage[] = {
    "usage: bollard order stowage --data DIR --visit ID [--json]",
    "",
    "Show a vessel visit's stowage instructions as its line's last MOVINS",
    "gave them: per cell the handling (load, discharge, restow), POD,",
    "size-type, weight limit, reefer temperature and DG classes.  --json",
    "prints the rules as a JSON array.",
    NULL,
};

static const char *text_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

static int put_json(json_t *j)
{
    struct bol_buf b = BOL_BUF_INIT(256u << 20);
    size_t need = json_dumpb(j, NULL, 0, JSON_INDENT(1) | JSON_SORT_KEYS);
    int r = -1;

    if (need > 0 && bol_buf_grow(&b, need + 1) == 0) {
        b.len = json_dumpb(j, b.buf, need, JSON_INDENT(1) | JSON_SORT_KEYS);
        b.buf[b.len] = '\0';
        if (bol_buf_addch(&b, '\n') == 0 && fwrite(b.buf, 1, b.len, stdout) == b.len)
            r = 0;
    }
    bol_buf_release(&b);
    return r;
}

/* The row being printed: fields padded, trailing blanks cut at the end. */
static char row[1024];
static size_t row_len;

/* A field, escaped (partner text is never echoed raw), padded to width. */
static void put_field(const char *s, int width)
{
    size_t room = sizeof(row) - row_len - 1, n = 0;
    FILE *f = room > 1 ? fmemopen(row + row_len, room, "w") : NULL;

    if (f) {
        cli_put_escaped(f, s, strlen(s));
        fflush(f);
        n = (size_t) ftell(f);
        fclose(f);
    }
    row_len += BOL_MIN(n, room - 1 > 0 ? room - 1 : 0);
    for (; (int) n < width && row_len < sizeof(row) - 2; n++)
        row[row_len++] = ' ';
    if (row_len < sizeof(row) - 2)
        row[row_len++] = ' ';
}

static void end_row(void)
{
    while (row_len && row[row_len - 1] == ' ')
        row_len--;
    printf("%.*s\n", (int) row_len, row);
    row_len = 0;
}

static void dg_classes(json_t *o, char *out, size_t size)
{
    json_t *l;
    size_t i, k = 0;

    out[0] = '\0';
    json_array_foreach(json_object_get(o, "dg"), i, l)
    {
        int w = snprintf(out + k, size - k, "%s%s", k ? "," : "", text_of(l, "class"));

        if (w < 0 || (size_t) w >= size - k)
            break;
        k += (size_t) w;
    }
}

static int run(int argc, char **argv, bool stowage)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' }, { "visit", required_argument, NULL, 'v' },
        { "kind", required_argument, NULL, 'k' }, { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
    };
    const char *const *usage = stowage ? cmd_order_stowage_usage : cmd_order_list_usage;
    const char *data = NULL, *visit = NULL, *kind = NULL;
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *rows = NULL, *e;
    bool json = false;
    size_t i;
    int ch, r;

    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            data = optarg;
            break;
        case 'v':
            visit = optarg;
            break;
        case 'k':
            if (stowage)
                return cli_usage(usage, true);
            kind = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            return cli_usage(usage, false);
        default:
            return cli_usage(usage, true);
        }
    }
    if (!data || !visit || optind != argc)
        return cli_usage(usage, true);
    if (kind && strcmp(kind, "load") != 0 && strcmp(kind, "discharge") != 0) {
        bol_log_error("--kind '%s': a list is load or discharge", kind);
        return CLI_EXIT_USAGE;
    }
    if (cli_open_store(data, true, &s) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    r = stowage ? bol_query_stowage(s, visit, &rows, &d)
                : bol_query_orders(s, visit, kind, &rows, &d);
    bol_store_close(s);
    if (r < 0) {
        cli_diag_error(visit, r, &d);
        return CLI_EXIT_FAIL;
    }
    if (json) {
        r = put_json(rows);
        json_decref(rows);
        return r < 0 || fflush(stdout) != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    }
    if (stowage)
        printf("%-4s %-8s %-10s %-6s %-5s %-8s %-7s %s\n", "N", "CELL", "HANDLING", "POD", "TYPE",
               "MAX_KG", "TEMP", "DG");
    else
        printf("%-9s %-15s %-4s %-12s %-13s %-5s %-5s %-6s %-8s %s\n", "KIND", "SENDER", "N",
               "ORDER", "CONTAINER", "TYPE", "FULL", "POD", "CELL", "BOOKING");
    json_array_foreach(rows, i, e)
    {
        json_t *o = json_object_get(e, stowage ? "rule" : "box");
        char num[24], dg[32];

        snprintf(num, sizeof(num), "%lld", (long long) json_integer_value(json_object_get(e, "n")));
        if (stowage) {
            char kg[24] = "", t[48] = "";

            if (json_object_get(o, "max_kg"))
                snprintf(kg, sizeof(kg), "%lld",
                         (long long) json_integer_value(json_object_get(o, "max_kg")));
            if (json_object_get(o, "setpoint_c10")) {
                long long c10 = json_integer_value(json_object_get(o, "setpoint_c10"));

                snprintf(t, sizeof(t), "%s%lld.%lld", c10 < 0 ? "-" : "",
                         (c10 < 0 ? -c10 : c10) / 10, (c10 < 0 ? -c10 : c10) % 10);
            }
            dg_classes(o, dg, sizeof(dg));
            put_field(num, 4);
            put_field(text_of(o, "cell"), 8);
            put_field(text_of(o, "handling"), 10);
            put_field(text_of(o, "pod"), 6);
            put_field(text_of(o, "sizetype"), 5);
            put_field(kg, 8);
            put_field(t, 7);
            put_field(dg, 0);
        } else {
            json_t *full = json_object_get(o, "full");

            put_field(text_of(e, "kind"), 9);
            put_field(text_of(e, "sender"), 15);
            put_field(num, 4);
            put_field(text_of(e, "doc_no"), 12);
            put_field(json_object_get(o, "container") ? text_of(o, "container") : "-", 13);
            put_field(text_of(o, "sizetype"), 5);
            put_field(!full ? "" : json_is_true(full) ? "full" : "empty", 5);
            put_field(text_of(o, "pod"), 6);
            put_field(text_of(o, "cell"), 8);
            put_field(text_of(o, "booking"), 0);
        }
        end_row();
    }
    fprintf(stderr, "%zu %s\n", json_array_size(rows), stowage ? "stowage rules" : "order lines");
    json_decref(rows);
    return fflush(stdout) != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_order_list(int argc, char **argv, struct cli_ctx *ctx)
{
    (void) ctx;
    return run(argc, argv, false);
}

int cmd_order_stowage(int argc, char **argv, struct cli_ctx *ctx)
{
    (void) ctx;
    return run(argc, argv, true);
}
