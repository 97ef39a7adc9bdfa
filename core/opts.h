/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A command's options as one table: each row names an option, the kind of
 * value it takes and its range, where the value goes and its help line.
 * getopt's tables, the range checks and the usage text all come from the
 * rows, so they cannot drift apart (git's parse-options is the model). */
#ifndef HVSCOPE_CORE_OPTS_H
#define HVSCOPE_CORE_OPTS_H

#include <stddef.h>
#include <stdio.h>

enum opt_kind {
	OPT_TRUE,   /* bool = true */
	OPT_FALSE,  /* bool = false (--no-color) */
	OPT_STR,    /* const char * = the argument (argv outlives the run) */
	OPT_STRV,   /* struct strv: the argument pushed (repeatable) */
	OPT_CSV,    /* struct strv: the argument's comma-separated items */
	OPT_LL,     /* long long within [lo, hi] */
	OPT_DOUBLE, /* double within [lo, hi] */
	OPT_CHOICE, /* int = the argument's index in choices */
	OPT_CALL,   /* call(o, row, arg) decides; < 0 refuses the value (said
		     * by opts when the row has a give, else by call) */
	OPT_HELP,   /* prints the usage on stdout */
	OPT_DOC,    /* a line of the usage text only, never parsed: name in the
		     * option column, or NULL for help as it is */
};

struct opt {
	char short_name; /* 0: none */
	const char *name;
	enum opt_kind kind;
	size_t off;       /* where the value goes in the command's options */
	const char *arg;  /* the value's name in the usage text; NULL: takes none */
	const char *help; /* lines split by '\n'; NULL: not in the usage text */
	double lo, hi;
	const char *const *choices;                                /* OPT_CHOICE, NULL-terminated */
	int (*call)(void *o, const struct opt *row, const char *arg); /* OPT_CALL */
	const void *data;                                          /* OPT_CALL's own */
	/* What a refused value should have been ("a count between 1 and
	 * 600"): said after "--NAME VALUE: give ". */
	const char *give;
};

struct opt_cmd {
	const char *name;   /* "top": hvscope top */
	const char *about;  /* after the Usage line, before the options */
	const char *footer; /* after the options; NULL: none */
	int width;          /* of the option column (its help starts 2 later) */
	const struct opt *rows;
	size_t n;
	/* The arguments after the options, as the usage line names them
	 * ("REPORT.json..."); NULL: the command takes none.  Each is pushed
	 * to the struct strv at operands_off in the command's options. */
	const char *operands;
	size_t operands_off;
};

/* A row's first six fields, named: { ROW('d', "delay", OPT_DOUBLE,
 * offsetof(..., delay), "SECONDS", "help"), .lo = 0.1, .hi = 3600 }. */
#define ROW(s, n, k, o, a, h) .short_name = (s), .name = (n), .kind = (k), .off = (o), .arg = (a), .help = (h)

enum { OPTS_OK = 0, OPTS_HELP = 1, OPTS_BAD = -1 };

/* argv into o by cmd's rows: OPTS_OK, OPTS_HELP (the usage printed on
 * stdout) or OPTS_BAD (said on stderr; an unknown option or a stray
 * argument prints the usage there too). */
int opts_parse(const struct opt_cmd *cmd, int argc, char **argv, void *o);
void opts_usage(const struct opt_cmd *cmd, FILE *f);

#endif
