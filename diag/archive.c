/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing the bundle.  The archive is built through core/atomicfile (an
 * unnamed file in the target's directory, 0600) and renamed into place
 * only when complete: a run killed half-way leaves nothing behind. */
#include "diag/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/atomicfile.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/json.h"
#include "core/util.h"
#include "core/scrub.h"

static const char readme[] =
	"hvscope support bundle\n"
	"======================\n"
	"\n"
	"Made by `hvscope bundle` for a Xen or KVM support case.\n"
	"\n"
	"  manifest.json   every file below with its size and sha256, where it came\n"
	"                  from and how many secrets were scrubbed from it; what was\n"
	"                  left out and why (missing, permission denied, over a size\n"
	"                  cap, timed out); versions, host and time taken\n"
	"  bundle.log      what the run did, step by step\n"
	"  index.html      the check report as a page for a browser, failing\n"
	"                  checks first (self-contained: nothing is fetched)\n"
	"  check/          `hvscope check`: report.txt, report.json, and facts.json\n"
	"                  (every fact the probes gathered, with its evidence);\n"
	"                  packages.txt (versions of the virtualization packages)\n"
	"  hypervisor/     the hypervisor's account through its API: samples.json\n"
	"                  (the domains' figures, a few samples a second apart;\n"
	"                  `hvscope top --replay` plays them), capabilities,\n"
	"                  node info, every domain's, network's, filter's and storage\n"
	"                  pool's definition\n"
	"  commands/       output of commands (xl info, xl dmesg, dmesg, ip ...),\n"
	"                  one file each, named after the command\n"
	"  files/          copies of host files under their own paths (/etc/xen,\n"
	"                  /var/log/xen, /etc/libvirt, /var/log/libvirt, /proc ...);\n"
	"                  a log over the per-file cap keeps its newest part\n"
	"  listings/       directory listings with owner, mode and SELinux label\n"
	"  selinux/        AVC denials that touch Xen or virt types\n"
	"  proc/           each running QEMU's command line, limits and cgroups\n"
	"\n"
	"Secrets were replaced by ******** before anything was written: values of\n"
	"keys named like password, passwd, secret, token, key, credential, in every\n"
	"syntax, private-key blocks and passwords in URLs.  With --clean, host\n"
	"names, IP and MAC addresses and user names were replaced by placeholders\n"
	"too (host1, 240.0.0.1, 02:00:00:00:00:01, user1); the mapping stayed on\n"
	"the host.\n";

char *bundle_safe_name(const char *name)
{
	char *s = xstrdup(name && *name ? name : "_");
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
			*p = '_';
	if (!strcmp(s, ".") || !strcmp(s, "..") || s[0] == '.')
		s[0] = '_';
	return s;
}

static int set_filter(struct archive *a, const char *out, struct err *e)
{
	int r;
	if (str_ends(out, ".tar.xz") || str_ends(out, ".txz")) {
		r = archive_write_add_filter_xz(a);
		/* Level 6 (xz's default) spends seconds on a capped 16 MiB
		 * log for a few percent; 1 keeps the bundle quick. */
		if (r == ARCHIVE_OK)
			archive_write_set_filter_option(a, "xz", "compression-level", "1");
	} else if (str_ends(out, ".tar.zst") || str_ends(out, ".tzst")) {
		r = archive_write_add_filter_zstd(a);
	} else if (str_ends(out, ".tar.gz") || str_ends(out, ".tgz")) {
		r = archive_write_add_filter_gzip(a);
	} else if (str_ends(out, ".tar")) {
		r = ARCHIVE_OK;
	} else {
		return err_set(e, -EINVAL, "%s: unknown archive type (use .tar.xz, .tar.zst, .tar.gz or .tar)", out);
	}
	if (r != ARCHIVE_OK)
		return err_set(e, -ENOTSUP, "%s: %s", out, archive_error_string(a));
	return 0;
}

static int open_output(struct bundle *b, struct err *e)
{
	int r = atomicfile_open(&b->out, b->o->output, ATOMICFILE_PRIVATE, e);
	b->fd = b->out.fd;
	return r;
}

void bundle_stamp(time_t t, char out[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y%m%d-%H%M%S", &tm);
}

int bundle_open(struct bundle *b, const struct bundle_opts *o, struct cleaner *cleaner, const char *shown, struct err *e)
{
	memset(b, 0, sizeof(*b));
	b->o = o;
	b->fd = b->out.fd = -1;
	b->t0 = clock_mono();
	b->cleaner = cleaner;
	time_t now = time(NULL);
	char stamp[32];
	bundle_stamp(now, stamp);
	_cleanup_free_ char *host = bundle_safe_name(shown);
	b->top = xasprintf("hvscope-%s-%s", host, stamp);

	b->a = archive_write_new();
	int r = set_filter(b->a, o->output, e);
	if (r < 0)
		goto fail;
	archive_write_set_format_pax_restricted(b->a);
	r = open_output(b, e);
	if (r < 0)
		goto fail;
	if (archive_write_open_fd(b->a, b->fd) != ARCHIVE_OK) {
		r = err_set(e, -EIO, "%s: %s", o->output, archive_error_string(b->a));
		goto fail;
	}
	bundle_add(b, "README.txt", readme, sizeof(readme) - 1, "hvscope", now, 0);
	return 0;
fail:
	bundle_abort(b);
	return r;
}

void bundle_abort(struct bundle *b)
{
	if (b->a) {
		archive_write_free(b->a);
		b->a = NULL;
	}
	atomicfile_abort(&b->out);
	b->fd = -1;
	free(b->top);
	cleaner_free(b->cleaner);
	strv_free(&b->files);
	strv_free(&b->skipped);
	buf_free(&b->log);
	b->top = NULL;
	b->cleaner = NULL;
}

static double elapsed(const struct bundle *b)
{
	return clock_mono() - b->t0;
}

void bundle_log(struct bundle *b, const char *fmt, ...)
{
	buf_printf(&b->log, "%8.3f ", elapsed(b));
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b->log, fmt, ap);
	va_end(ap);
	buf_putc(&b->log, '\n');
}

void bundle_skip(struct bundle *b, const char *source, const char *fmt, ...)
{
	struct buf reason = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&reason, fmt, ap);
	va_end(ap);
	struct buf entry = BUF_INIT;
	struct json j;
	json_init(&j, &entry, true);
	json_object(&j, NULL, JSON_INLINE);
	json_string(&j, "source", source);
	json_string(&j, "reason", buf_str(&reason));
	json_close(&j);
	strv_push_take(&b->skipped, buf_steal(&entry));
	b->nskipped++;
	bundle_log(b, "skipped %s (%s)", source, buf_str(&reason));
	buf_free(&reason);
}

static void sha256_hex(const void *data, size_t len, char out[2 * SHA256_DIGEST_SIZE + 1])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static int write_entry(struct bundle *b, const char *rel, const char *data, size_t len, time_t mtime)
{
	struct archive_entry *ent = archive_entry_new();
	_cleanup_free_ char *path = xasprintf("%s/%s", b->top, rel);
	archive_entry_set_pathname(ent, path);
	archive_entry_set_size(ent, (la_int64_t)len);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0600);
	archive_entry_set_mtime(ent, mtime, 0);
	archive_entry_set_uname(ent, "root");
	archive_entry_set_gname(ent, "root");
	int r = archive_write_header(b->a, ent);
	if (r == ARCHIVE_OK && len)
		r = archive_write_data(b->a, data, len) == (la_ssize_t)len ? ARCHIVE_OK : ARCHIVE_FATAL;
	archive_entry_free(ent);
	return r == ARCHIVE_OK ? 0 : -EIO;
}

static bool binary(const char *data, size_t len)
{
	return memchr(data, '\0', len < 65536 ? len : 65536) != NULL;
}

void bundle_add(struct bundle *b, const char *rel, const char *data, size_t len, const char *source, time_t mtime,
		uint64_t truncated)
{
	if (binary(data, len)) {
		bundle_skip(b, source, "binary content, not collected (only text can be checked for secrets)");
		return;
	}
	struct buf scrubbed = BUF_INIT, cleaned = BUF_INIT;
	unsigned ns = scrub_text(data, len, &scrubbed);
	unsigned nc = 0;
	const struct buf *final = &scrubbed;
	_cleanup_free_ char *relc = NULL;
	if (b->cleaner) {
		nc = cleaner_apply(b->cleaner, scrubbed.s ? scrubbed.s : "", scrubbed.len, &cleaned);
		struct buf r = BUF_INIT;
		cleaner_apply(b->cleaner, rel, strlen(rel), &r);
		relc = buf_steal(&r);
		rel = relc;
		final = &cleaned;
	}
	if (b->total + final->len > b->o->max_size) {
		bundle_skip(b, source, "over the total size cap (--max-size %llu bytes)", (unsigned long long)b->o->max_size);
		goto out;
	}
	if (write_entry(b, rel, final->s ? final->s : "", final->len, mtime) < 0) {
		bundle_skip(b, source, "could not be written: %s", archive_error_string(b->a));
		goto out;
	}
	char sha[2 * SHA256_DIGEST_SIZE + 1];
	sha256_hex(final->s ? final->s : "", final->len, sha);
	struct buf entry = BUF_INIT;
	struct json j;
	json_init(&j, &entry, true);
	json_object(&j, NULL, JSON_INLINE);
	json_string(&j, "path", rel);
	json_uint(&j, "size", final->len);
	json_string(&j, "sha256", sha);
	json_string(&j, "source", source);
	json_uint(&j, "scrubbed", ns);
	if (b->cleaner)
		json_uint(&j, "cleaned", nc);
	if (truncated)
		json_uint(&j, "truncated_bytes", truncated);
	json_close(&j);
	strv_push_take(&b->files, buf_steal(&entry));
	b->nfiles++;
	b->total += final->len;
	b->scrubbed += ns;
	b->cleaned += nc;
	if (ns)
		bundle_log(b, "%s: %u secret value%s scrubbed", rel, ns, ns == 1 ? "" : "s");
out:
	buf_free(&scrubbed);
	buf_free(&cleaned);
}

/* Added last and outside the caps: filtered like every other entry. */
static int add_own(struct bundle *b, const char *rel, const struct buf *text)
{
	struct buf s = BUF_INIT, c = BUF_INIT;
	scrub_text(text->s ? text->s : "", text->len, &s);
	const struct buf *final = &s;
	if (b->cleaner) {
		cleaner_apply(b->cleaner, s.s ? s.s : "", s.len, &c);
		final = &c;
	}
	int r = write_entry(b, rel, final->s ? final->s : "", final->len, time(NULL));
	buf_free(&s);
	buf_free(&c);
	return r;
}

/* manifest.json: what the bundle is, how it was made, every file with its
 * size and checksum (bundle.log last: logc_len and sha are its), and what
 * was left out and why. */
static void write_manifest(const struct bundle *b, struct buf *m, const char *host_desc, const char *when, double took, size_t logc_len,
			   const char *sha)
{
	struct json j;
	json_init(&j, m, true);
	json_object(&j, NULL, JSON_LINES);
	json_string(&j, "format", "hvscope-bundle/1");
	json_string(&j, "hvscope_version", HVSCOPE_VERSION);
	json_string(&j, "created", when);
	json_string(&j, "host", host_desc);
	json_string(&j, "root", b->o->root);
	json_bool(&j, "live_host", b->live);
	json_object(&j, "options", JSON_INLINE);
	if (b->o->since > 0)
		json_double(&j, "since", b->o->since, 0);
	else
		json_null(&j, "since");
	json_uint(&j, "max_size", b->o->max_size);
	json_uint(&j, "max_file_size", b->o->max_file_size);
	json_bool(&j, "clean", b->o->clean);
	json_bool(&j, "hypervisor", !b->o->no_hypervisor);
	json_int(&j, "command_timeout_ms", b->o->cmd_timeout_ms);
	json_close(&j);
	json_double(&j, "duration_seconds", took, 3);
	json_object(&j, "totals", JSON_INLINE);
	json_uint(&j, "files", b->nfiles + 1);
	json_uint(&j, "bytes", b->total);
	json_uint(&j, "scrubbed", b->scrubbed);
	json_uint(&j, "cleaned", b->cleaned);
	json_uint(&j, "skipped", b->nskipped);
	json_close(&j);
	json_array(&j, "files", JSON_LINES);
	for (size_t i = 0; i < b->files.n; i++)
		json_raw(&j, NULL, b->files.v[i]);
	json_object(&j, NULL, JSON_INLINE);
	json_string(&j, "path", "bundle.log");
	json_uint(&j, "size", logc_len);
	json_string(&j, "sha256", sha);
	json_string(&j, "source", "hvscope");
	json_uint(&j, "scrubbed", 0);
	json_close(&j);
	json_close(&j);
	json_array(&j, "skipped", JSON_LINES);
	for (size_t i = 0; i < b->skipped.n; i++)
		json_raw(&j, NULL, b->skipped.v[i]);
	json_close(&j);
	json_close(&j);
	buf_putc(m, '\n');
}

int bundle_finish(struct bundle *b, const char *host_desc, struct err *e)
{
	double took = elapsed(b);
	bundle_log(b, "done: %zu files, %llu bytes, %u secret values scrubbed, %zu skipped", b->nfiles,
		   (unsigned long long)b->total, b->scrubbed, b->nskipped);
	/* bundle.log is listed in the manifest; the manifest cannot list itself. */
	struct buf m = BUF_INIT;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	char sha[2 * SHA256_DIGEST_SIZE + 1];
	struct buf logc = BUF_INIT;
	scrub_text(b->log.s ? b->log.s : "", b->log.len, &logc);
	if (b->cleaner) {
		struct buf c2 = BUF_INIT;
		cleaner_apply(b->cleaner, logc.s ? logc.s : "", logc.len, &c2);
		buf_free(&logc);
		logc = c2;
	}
	sha256_hex(logc.s ? logc.s : "", logc.len, sha);
	int r = write_entry(b, "bundle.log", logc.s ? logc.s : "", logc.len, now);
	size_t logc_len = logc.len;
	buf_free(&logc);
	write_manifest(b, &m, host_desc, when, took, logc_len, sha);
	if (r == 0)
		r = add_own(b, "manifest.json", &m);
	buf_free(&m);
	if (r < 0) {
		err_set(e, r, "%s: %s", b->o->output, archive_error_string(b->a));
		bundle_abort(b);
		return r;
	}
	if (archive_write_close(b->a) != ARCHIVE_OK) {
		r = err_set(e, -EIO, "%s: %s", b->o->output, archive_error_string(b->a));
		bundle_abort(b);
		return r;
	}
	archive_write_free(b->a);
	b->a = NULL;
	if (b->cleaner && b->o->map_path) {
		r = cleaner_save_map(b->cleaner, b->o->map_path, e);
		if (r < 0) {
			bundle_abort(b);
			return r;
		}
	}
	r = atomicfile_commit(&b->out, e);
	b->fd = -1;
	if (r < 0) {
		bundle_abort(b);
		return r;
	}
	bundle_abort(b); /* frees the rest; nothing left to remove */
	return 0;
}
