/* daemon/tandemctl.h: what tandemctl.c (the client) uses of
 * tandemctl_print.c (the printers for people). */
#ifndef TANDEM_TANDEMCTL_H
#define TANDEM_TANDEMCTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* o[key] as a string, or dflt when absent or not a string */
const char *s_or(json_t *o, const char *key, const char *dflt);
/* o[key] as an integer, 0 when absent */
long long i_of(json_t *o, const char *key);
/* a JSON value, compact, reals rounded; a top-level string unquoted */
void print_value(FILE *f, json_t *v, bool top);
/* one event on one line: time, type, call, then the other fields */
void print_event(json_t *ev);
/* the answer to command cmd, as a table or lines for people */
void print_answer(const char *cmd, json_t *ans);

#endif
