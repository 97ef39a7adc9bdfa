/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hvscope's own records in an sosreport: the outputs of the commands sos's
 * sos_extras plugin ran from /etc/sos/extras.d/hvscope. */
#ifndef HVSCOPE_PROBE_SOS_OWN_H
#define HVSCOPE_PROBE_SOS_OWN_H

/* Where, under an sosreport's top directory, sos_extras kept the output of
 * `hvscope check --facts --format json` (*facts) and of `hvscope top -b -f
 * snapshot` (*samples); each NULL when the sosreport holds none.  The
 * caller frees both. */
void sos_own_find(const char *top, char **facts, char **samples);

#endif
