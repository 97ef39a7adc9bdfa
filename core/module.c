/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Finds and loads hvscope's modules and the symbols they export, so that
 * each command pays for loading only the libraries it uses. */
#include "core/module.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/util.h"

/* Loaded modules, never closed: libvirt keeps an event-loop thread
 * running in its code, and a command's module is in use until exit.
 * Kept here so they stay reachable. */
struct loaded {
	char name[32];
	void *handle;
};
static struct loaded loaded[16];
static size_t nloaded;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *cached(const char *name)
{
	for (size_t i = 0; i < nloaded; i++)
		if (strcmp(loaded[i].name, name) == 0)
			return loaded[i].handle;
	return NULL;
}

static void remember(const char *name, void *h)
{
	if (nloaded < ARRAY_SIZE(loaded) && strlen(name) < sizeof(loaded[0].name)) {
		strcpy(loaded[nloaded].name, name);
		loaded[nloaded++].handle = h;
	}
}

/* The first of the places module_sym's comment lists that holds
 * NAME.so and loads; NULL with every file tried (and why) in tried. */
static void *open_module(const char *name, struct buf *tried)
{
	_cleanup_free_ char *bin = self_dir();
	const char *env = getenv("HVSCOPE_MODULE_PATH");
	char *dirs[4] = {
		env && *env ? xstrdup(env) : NULL,
		bin ? xstrdup(bin) : NULL,
		bin ? xasprintf("%s/../lib/hvscope", bin) : NULL,
		xstrdup(HVSCOPE_MODULE_DIR),
	};
	void *h = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !h; i++) {
		if (!dirs[i])
			continue;
		_cleanup_free_ char *path = xasprintf("%s/%s.so", dirs[i], name);
		if (access(path, R_OK) != 0) {
			buf_printf(tried, "%s%s", tried->len ? ", " : "", path);
			continue;
		}
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			buf_printf(tried, "%s%s (%s)", tried->len ? ", " : "", path, dlerror());
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		free(dirs[i]);
	return h;
}

void *module_sym(const char *name, const char *sym, struct err *e)
{
	void *p = dlsym(RTLD_DEFAULT, sym);
	if (p)
		return p;
	struct buf tried = BUF_INIT;
	pthread_mutex_lock(&lock);
	void *h = cached(name);
	if (!h && (h = open_module(name, &tried)))
		remember(name, h);
	pthread_mutex_unlock(&lock);
	if (h && !(p = dlsym(h, sym)))
		err_set(e, -ENOENT, "the module %s.so has no %s", name, sym);
	else if (!h)
		err_set(e, -ENOENT, "the module %s.so is not installed (tried %s)", name, buf_str(&tried));
	buf_free(&tried);
	return p;
}
