/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replica-int.h - shared by the files of src/replica
 */
#pragma once

/* Remove a file or a directory with everything in it (the replica's own outputs only). */
int bol_replica_rmtree(const char *path);
