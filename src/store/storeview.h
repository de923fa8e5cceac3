/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storeview.h - core's view of current state (view.h), answered by a store
 *
 * Used by ops inside a command's transaction, and by anything else that
 * wants to run core's rules against a store (a what-if check, a test).
 */
#pragma once

#include "compat.h"
#include "store.h"
#include "view.h"

struct bol_diag;

struct bol_store_view {
    struct bol_view view; /* pass &sv.view to core */
    struct bol_store *s;
    struct bol_diag *diag; /* receives the engine's errors */
};

void bol_store_view_init(struct bol_store_view *sv, struct bol_store *s, struct bol_diag *diag);
