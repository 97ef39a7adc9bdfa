/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing a command line by an option table, and the usage text the same
 * table gives. */
#include "core/opts.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/util.h"

/* A row's index is its getopt value, past every character a short option
 * could be. */
enum { OPT_BASE = 256 };

static void *field(void *o, const struct opt *row)
{
	return (char *)o + row->off;
}

static void build_getopt(const struct opt_cmd *cmd, struct option *lo, struct buf *shorts)
{
	size_t k = 0;
	buf_putc(shorts, ':');
	for (size_t i = 0; i < cmd->n; i++) {
		const struct opt *r = &cmd->rows[i];
		if (r->kind == OPT_DOC)
			continue;
		bool has_arg = r->arg != NULL;
		lo[k++] = (struct option){ r->name, has_arg ? required_argument : no_argument, NULL, OPT_BASE + (int)i };
		if (r->short_name) {
			buf_putc(shorts, r->short_name);
			if (has_arg)
				buf_putc(shorts, ':');
		}
	}
	lo[k] = (struct option){ NULL, 0, NULL, 0 };
}

static int refuse(const struct opt_cmd *cmd, const struct opt *r, const char *arg)
{
	fprintf(stderr, "hvscope %s: --%s %s: give %s\n", cmd->name, r->name, arg, r->give ? r->give : "another value");
	return OPTS_BAD;
}

static int set_choice(const struct opt_cmd *cmd, const struct opt *r, const char *arg, void *o)
{
	for (int i = 0; r->choices[i]; i++)
		if (!strcmp(r->choices[i], arg)) {
			*(int *)field(o, r) = i;
			return OPTS_OK;
		}
	fprintf(stderr, "hvscope %s: unknown %s '%s' (", cmd->name, r->name, arg);
	for (int i = 0; r->choices[i]; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", r->choices[i]);
	fputs(")\n", stderr);
	return OPTS_BAD;
}

static void push_csv(struct strv *v, const char *arg)
{
	_cleanup_free_ char *copy = xstrdup(arg);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		strv_push(v, str_strip(t));
}

/* One option's value into o. */
static int take(const struct opt_cmd *cmd, const struct opt *r, const char *arg, void *o)
{
	long long ll;
	switch (r->kind) {
	case OPT_TRUE: *(bool *)field(o, r) = true; return OPTS_OK;
	case OPT_FALSE: *(bool *)field(o, r) = false; return OPTS_OK;
	case OPT_STR: *(const char **)field(o, r) = arg; return OPTS_OK;
	case OPT_STRV: strv_push(field(o, r), arg); return OPTS_OK;
	case OPT_CSV: push_csv(field(o, r), arg); return OPTS_OK;
	case OPT_LL:
		if (str_to_ll_range(arg, (long long)r->lo, (long long)r->hi, &ll) < 0)
			return refuse(cmd, r, arg);
		*(long long *)field(o, r) = ll;
		return OPTS_OK;
	case OPT_DOUBLE:
		if (str_to_double_range(arg, r->lo, r->hi, field(o, r)) < 0)
			return refuse(cmd, r, arg);
		return OPTS_OK;
	case OPT_CHOICE: return set_choice(cmd, r, arg, o);
	case OPT_CALL:
		if (r->call(o, r, arg) == 0)
			return OPTS_OK;
		return r->give ? refuse(cmd, r, arg) : OPTS_BAD;
	case OPT_HELP: opts_usage(cmd, stdout); return OPTS_HELP;
	case OPT_DOC: break;
	}
	return OPTS_BAD;
}

/* The option getopt stopped at, as the user typed it. */
static const char *culprit(char **argv, char shortname[3])
{
	if (optopt >= OPT_BASE)
		return argv[optind - 1];
	if (optopt > 0) {
		shortname[0] = '-';
		shortname[1] = (char)optopt;
		return shortname;
	}
	return argv[optind - 1];
}

static int bad_usage(const struct opt_cmd *cmd, const char *what, const char *opt)
{
	fprintf(stderr, "hvscope %s: %s '%s'\n", cmd->name, what, opt);
	opts_usage(cmd, stderr);
	return OPTS_BAD;
}

/* The row getopt's answer c stands for; NULL: an error of getopt's. */
static const struct opt *row_of(const struct opt_cmd *cmd, int c)
{
	if (c >= OPT_BASE)
		return &cmd->rows[c - OPT_BASE];
	for (size_t i = 0; c != '?' && c != ':' && i < cmd->n; i++)
		if (cmd->rows[i].short_name == c && cmd->rows[i].kind != OPT_DOC)
			return &cmd->rows[i];
	return NULL;
}

int opts_parse(const struct opt_cmd *cmd, int argc, char **argv, void *o)
{
	struct option *lo = xcalloc(cmd->n + 1, sizeof(*lo));
	struct buf shorts = BUF_INIT;
	build_getopt(cmd, lo, &shorts);
	int rc = OPTS_OK, c;
	char shortname[3] = "";
	optind = 1;
	opterr = 0;
	while (rc == OPTS_OK && (c = getopt_long(argc, argv, buf_str(&shorts), lo, NULL)) != -1) {
		const struct opt *r = row_of(cmd, c);
		if (r)
			rc = take(cmd, r, optarg, o);
		else if (c == ':')
			rc = bad_usage(cmd, "a value is missing after", culprit(argv, shortname));
		else
			rc = bad_usage(cmd, "unknown option", culprit(argv, shortname));
	}
	while (rc == OPTS_OK && cmd->operands && optind < argc)
		strv_push((struct strv *)((char *)o + cmd->operands_off), argv[optind++]);
	if (rc == OPTS_OK && optind < argc) {
		fprintf(stderr, "hvscope %s: unexpected argument '%s'\n", cmd->name, argv[optind]);
		rc = OPTS_BAD;
	}
	buf_free(&shorts);
	free(lo);
	return rc;
}

static void usage_row(const struct opt_cmd *cmd, const struct opt *r, FILE *f)
{
	if (!r->name) { /* a line of its own */
		fprintf(f, "%s\n", r->help);
		return;
	}
	struct buf left = BUF_INIT;
	if (r->kind == OPT_DOC)
		buf_printf(&left, "      %s", r->name);
	else if (r->short_name)
		buf_printf(&left, "  -%c, --%s", r->short_name, r->name);
	else
		buf_printf(&left, "      --%s", r->name);
	if (r->arg)
		buf_printf(&left, " %s", r->arg);
	int pad = cmd->width - (int)left.len;
	fprintf(f, "%s%*s  ", buf_str(&left), pad > 0 ? pad : 0, "");
	for (const char *h = r->help; *h;) {
		const char *nl = strchr(h, '\n');
		size_t len = nl ? (size_t)(nl - h) : strlen(h);
		fprintf(f, "%.*s\n", (int)len, h);
		if (!nl)
			break;
		h = nl + 1;
		fprintf(f, "%*s", cmd->width + 2, "");
	}
	buf_free(&left);
}

void opts_usage(const struct opt_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: hvscope %s [OPTION]...%s%s\n%s\n", cmd->name, cmd->operands ? " " : "", cmd->operands ? cmd->operands : "",
		cmd->about);
	for (size_t i = 0; i < cmd->n; i++)
		if (cmd->rows[i].help)
			usage_row(cmd, &cmd->rows[i], f);
	if (cmd->footer)
		fprintf(f, "\n%s", cmd->footer);
}
