/* lib/util/tvars.c: ${name} variables in config text; see tvars.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvars.h"

#define NAME_MAX_LEN 31

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* At *p (just past "${"): the name up to "}" into name; the position after
 * "}" or NULL. */
static const char *take_name(const char *p, char *name)
{
	size_t n = 0;

	while (name_char(p[n]) && n < NAME_MAX_LEN) {
		name[n] = p[n];
		n++;
	}
	name[n] = '\0';
	if (n == 0 || p[n] != '}')
		return NULL;
	return p + n + 1;
}

static bool known(const char *name, const char *const *names)
{
	for (; names && *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

int tvars_check(const char *tmpl, const char *const *names, char *bad, size_t len)
{
	char name[NAME_MAX_LEN + 1];
	const char *p = tmpl, *next;

	while ((p = strchr(p, '$')) != NULL) {
		if (p[1] == '$') {
			p += 2;
			continue;
		}
		if (p[1] != '{' || (next = take_name(p + 2, name)) == NULL) {
			snprintf(bad, len, "%s", p);
			return -EINVAL;
		}
		if (!known(name, names)) {
			snprintf(bad, len, "%s", name);
			return -EINVAL;
		}
		p = next;
	}
	return 0;
}

int tvars_has(const char *tmpl)
{
	return tmpl && strchr(tmpl, '$') != NULL;
}

static void put_value(FILE *f, const char *v)
{
	for (; v && *v; v++)
		if ((unsigned char)*v >= 0x20 && *v != 0x7f)
			fputc(*v, f);
}

int tvars_expand(const char *tmpl, tvars_get_fn get, void *arg, char **ret)
{
	char name[NAME_MAX_LEN + 1], *buf = NULL;
	const char *p = tmpl, *next;
	size_t size = 0;
	FILE *f;
	int r = 0;

	f = open_memstream(&buf, &size);
	if (f == NULL)
		return -ENOMEM;
	while (*p) {
		if (*p != '$') {
			fputc(*p++, f);
			continue;
		}
		if (p[1] == '$') {
			fputc('$', f);
			p += 2;
			continue;
		}
		if (p[1] != '{' || (next = take_name(p + 2, name)) == NULL) {
			r = -EINVAL;
			break;
		}
		put_value(f, get(arg, name));
		p = next;
	}
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	return 0;
}
