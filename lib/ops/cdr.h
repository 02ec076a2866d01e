/* lib/ops/cdr: the call records file. One JSON line per finished call,
 * appended by a writer thread of its own: the sofia thread serialises a
 * record and queues the line (a bounded queue; a full queue drops the record
 * and counts it), and never opens, writes or waits on the file. The writer
 * reopens the file when told (SIGUSR1, reload: logrotate), counts and logs
 * failed writes (a full disk) and goes on. cdr_push/cdr_reopen/cdr_set_path
 * are for one thread (the sofia thread); the stats may be read anywhere. */
#pragma once

#include <jansson.h>
#include <stdint.h>

struct cdr;

struct cdr_stats {
	uint64_t written;	/* lines written whole */
	uint64_t failed;	/* lines lost to a failed open or write */
	uint64_t dropped;	/* lines dropped because the queue was full */
	uint64_t reopened;	/* times the file was reopened */
};

#define CDR_QUEUE_MAX 10000

/* Start the writer on path (created with mode 0640 when missing; appended to). */
int cdr_new(const char *path, unsigned queue_max, struct cdr **ret);
/* Write what is queued, stop the writer, join it. NULL-safe. */
struct cdr *cdr_free(struct cdr *c);

/* Serialise rec (compact, one line) and queue it; rec is not stolen.
 * -ENOBUFS when the queue is full (counted as dropped), -ENOMEM. */
int cdr_push(struct cdr *c, json_t *rec);
/* Queue a line as it is (no newline in it); the line is copied. */
int cdr_push_line(struct cdr *c, const char *line, size_t len);

/* Close and open the file again before the next line (logrotate). */
void cdr_reopen(struct cdr *c);
/* Write to another file from the next line on. */
int cdr_set_path(struct cdr *c, const char *path);
const char *cdr_path(const struct cdr *c);	/* the path last given (sofia thread) */

void cdr_get_stats(const struct cdr *c, struct cdr_stats *ret);
