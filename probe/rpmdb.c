/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An RPM database read through librpm, read-only, under a root.  Built as
 * the module probe-rpm.so, so that only a check of an RPM host (or of an
 * sosreport's rpm listing) loads librpm and the libraries it brings. */
#include "probe/rpmdb.h"

#include <errno.h>
#include <fcntl.h>
#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>
#include <rpm/rpmver.h>

#include "core/root.h"

int rpmdb_vercmp(const char *a, const char *b)
{
	rpmver va = rpmverParse(a), vb = rpmverParse(b);
	int r;
	if (va && vb)
		r = rpmverCmp(va, vb);
	else
		r = rpmvercmp(a, b);
	rpmverFree(va);
	rpmverFree(vb);
	return r < 0 ? -1 : r > 0;
}

int rpmdb_configure(struct err *e)
{
	rpmlogSetMask(RPMLOG_UPTO(RPMLOG_CRIT));
	if (rpmReadConfigFiles(NULL, NULL) != 0)
		return err_set(e, -EINVAL, "librpm: cannot read its configuration");
	return 0;
}

int rpmdb_query(const char *root, const char *dbpath, const char *name, bool glob,
		void (*found)(void *arg, char *name, char *version, char *arch), void *arg, struct err *e)
{
	int r = 0;
	/* RHEL keeps its database in /var/lib/rpm; Debian's rpm tool defaults
	 * to ~/.rpmdb, so the path is always given explicitly. */
	rpmPushMacro(NULL, "_dbpath", NULL, dbpath, RMIL_CMDLINE);
	rpmts ts = rpmtsCreate();
	rpmtsSetRootDir(ts, root_is_live(root) ? "/" : root);
	rpmtsSetVSFlags(ts, RPMVSF_MASK_NODIGESTS | RPMVSF_MASK_NOSIGNATURES);
	if (rpmtsOpenDB(ts, O_RDONLY) != 0) {
		r = err_set(e, -EIO, "librpm: cannot open the RPM database %s%s", root_is_live(root) ? "" : root, dbpath);
		goto out;
	}
	rpmdbMatchIterator mi;
	if (glob) {
		mi = rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0);
		if (mi)
			rpmdbSetIteratorRE(mi, RPMTAG_NAME, RPMMIRE_GLOB, name);
	} else {
		mi = rpmtsInitIterator(ts, RPMDBI_NAME, name, 0);
	}
	Header h;
	while (mi && (h = rpmdbNextIterator(mi)))
		found(arg, headerGetAsString(h, RPMTAG_NAME), headerGetAsString(h, RPMTAG_EVR), headerGetAsString(h, RPMTAG_ARCH));
	rpmdbFreeIterator(mi);
out:
	rpmtsFree(ts);
	rpmPopMacro(NULL, "_dbpath");
	return r;
}

void rpmdb_release(void)
{
	rpmFreeMacros(NULL);
	rpmFreeRpmrc();
}
