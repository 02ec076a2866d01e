/* tests/unit/testutil.h: helpers shared by the unit suites. Config texts are
 * written to a temporary file and loaded with conf_load(), exactly as the
 * daemon loads its file. Header-only: each suite is one .c file. */
#pragma once

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"

#define DATA_DIR "tests/unit/data"

/* Write text to a fresh temporary file; returns its path (static buffer). */
static inline const char *tu_write_tmp(const char *text)
{
	static char path[64];
	int fd;
	size_t n = strlen(text);

	snprintf(path, sizeof(path), "/tmp/tandem-check-XXXXXX");
	fd = mkstemp(path);
	ck_assert_msg(fd >= 0, "mkstemp failed");
	ck_assert_msg(write(fd, text, n) == (ssize_t)n, "short write to %s", path);
	close(fd);
	return path;
}

/* conf_load() on a text; the file is removed afterwards. */
static inline int tu_load(const char *text, struct conf **ret, struct conf_error *err)
{
	char path[64];
	int r;

	snprintf(path, sizeof(path), "%s", tu_write_tmp(text));
	r = conf_load(path, ret, err);
	unlink(path);
	return r;
}

/* Load a text that must be valid. */
static inline struct conf *tu_load_ok(const char *text)
{
	struct conf *c = NULL;
	struct conf_error err;
	char msg[600];
	int r = tu_load(text, &c, &err);

	conf_error_format(&err, msg, sizeof(msg));
	ck_assert_msg(r == 0, "conf_load failed (%d): %s", r, msg);
	ck_assert_ptr_nonnull(c);
	return c;
}

/* Load a text that must be refused on line `line` with msg in the message. */
static inline void tu_load_bad(const char *text, const char *msg, int line)
{
	struct conf *c = NULL;
	struct conf_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(tu_load(text, &c, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, msg), "message '%s' lacks '%s'", err.msg, msg);
	ck_assert_int_eq(err.line, line);
}

/* 1-based number of the first line of text containing marker, 0 if none. */
static inline int tu_line_of(const char *text, const char *marker)
{
	const char *hit = strstr(text, marker);
	int line = 1;

	if (hit == NULL)
		return 0;
	for (const char *p = text; p < hit; p++)
		if (*p == '\n')
			line++;
	return line;
}

static inline const struct conf_route *tu_route(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_routes; i++)
		if (strcmp(c->routes[i].name, name) == 0)
			return &c->routes[i];
	ck_abort_msg("no route named %s", name);
	return NULL;
}
