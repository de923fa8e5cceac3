/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz.h - what every fuzz target defines
 *
 * Each target is one file fuzz_<name>.c with LLVMFuzzerTestOneInput.  With
 * -Dfuzzing_engine=libfuzzer it links libFuzzer; with the default "none" it
 * links standalone_main.c, which replays files and directories given on the
 * command line, so `meson test` runs every committed corpus (libvips and
 * systemd do the same).  A target must never crash, leak or read out of
 * bounds, and checks what its parser promises with FUZZ_ASSERT.
 */
#pragma once

#include "compat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: abort (a finding) when it does not hold. */
#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            BOL_BUG("fuzz invariant failed: " #cond);                                              \
    } while (0)
