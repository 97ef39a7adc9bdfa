/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Temporary paths removed if SIGINT, SIGTERM or SIGHUP ends the process
 * while they exist: a stranger's archive unpacked for reading is never
 * left in TMPDIR, a half-written output never beside its target. */
#ifndef HVSCOPE_CORE_TMPGUARD_H
#define HVSCOPE_CORE_TMPGUARD_H

#include <pthread.h>
#include <signal.h>

/* mkdtemp(template), guarded from its creation on (up to four paths at
 * once): the signals' handlers remove what is guarded, then the signal
 * takes its earlier course (the default ends the process); a signal the
 * process ignores stays ignored.  NULL and errno as mkdtemp (EMFILE when
 * four are guarded already). */
char *tmpguard_mkdtemp(char *template);
/* mkostemp(template, flags), the file guarded as above; -1 and errno. */
int tmpguard_mkostemp(char *template, int flags);
/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (the old mask
 * in old, for pthread_sigmask(SIG_SETMASK, old, NULL)): for a short step
 * no signal may cut in half, such as a name that lives between two calls. */
void tmpguard_block(sigset_t *old);
/* pthread_create with those signals blocked in the new thread, so that
 * they land on the thread that blocks them around such a step (a worker
 * left hanging in a hypervisor call would take them otherwise). */
int tmpguard_thread(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg);
/* path is the caller's again (to remove or keep); with nothing guarded,
 * the handlers are those from before. */
void tmpguard_release(const char *path);

#endif
