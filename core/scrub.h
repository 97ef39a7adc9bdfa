/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Secrets out of collected text, generically: one pass over every text file
 * the bundle writes, whatever produced it.  sos scrubs plugin by plugin and
 * keeps missing forms; here the rule is the key's name, in every syntax a
 * config, a log or an API dump uses:
 *
 *   key=value  key = "value with spaces"  key: value  "key": "value"
 *   key='attr value' (XML attributes)  <key>value</key>  --key value
 *   (key value) (xend-config.sxp, xm list --long)   key value as a line's first
 *   words (kickstart's rootpw, grub.conf's password --md5 ...)
 *   -----BEGIN ... PRIVATE KEY----- blocks (also a block whose BEGIN line a
 *   log cap cut off)   scheme://user:password@host
 *
 * A key means a secret when its name, in any case, contains password,
 * passwd, secret, token, credential, authtok, passphrase or authorization,
 * or ends in key, pw, pwd or a last word pass: vncpasswd, spice_password,
 * api_key, X-Auth-Token, rootpw, db_pass; not keymap, keyboard, Bypass,
 * a check report's "pass" count or the shell's PWD.  Over-matching costs a
 * harmless value (password_file's path); under-matching would leak, so the
 * test is wide.  The value is replaced by SCRUB_MASK. */
#ifndef HVSCOPE_CORE_SCRUB_H
#define HVSCOPE_CORE_SCRUB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define SCRUB_MASK "********"

/* Whether a key name means a secret. */
bool scrub_is_secret_key(const char *name, size_t len);
/* Appends text (len bytes, any content) to out with secrets replaced;
 * returns how many values were replaced. */
unsigned scrub_text(const char *text, size_t len, struct buf *out);

#endif
