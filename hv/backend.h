/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a hypervisor backend implements and sees: the backend table and the
 * source handle.  Only hv/hv.c and the backends (hv/libvirt.c,
 * hv/xenstat.c) include this; callers see hv/hv.h alone. */
#ifndef HVSCOPE_HV_BACKEND_H
#define HVSCOPE_HV_BACKEND_H

#include "core/util.h"
#include "hv/snapshot.h"

struct hv;

/* Backends (hv/libvirt.c, hv/xenstat.c), each built as a module
 * (hv-NAME.so) that exports "hv_backend_NAME". */
struct hv_backend {
	const char *name;
	int (*open)(struct hv *hv, const char *uri, struct err *e);
	int (*sample)(struct hv *hv, struct hv_snapshot *snap, struct err *e);
	void (*close)(struct hv *hv);
	int (*dump)(struct hv *hv, int timeout_ms, struct hv_docs *out, struct err *e); /* may be NULL */
	void (*tidy)(struct hv *hv); /* may be NULL */
};
extern const struct hv_backend hv_backend_libvirt;
extern const struct hv_backend hv_backend_xenstat;

struct hv {
	const struct hv_backend *be;
	char *uri;
	char *describe;
	int deadline_ms;
	unsigned want; /* HV_WANT_* */
	const char *auto_note; /* how "auto" chose, for messages */
	struct strv metadata;  /* name, XPath, ...: hv_set_metadata */
	int connections;       /* hv_set_connections */
	void *priv;
};

#endif
