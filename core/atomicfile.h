/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A file replaced whole or not at all: written under no name (O_TMPFILE)
 * in the target's directory, or where the filesystem lacks that under a
 * temporary name guarded from signals, then fsynced and renamed over the
 * target.  Readers (node_exporter's textfile collector, a user's script)
 * see the old file or the new one, never half; a run ended by SIGINT,
 * SIGTERM or SIGHUP leaves no temporary, and by SIGKILL none either where
 * the filesystem has O_TMPFILE. */
#ifndef HVSCOPE_CORE_ATOMICFILE_H
#define HVSCOPE_CORE_ATOMICFILE_H

#include <stddef.h>

#include "core/err.h"

enum {
	/* 0600 whatever the target had (a bundle holds a host's files);
	 * without it the target's mode and owner are kept, and a new file
	 * gets 0644 under the umask. */
	ATOMICFILE_PRIVATE = 1,
	/* A named temporary from the start, as on filesystems without
	 * O_TMPFILE (for that path's tests). */
	ATOMICFILE_NAMED = 2,
};

struct atomicfile {
	int fd;     /* write here between open and commit */
	char *path; /* the target */
	char *tmp;  /* the named temporary, or NULL */
};

/* Errors name the path and, for a missing or read-only directory, it. */
int atomicfile_open(struct atomicfile *f, const char *path, unsigned flags, struct err *e);
/* All of data, or an error naming the target. */
int atomicfile_write(struct atomicfile *f, const void *data, size_t len, struct err *e);
/* fsync, rename over the target, fsync the directory; the file is closed
 * and f cleared, on failure too (the temporary removed). */
int atomicfile_commit(struct atomicfile *f, struct err *e);
/* Drops what was written; the target stays as it was.  Safe on a cleared
 * or failed f. */
void atomicfile_abort(struct atomicfile *f);
/* open, write and commit in one: a report or a page written whole. */
int atomicfile_save(const char *path, const void *data, size_t len, unsigned flags, struct err *e);

#endif
