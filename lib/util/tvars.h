/* lib/util/tvars: ${name} variables in config text (add_headers, the
 * identity settings of a route). A template is checked once, when the
 * config is loaded, against the names a caller knows; expanded per call
 * through a lookup function. No state; any thread. */
#pragma once

#include <stddef.h>

/* Check tmpl: every "${" opens a name of [a-z0-9_] closed by "}", and each
 * name is in names (NULL-terminated). "$$" is a literal "$". Returns 0, or
 * -EINVAL with the offending text (the name, or the rest of the template)
 * in bad (at most len bytes, NUL-terminated). */
int tvars_check(const char *tmpl, const char *const *names, char *bad, size_t len);

/* The value of variable name, NULL for empty; arg is the caller's. */
typedef const char *(*tvars_get_fn)(void *arg, const char *name);

/* tmpl (checked by tvars_check) with each ${name} replaced by get's value
 * (characters below 0x20 and DEL dropped, so that a value can never end a
 * header line), into *ret (malloc'd, the caller frees it). Returns 0,
 * -EINVAL for a template tvars_check would refuse, or -ENOMEM; *ret is
 * untouched on failure. */
int tvars_expand(const char *tmpl, tvars_get_fn get, void *arg, char **ret);

/* Whether tmpl holds any variable (a constant needs no expansion). */
int tvars_has(const char *tmpl);
