/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sharedfile.h - reading a file of the shared test data into a buffer
 * (the tests in tests/shared only; header-only so each stays one file)
 */
#pragma once

#include <stdio.h>

#include "buf.h"
#include "errors.h"

/* Append the whole file to out: 0, BOL_E_NOTFOUND, BOL_E_IO, or the buffer's error. */
static inline int shared_read_file(const char *path, struct bol_buf *out)
{
    FILE *f = fopen(path, "rb");
    char chunk[65536];
    size_t n;
    int r = 0;

    if (!f)
        return BOL_E_NOTFOUND;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && r == 0)
        r = bol_buf_add(out, chunk, n);
    if (ferror(f))
        r = BOL_E_IO;
    fclose(f);
    return r;
}
