/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_alertsink.c - the webhook's back-off and signature (alertsink.h)
 *
 * The worker and the network are tested end to end in t-detect.sh; here the
 * pieces that are plain functions.
 */
#include "testutil.h"

#include <sodium.h>
#include <string.h>

#include "alertsink.h"

#define S INT64_C(1000000)

static void test_backoff_doubles_to_the_cap(void **state)
{
    (void) state;
    assert_int_equal(bol_webhook_backoff_us(1, 60), 1 * S);
    assert_int_equal(bol_webhook_backoff_us(2, 60), 2 * S);
    assert_int_equal(bol_webhook_backoff_us(3, 60), 4 * S);
    assert_int_equal(bol_webhook_backoff_us(4, 60), 8 * S);
    assert_int_equal(bol_webhook_backoff_us(6, 60), 32 * S);
    /* the cap */
    assert_int_equal(bol_webhook_backoff_us(7, 60), 60 * S);
    assert_int_equal(bol_webhook_backoff_us(3, 2), 2 * S);
    assert_int_equal(bol_webhook_backoff_us(1, 2), 1 * S);
    /* no overflow far out, and attempt 0 is taken as the first */
    assert_int_equal(bol_webhook_backoff_us(1000, 3600), 3600 * S);
    assert_int_equal(bol_webhook_backoff_us(0, 60), 1 * S);
}

static void test_signature(void **state)
{
    const uint8_t key[] = "0123456789abcdef0123456789abcdef";
    char a[72], b[72];

    (void) state;
    bol_webhook_sign(key, 32, "1700000000", "{\"x\":1}", 7, a);
    assert_memory_equal(a, "sha256=", 7);
    assert_int_equal(strlen(a), 71);
    bol_webhook_sign(key, 32, "1700000001", "{\"x\":1}", 7, b);
    assert_string_not_equal(a, b); /* the timestamp is signed */
    bol_webhook_sign(key, 32, "1700000000", "{\"x\":2}", 7, b);
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_doubles_to_the_cap),
        cmocka_unit_test(test_signature),
    };

    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
