/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A private temporary directory removed if SIGINT, SIGTERM or SIGHUP ends
 * the process while it exists: a stranger's archive unpacked for reading
 * is never left in TMPDIR. */
#ifndef HVSCOPE_CORE_TMPGUARD_H
#define HVSCOPE_CORE_TMPGUARD_H

/* mkdtemp(template), guarded from its creation on (one at a time): the
 * signals' handlers remove it, then the signal takes its earlier course
 * (the default ends the process); a signal the process ignores stays
 * ignored.  NULL and errno as mkdtemp. */
char *tmpguard_mkdtemp(char *template);
/* The directory is the caller's again (to remove); the handlers are
 * those from before tmpguard_arm. */
void tmpguard_disarm(void);

#endif
