/* lib/ops/hook: webhooks. Events are POSTed as JSON (one event per request,
 * Content-Type: application/json) by a thread of their own with libcurl, in
 * the order they were queued. The queue is bounded; each event carries its
 * URL, timeout and retries, so a reload changes where the next events go
 * without touching the thread. An event that cannot be queued or delivered
 * is counted and dropped: calls never wait for a webhook. hook_new/free/push:
 * one thread (the sofia thread); stats: any thread. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct hook;

struct hook_stats {
	uint64_t delivered;	/* a 2xx answer */
	uint64_t failed;	/* every attempt failed: dropped */
	uint64_t dropped;	/* the queue was full: dropped */
	uint64_t attempts;	/* POSTs made, retries included */
};

#define HOOK_QUEUE_MAX 1024
#define HOOK_STOP_GRACE_MS 2000	/* at stop, how long queued events may still go */

int hook_new(unsigned queue_max, struct hook **ret);
/* Try what is queued for HOOK_STOP_GRACE_MS (no retries), drop the rest,
 * join the thread. NULL-safe. */
struct hook *hook_free(struct hook *h);

/* Queue body (copied) for url. -ENOBUFS when the queue is full (counted). */
int hook_push(struct hook *h, const char *url, int timeout_ms, int retries, const char *body,
	      size_t len);

void hook_get_stats(const struct hook *h, struct hook_stats *ret);
