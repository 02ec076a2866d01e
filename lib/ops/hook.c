/* lib/ops/hook.c: see hook.h. A list of items under a mutex, one curl easy
 * handle reused by the thread (keep-alive to the same receiver). Between
 * attempts the thread waits on the condition variable, so a stop cuts a
 * back-off short. Threads: the sofia thread pushes, the hook thread POSTs. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "hook.h"
#include "log.h"

#define BACKOFF_MS 200		/* times the attempt number */
#define FAIL_LOG_EVERY_S 10

struct hook_item {
	struct hook_item *next;
	char *url;
	int timeout_ms, retries;
	size_t len;
	char body[];
};

struct hook {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock */
	struct hook_item *head, *tail;
	unsigned queued, queue_max;
	bool stop;
	struct timespec stop_deadline;
	/* the thread's own */
	CURL *curl;
	struct curl_slist *headers;
	time_t fail_logged_at;
	uint64_t fail_since_log;
	/* the pusher's own */
	time_t drop_logged_at;
	/* atomic */
	uint64_t delivered, failed, dropped, attempts;
	int stopping;		/* with stop_by: a POST in flight is cut at the grace's end */
	struct timespec stop_by;
};

static void count(uint64_t *v)
{
	__atomic_fetch_add(v, 1, __ATOMIC_RELAXED);
}

void hook_get_stats(const struct hook *h, struct hook_stats *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (h == NULL)
		return;
	ret->delivered = __atomic_load_n(&h->delivered, __ATOMIC_RELAXED);
	ret->failed = __atomic_load_n(&h->failed, __ATOMIC_RELAXED);
	ret->dropped = __atomic_load_n(&h->dropped, __ATOMIC_RELAXED);
	ret->attempts = __atomic_load_n(&h->attempts, __ATOMIC_RELAXED);
}

static bool past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void in_ms(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* curl's progress callback: abort a POST still running at the end of the
 * stop grace, so that hook_free() never waits for a slow receiver's timeout. */
static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct hook *h = arg;
	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;

	return __atomic_load_n(&h->stopping, __ATOMIC_ACQUIRE) && past(&h->stop_by);
}

/* One POST. 0 on a 2xx; else -EIO with why filled. */
static int post(struct hook *h, const struct hook_item *it, char *why, size_t whylen)
{
	char err[CURL_ERROR_SIZE] = "";
	long code = 0;
	CURLcode rc;

	curl_easy_setopt(h->curl, CURLOPT_URL, it->url);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, (const char *)it->body);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)it->len);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)it->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, (long)it->timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, err);
	count(&h->attempts);
	rc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, NULL);	/* err ends here */
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s", err[0] ? err : curl_easy_strerror(rc));
		return -EIO;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299) {
		snprintf(why, whylen, "HTTP %ld", code);
		return -EIO;
	}
	return 0;
}

static void deliver(struct hook *h, const struct hook_item *it)
{
	char why[CURL_ERROR_SIZE + 32] = "";
	time_t now;

	for (int attempt = 0;; attempt++) {
		struct timespec until;
		bool stop;

		if (post(h, it, why, sizeof(why)) == 0) {
			count(&h->delivered);
			return;
		}
		pthread_mutex_lock(&h->lock);
		stop = h->stop;
		if (!stop && attempt < it->retries) {
			in_ms(&until, BACKOFF_MS * (unsigned)(attempt + 1));
			while (!h->stop && pthread_cond_timedwait(&h->cond, &h->lock, &until) != ETIMEDOUT)
				;
			stop = h->stop;
		}
		pthread_mutex_unlock(&h->lock);
		if (stop || attempt >= it->retries)
			break;
	}
	count(&h->failed);
	h->fail_since_log++;
	now = time(NULL);
	if (now - h->fail_logged_at >= FAIL_LOG_EVERY_S) {
		log_warning("webhook %s: %s; event dropped (%llu dropped since the last report)",
			    it->url, why, (unsigned long long)h->fail_since_log);
		h->fail_logged_at = now;
		h->fail_since_log = 0;
	}
}

static void *hook_main(void *arg)
{
	struct hook *h = arg;

	for (;;) {
		struct hook_item *it;
		bool late;

		pthread_mutex_lock(&h->lock);
		while (!h->stop && h->head == NULL)
			pthread_cond_wait(&h->cond, &h->lock);
		it = h->head;
		if (it) {
			h->head = it->next;
			if (h->head == NULL)
				h->tail = NULL;
			h->queued--;
		}
		late = h->stop && past(&h->stop_deadline);
		pthread_mutex_unlock(&h->lock);
		if (it == NULL)
			break;		/* stopping, and nothing left */
		if (late)
			count(&h->failed);	/* past the grace: dropped unsent */
		else
			deliver(h, it);
		free(it->url);
		free(it);
	}
	return NULL;
}

int hook_new(unsigned queue_max, struct hook **ret)
{
	struct hook *h = calloc(1, sizeof(*h));
	int r;

	if (h == NULL)
		return -ENOMEM;
	h->queue_max = queue_max ? queue_max : HOOK_QUEUE_MAX;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(h);
		return -EIO;
	}
	h->curl = curl_easy_init();
	h->headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (h->curl == NULL || h->headers == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, "tandemd/" TANDEM_VERSION);
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	r = -pthread_create(&h->thread, NULL, hook_main, h);
	if (r < 0)
		goto fail;
	h->started = true;
	*ret = h;
	return 0;
fail:
	hook_free(h);
	return r;
}

struct hook *hook_free(struct hook *h)
{
	if (h == NULL)
		return NULL;
	if (h->started) {
		pthread_mutex_lock(&h->lock);
		h->stop = true;
		in_ms(&h->stop_deadline, HOOK_STOP_GRACE_MS);
		h->stop_by = h->stop_deadline;
		__atomic_store_n(&h->stopping, 1, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&h->cond);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->thread, NULL);
	}
	while (h->head) {
		struct hook_item *next = h->head->next;
		free(h->head->url);
		free(h->head);
		h->head = next;
	}
	if (h->curl)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	curl_global_cleanup();
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
	return NULL;
}

int hook_push(struct hook *h, const char *url, int timeout_ms, int retries, const char *body,
	      size_t len)
{
	struct hook_item *it;
	bool full;

	pthread_mutex_lock(&h->lock);
	full = h->queued >= h->queue_max;
	pthread_mutex_unlock(&h->lock);
	if (full) {
		count(&h->dropped);
		if (time(NULL) - h->drop_logged_at >= FAIL_LOG_EVERY_S) {
			h->drop_logged_at = time(NULL);
			log_warning("webhooks: %u events waiting; dropping events", h->queue_max);
		}
		return -ENOBUFS;
	}
	it = malloc(sizeof(*it) + len + 1);
	if (it == NULL)
		return -ENOMEM;
	it->url = strdup(url);
	if (it->url == NULL) {
		free(it);
		return -ENOMEM;
	}
	it->next = NULL;
	it->timeout_ms = timeout_ms;
	it->retries = retries;
	it->len = len;
	memcpy(it->body, body, len);
	it->body[len] = '\0';
	pthread_mutex_lock(&h->lock);
	if (h->tail)
		h->tail->next = it;
	else
		h->head = it;
	h->tail = it;
	h->queued++;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	return 0;
}
