/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error convention: functions return 0 or a negative errno and, when given a
 * struct err, leave a human message there saying what and where. */
#ifndef HVSCOPE_CORE_ERR_H
#define HVSCOPE_CORE_ERR_H

struct err {
	int code;  /* negative errno, 0 when clear */
	char *msg; /* owned */
};

#define ERR_INIT { 0, NULL }

/* Set (replacing any earlier message) and return code, so callers can write
 * `return err_set(e, -EINVAL, "...")`. e may be NULL. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const char *err_msg(const struct err *e);
void err_clear(struct err *e);
static inline void err_clearp(struct err *e) { err_clear(e); }

#endif
