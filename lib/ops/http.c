/* lib/ops/http.c: see http.h. Two kinds of shared state, both under one
 * mutex: the queue of GET jobs (MHD thread -> sofia thread, answered in place)
 * with the cache of recent answers, and the list of SSE clients with their
 * buffers (sofia thread -> MHD threads). The sofia thread never waits on an
 * MHD thread; an MHD thread waits (bounded) on the sofia thread. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#define SU_ROOT_MAGIC_T void
#define SU_WAKEUP_ARG_T void
#include <sofia-sip/su_wait.h>

#include "http.h"
#include "log.h"

#define SSE_KEEPALIVE_S 15
#define SSE_PRELUDE "retry: 2000\n: tandemd events\n\n"

struct http_job {
	struct http_job *next;
	char path[256];
	char *body;
	size_t len;
	int status;
	const char *ctype;
	bool taken, done;
};

struct sse_client {
	struct http *h;
	struct sse_client *next, *prev;
	char *buf;
	size_t len, cap;
	bool dropped;
};

/* the fixed paths whose answers are kept for HTTP_CACHE_MS */
static const char *const cached_paths[] = { "/status", "/calls", "/metrics" };
#define N_CACHED (sizeof(cached_paths) / sizeof(cached_paths[0]))

struct cache_ent {
	char *body;
	size_t len;
	int status;
	const char *ctype;
	uint64_t at_ms;
};

struct http {
	su_root_t *root;
	int efd;
	int reg;
	struct MHD_Daemon *mhd;
	http_render_fn fn;
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock */
	struct http_job *jobs, *jobs_tail;
	struct sse_client *sse;
	struct cache_ent cache[N_CACHED];
	uint64_t event_id;
	bool stopping;
	/* atomic */
	unsigned n_sse;
	uint64_t sse_dropped;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int cache_index(const char *path)
{
	for (size_t i = 0; i < N_CACHED; i++)
		if (strcmp(cached_paths[i], path) == 0)
			return (int)i;
	return -1;
}

static void deadline_in(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* ---- MHD threads ---- */

static enum MHD_Result respond(struct MHD_Connection *conn, int status, const char *ctype,
			       char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (body == NULL) {
		char msg[64];
		len = (size_t)snprintf(msg, sizeof(msg), "%d\n", status);
		body = strdup(msg);
		ctype = "text/plain; charset=utf-8";
		if (body == NULL)
			return MHD_NO;
	}
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A GET for the sofia thread: from the cache, or queued and waited for. */
static enum MHD_Result serve_get(struct http *h, struct MHD_Connection *conn, const char *url)
{
	struct http_job *j;
	struct timespec until;
	int ci = cache_index(url);
	uint64_t kick = 1;

	if (strlen(url) >= sizeof(j->path))
		return respond(conn, 414, NULL, NULL, 0);
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return MHD_NO;
	strcpy(j->path, url);
	pthread_mutex_lock(&h->lock);
	if (h->stopping) {
		j->done = true;
		j->status = 503;
	} else if (ci >= 0 && h->cache[ci].body && now_ms() - h->cache[ci].at_ms < HTTP_CACHE_MS) {
		struct cache_ent *e = &h->cache[ci];
		j->body = malloc(e->len ? e->len : 1);
		if (j->body)
			memcpy(j->body, e->body, e->len);
		j->len = e->len;
		j->status = j->body ? e->status : 500;
		j->ctype = e->ctype;
		j->done = true;
	} else {
		if (h->jobs_tail)
			h->jobs_tail->next = j;
		else
			h->jobs = j;
		h->jobs_tail = j;
		if (write(h->efd, &kick, sizeof(kick)) < 0)
			log_debug("http: cannot wake the sofia thread: %s", strerror(errno));
	}
	deadline_in(&until, HTTP_WAIT_MS);
	while (!j->done) {
		if (pthread_cond_timedwait(&h->cond, &h->lock, &until) != ETIMEDOUT)
			continue;
		if (j->taken) {
			deadline_in(&until, 100);	/* being rendered: it comes soon */
		} else {
			/* the sofia thread is busy: take the job back */
			struct http_job **pp = &h->jobs, *prev = NULL;
			while (*pp && *pp != j) {
				prev = *pp;
				pp = &(*pp)->next;
			}
			if (*pp)
				*pp = j->next;
			if (h->jobs_tail == j)
				h->jobs_tail = prev;
			j->status = 503;
			j->done = true;
		}
	}
	pthread_mutex_unlock(&h->lock);
	{
		enum MHD_Result r = respond(conn, j->status, j->ctype ? j->ctype : "text/plain",
					    j->body, j->len);
		free(j);
		return r;
	}
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse_client *c = cls;
	struct http *h = c->h;
	struct timespec until;
	size_t n;
	(void)pos;

	pthread_mutex_lock(&h->lock);
	deadline_in(&until, SSE_KEEPALIVE_S * 1000);
	while (c->len == 0 && !c->dropped && !h->stopping) {
		if (pthread_cond_timedwait(&h->cond, &h->lock, &until) == ETIMEDOUT) {
			pthread_mutex_unlock(&h->lock);
			n = (size_t)snprintf(buf, max, ": keepalive\n\n");
			return (ssize_t)(n < max ? n : max);
		}
	}
	if (c->dropped || h->stopping) {
		bool dropped = c->dropped;
		pthread_mutex_unlock(&h->lock);
		return dropped ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = c->len < max ? c->len : max;
	memcpy(buf, c->buf, n);
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	pthread_mutex_unlock(&h->lock);
	return (ssize_t)n;
}

static void sse_free(void *cls)
{
	struct sse_client *c = cls;
	struct http *h = c->h;

	pthread_mutex_lock(&h->lock);
	if (c->prev)
		c->prev->next = c->next;
	else if (h->sse == c)
		h->sse = c->next;
	if (c->next)
		c->next->prev = c->prev;
	__atomic_fetch_sub(&h->n_sse, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&h->lock);
	free(c->buf);
	free(c);
}

static int sse_append(struct sse_client *c, const char *s, size_t n)
{
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		char *g;
		while (cap < c->len + n)
			cap *= 2;
		g = realloc(c->buf, cap);
		if (g == NULL)
			return -ENOMEM;
		c->buf = g;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	return 0;
}

static enum MHD_Result serve_sse(struct http *h, struct MHD_Connection *conn)
{
	struct sse_client *c = calloc(1, sizeof(*c));
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (c == NULL || sse_append(c, SSE_PRELUDE, strlen(SSE_PRELUDE)) < 0) {
		if (c)
			free(c->buf);
		free(c);
		return MHD_NO;
	}
	c->h = h;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, c, sse_free);
	if (r == NULL) {
		free(c->buf);
		free(c);
		return MHD_NO;
	}
	pthread_mutex_lock(&h->lock);
	c->next = h->sse;
	if (h->sse)
		h->sse->prev = c;
	h->sse = c;
	__atomic_fetch_add(&h->n_sse, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&h->lock);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);	/* sse_free runs when MHD is done with it */
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	static int first;
	struct http *h = cls;
	(void)version;
	(void)upload;

	if (*con_cls == NULL) {	/* the headers only: answer on the next call */
		*con_cls = &first;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return respond(conn, 405, NULL, NULL, 0);
	if (strcmp(url, "/events") == 0)
		return serve_sse(h, conn);
	return serve_get(h, conn, url);
}

/* ---- the sofia thread ---- */

static void finish_job(struct http *h, struct http_job *j, char *body, size_t len, int status,
		       const char *ctype)
{
	int ci = cache_index(j->path);

	if (ci >= 0 && body && status == 200) {
		struct cache_ent *e = &h->cache[ci];
		char *copy = malloc(len ? len : 1);
		if (copy) {
			memcpy(copy, body, len);
			free(e->body);
			*e = (struct cache_ent){ copy, len, status, ctype, now_ms() };
		}
	}
	j->body = body;
	j->len = len;
	j->status = status;
	j->ctype = ctype;
	j->done = true;
}

static int on_wake(void *magic, su_wait_t *w, void *arg)
{
	struct http *h = arg;
	struct http_job *j, *next;
	uint64_t v;
	(void)magic;
	(void)w;

	if (read(h->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_debug("http: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&h->lock);
	j = h->jobs;
	h->jobs = h->jobs_tail = NULL;
	for (struct http_job *k = j; k; k = k->next)
		k->taken = true;
	pthread_mutex_unlock(&h->lock);
	for (; j; j = next) {
		int status = 200;
		const char *ctype = "application/json";
		char *body;

		next = j->next;
		body = h->fn(h->arg, j->path, &status, &ctype);
		pthread_mutex_lock(&h->lock);
		finish_job(h, j, body, body ? strlen(body) : 0, status, ctype);
		pthread_cond_broadcast(&h->cond);
		pthread_mutex_unlock(&h->lock);
	}
	return 0;
}

void http_publish(struct http *h, const char *line, size_t len)
{
	char head[48];
	int hn;

	if (h == NULL || __atomic_load_n(&h->n_sse, __ATOMIC_RELAXED) == 0)
		return;
	pthread_mutex_lock(&h->lock);
	hn = snprintf(head, sizeof(head), "id: %llu\ndata: ", (unsigned long long)++h->event_id);
	for (struct sse_client *c = h->sse; c; c = c->next) {
		if (c->dropped)
			continue;
		if (c->len + (size_t)hn + len + 2 > HTTP_SSE_BACKLOG ||
		    sse_append(c, head, (size_t)hn) < 0 || sse_append(c, line, len) < 0 ||
		    sse_append(c, "\n\n", 2) < 0) {
			c->dropped = true;	/* too slow: its stream ends */
			__atomic_fetch_add(&h->sse_dropped, 1, __ATOMIC_RELAXED);
		}
	}
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

unsigned http_sse_clients(const struct http *h)
{
	return h ? __atomic_load_n(&h->n_sse, __ATOMIC_RELAXED) : 0;
}

uint64_t http_sse_dropped(const struct http *h)
{
	return h ? __atomic_load_n(&h->sse_dropped, __ATOMIC_RELAXED) : 0;
}

static int make_addr(const char *address, int port, struct sockaddr_storage *ss, bool *v6)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, address, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*v6 = false;
		return 0;
	}
	if (inet_pton(AF_INET6, address, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return 0;
	}
	return -EINVAL;
}

int http_new(void *root, const char *address, int port, http_render_fn fn, void *arg,
	     struct http **ret)
{
	struct sockaddr_storage ss;
	struct http *h;
	su_wait_t w[1];
	bool v6;
	int r;

	if (make_addr(address, port, &ss, &v6) < 0)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->root = root;
	h->fn = fn;
	h->arg = arg;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	h->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->efd < 0) {
		r = -errno;
		goto fail;
	}
	if (su_wait_create(w, h->efd, SU_WAIT_IN) < 0 ||
	    (h->reg = su_root_register(root, w, on_wake, h, 0)) <= 0) {
		h->reg = 0;
		r = -EIO;
		goto fail;
	}
	h->mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				  MHD_USE_AUTO | (v6 ? MHD_USE_IPv6 : 0),
				  (uint16_t)port, NULL, NULL, on_request, h,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CLIENTS,
				  MHD_OPTION_CONNECTION_TIMEOUT, 60u,
				  MHD_OPTION_END);
	if (h->mhd == NULL) {
		r = -EADDRNOTAVAIL;	/* MHD says no more: in use, or not ours */
		goto fail;
	}
	*ret = h;
	return 0;
fail:
	http_free(h);
	return r;
}

struct http *http_free(struct http *h)
{
	if (h == NULL)
		return NULL;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	for (struct http_job *j = h->jobs; j; j = j->next) {
		j->status = 503;
		j->taken = j->done = true;
	}
	h->jobs = h->jobs_tail = NULL;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	if (h->mhd)
		MHD_stop_daemon(h->mhd);	/* joins every connection thread */
	if (h->reg > 0)
		su_root_deregister(h->root, h->reg);
	if (h->efd >= 0)
		close(h->efd);
	for (size_t i = 0; i < N_CACHED; i++)
		free(h->cache[i].body);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->lock);
	free(h);
	return NULL;
}
