/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Temporary paths removed if SIGINT, SIGTERM or SIGHUP ends the process
 * while they exist: a stranger's archive unpacked for reading is never
 * left in TMPDIR, a half-written output never beside its target. */
#ifndef HVSCOPE_CORE_TMPGUARD_H
#define HVSCOPE_CORE_TMPGUARD_H

#include <signal.h>

/* mkdtemp(template), guarded from its creation on (up to four paths at
 * once): the signals' handlers remove what is guarded, then the signal
 * takes its earlier course (the default ends the process); a signal the
 * process ignores stays ignored.  NULL and errno as mkdtemp (EMFILE when
 * four are guarded already). */
char *tmpguard_mkdtemp(char *template);
/* mkostemp(template, flags), the file guarded as above; -1 and errno. */
int tmpguard_mkostemp(char *template, int flags);
/* Blocks SIGINT, SIGTERM and SIGHUP (the old mask in old, for
 * sigprocmask(SIG_SETMASK, old, NULL)): for a short step no signal may
 * cut in half, such as a name that lives between two calls. */
void tmpguard_block(sigset_t *old);
/* path is the caller's again (to remove or keep); with nothing guarded,
 * the handlers are those from before. */
void tmpguard_release(const char *path);

#endif
