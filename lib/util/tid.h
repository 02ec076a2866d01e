/* lib/util/tid: who we are and what a call is called, beyond this process.
 *
 * The node id names this tandemd among several (the config's `node`, by
 * default the host name, plus the instance name of tandemd@NAME): records,
 * events, metrics and log lines carry it. It is set once at start, before
 * any thread but the main one runs, and read from any thread afterwards.
 *
 * A call UUID names one call for good: a UUID version 7 (RFC 9562: 48 bits
 * of Unix time in milliseconds, then 74 random bits from getrandom), unique
 * across nodes and restarts, and sorted by time. The counter id of a call
 * ("call": N) starts again at 1 with every start of tandemd; the UUID never
 * repeats. No state but the node id; any thread. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define TID_NODE_MAX 64		/* characters of a node id */
#define TID_UUID_LEN 36		/* "xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx" */

/* NULL when s is a good node id (1 to TID_NODE_MAX of A-Z a-z 0-9 . _ -,
 * starting with a letter or digit), else what is wrong with it. */
const char *tid_node_invalid(const char *s);

/* The node id when the config names none, into buf (at least
 * TID_NODE_MAX + 1): the host name, and "-INSTANCE" when instance is set
 * and not empty (tandemd@.service sets TANDEM_INSTANCE=%i). Characters a
 * node id cannot hold become '-', and it is cut to TID_NODE_MAX. */
void tid_node_default(const char *host, const char *instance, char *buf, size_t len);

/* This process's node id ("" until set). */
void tid_set_node(const char *node);
const char *tid_node(void);

/* A new call UUID into buf (at least TID_UUID_LEN + 1, else it gets ""),
 * lower-case hex. */
void tid_uuid_new(char *buf, size_t len);
/* s has the shape of a UUID (8-4-4-4-12 hex digits, any version). */
bool tid_uuid_valid(const char *s);
