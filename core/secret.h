/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Files that hold secrets, told apart before anything reads them for
 * another purpose: by name (secret stores, private keys: the list sos
 * forbids too) and by their first bytes (a PEM or OpenSSH private key,
 * binary content).  The bundle's collector refuses them; the probes skip
 * them, so that no parser ever quotes a line of a key in an error. */
#ifndef HVSCOPE_CORE_SECRET_H
#define HVSCOPE_CORE_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* A host path whose name says it holds a secret. */
bool secret_path(const char *path);

enum sniff {
	SNIFF_TEXT,
	SNIFF_KEY,    /* a PEM block, an OpenSSH or PuTTY private key */
	SNIFF_BINARY, /* a NUL byte, or mostly bytes no text file holds */
};
/* What the first len bytes of a file are. */
enum sniff sniff_content(const char *data, size_t len);
const char *sniff_name(enum sniff s);

#endif
