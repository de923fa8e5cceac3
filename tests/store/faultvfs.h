/* SPDX-License-Identifier: Apache-2.0 */
/*
 * faultvfs.h - a SQLite VFS that loses unsynced writes, fails I/O and fills up
 *
 * Registered as "fault".  It wraps the default VFS: writes to database and WAL
 * files are held in memory until xSync, as a disk cache holds them.  At a
 * chosen sync the power goes out: a random subset of the writes not yet
 * synced reaches the file (in random order), the rest is lost, and every
 * later operation fails.  It can also fail the Nth write with an I/O error or
 * report a full disk once a byte quota is used.
 */
#pragma once

#include "compat.h"

/* Register the VFS (once). */
int faultvfs_register(void);

/* Forget all faults and counters; the power is on. */
void faultvfs_reset(uint64_t seed);

/* Cut the power at the nth sync from now (1 = the next one). */
void faultvfs_powercut_at_sync(unsigned n);

/* Fail the nth write from now with SQLITE_IOERR_WRITE. */
void faultvfs_fail_write(unsigned n);

/* Report SQLITE_FULL once more than bytes have been written from now. */
void faultvfs_quota(uint64_t bytes);

/* True once the power was cut. */
bool faultvfs_dead(void);

/* Syncs seen since the last reset. */
unsigned faultvfs_syncs(void);
