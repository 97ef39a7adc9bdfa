/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error values: a negative errno and the message saying what and where. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"

int err_set(struct err *e, int code, const char *fmt, ...)
{
	if (!e)
		return code;
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(e->msg);
	e->msg = buf_steal(&b);
	e->code = code;
	return code;
}

const char *err_msg(const struct err *e)
{
	return e && e->msg ? e->msg : "unknown error";
}

void err_clear(struct err *e)
{
	free(e->msg);
	e->msg = NULL;
	e->code = 0;
}
