/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_booking.c - bollard booking list: the release orders lines sent
 * (booking.h)
 */
#include "compat.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "errors.h"
#include "jsonv.h"
#include "query.h"
#include "store.h"

const char *const cmd_booking_list_usage[] = {
    "usage: bollard booking list --data DIR [--booking B] [--json]",
    "",
    "List the booking-level release orders (COPARN BGM 12), by booking: the",
    "reference a driver quotes at the gate, booking, line, size-types, boxes",
    "out of the quantity, full or empty, valid until, open or cancelled",
    "(--json: each release as one JSON object per line).",
    NULL,
};

int cmd_booking_list(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "booking", required_argument, NULL, 'b' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *data = NULL, *booking = NULL;
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    struct bol_store *s = NULL;
    struct bol_diag d;
    bool as_json = false;
    json_t *a = NULL, *v;
    size_t i;
    int c, r;

    (void) ctx;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'b':
            booking = optarg;
            break;
        case 'j':
            as_json = true;
            break;
        case 'h':
            return cli_usage(cmd_booking_list_usage, false);
        default:
            return cli_usage(cmd_booking_list_usage, true);
        }
    }
    if (!data || optind != argc)
        return cli_usage(cmd_booking_list_usage, true);
    if (cli_open_store(data, true, &s) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    r = bol_query_docs(s, BOL_DOC_BOOKING_RELEASE, NULL, &a, &d);
    bol_store_close(s);
    if (r < 0) {
        cli_diag_error("cannot read the store", r, &d);
        return CLI_EXIT_FAIL;
    }
    json_array_foreach(a, i, v)
    {
        json_t *st = json_object_get(v, "sizetypes"), *t;
        const char *until = json_string_value(json_object_get(v, "valid_until"));
        char types[64] = "";
        size_t k, used = 0;

        if (booking && strcmp(json_string_value(json_object_get(v, "booking")), booking) != 0)
            continue;
        if (as_json) {
            bol_buf_reset(&b);
            if (jv_dump(v, &b) < 0) {
                r = -1;
                break;
            }
            cli_put_escaped(stdout, b.buf, b.len);
            putchar('\n');
            continue;
        }
        json_array_foreach(st, k, t)
        {
            used += (size_t) snprintf(types + used, sizeof(types) - used, "%s%s", k ? "," : "",
                                      json_string_value(t));
            if (used >= sizeof(types))
                break;
        }
        bol_buf_reset(&b);
        r = bol_buf_addf(&b, "%-20s %-20s %-4s %-14s %4lld/%-4lld %-5s %-20s %s",
                         json_string_value(json_object_get(v, "ref")),
                         json_string_value(json_object_get(v, "booking")),
                         json_string_value(json_object_get(v, "line")), types,
                         (long long) json_integer_value(json_object_get(v, "used")),
                         (long long) json_integer_value(json_object_get(v, "quantity")),
                         json_is_true(json_object_get(v, "full")) ? "full" : "empty",
                         until ? until : "-", json_string_value(json_object_get(v, "status")));
        if (r < 0)
            break;
        cli_put_escaped(stdout, b.buf, b.len); /* references came from partners */
        putchar('\n');
    }
    bol_buf_release(&b);
    json_decref(a);
    return r < 0 || fflush(stdout) != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
