/* lib/ops/cdr.c: see cdr.h. The queue is a list of lines under a mutex that
 * is held only to link or unlink them; the writer takes the whole list at
 * once and writes it without the lock. A line that could only be written in
 * part is cut off again (ftruncate to where the file was), so that a full
 * disk never leaves half a JSON line for the next one to follow. Threads: the
 * sofia thread pushes, the writer thread writes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cdr.h"
#include "log.h"

#define ERR_LOG_EVERY_S 10	/* at most one line about failed writes per this */

struct cdr_line {
	struct cdr_line *next;
	size_t len;		/* with the newline */
	char text[];
};

struct cdr {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* under lock */
	struct cdr_line *head, *tail;
	unsigned queued, queue_max;
	bool stop, reopen;
	char *new_path;		/* for the writer: a path to switch to */
	/* the writer's own */
	int fd;
	char *path;
	time_t err_logged_at;
	uint64_t err_since_log;
	bool failing;
	/* the sofia thread's own */
	char *owner_path;
	time_t drop_logged_at;
	/* any thread (atomic) */
	uint64_t written, failed, dropped, reopened;
};

static void count(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

void cdr_get_stats(const struct cdr *c, struct cdr_stats *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (c == NULL)
		return;
	ret->written = __atomic_load_n(&c->written, __ATOMIC_RELAXED);
	ret->failed = __atomic_load_n(&c->failed, __ATOMIC_RELAXED);
	ret->dropped = __atomic_load_n(&c->dropped, __ATOMIC_RELAXED);
	ret->reopened = __atomic_load_n(&c->reopened, __ATOMIC_RELAXED);
}

/* ---- the writer thread ---- */

static void failed_lines(struct cdr *c, uint64_t n, const char *what, int err)
{
	time_t now = time(NULL);

	count(&c->failed, n);
	c->err_since_log += n;
	if (!c->failing || now - c->err_logged_at >= ERR_LOG_EVERY_S) {
		log_error("records: %s %s: %s (%llu records lost since the last report)", what,
			  c->path ? c->path : "(none)", strerror(err),
			  (unsigned long long)c->err_since_log);
		c->err_logged_at = now;
		c->err_since_log = 0;
	}
	c->failing = true;
}

static int writer_open(struct cdr *c)
{
	if (c->fd >= 0)
		return 0;
	c->fd = open(c->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	return c->fd < 0 ? -errno : 0;
}

/* Write one whole line; on failure cut what went out. 0 or -errno. */
static int write_line(struct cdr *c, const struct cdr_line *l)
{
	struct stat st;
	off_t before = fstat(c->fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
	size_t off = 0;

	while (off < l->len) {
		ssize_t n = write(c->fd, l->text + off, l->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			if (off > 0 && before >= 0 && ftruncate(c->fd, before) < 0)
				log_debug("records: cannot cut a partial line: %s", strerror(errno));
			return -e;
		}
		off += (size_t)n;
	}
	return 0;
}

static void write_batch(struct cdr *c, struct cdr_line *l)
{
	while (l) {
		struct cdr_line *next = l->next;
		int r;

		if ((r = writer_open(c)) < 0) {
			failed_lines(c, 1, "cannot open", -r);
		} else if ((r = write_line(c, l)) < 0) {
			failed_lines(c, 1, "cannot write to", -r);
		} else {
			count(&c->written, 1);
			if (c->failing) {
				log_notice("records: writing to %s again (%llu records lost since the "
					   "last report)", c->path, (unsigned long long)c->err_since_log);
				c->failing = false;
				c->err_since_log = 0;
			}
		}
		free(l);
		l = next;
	}
}

static void *writer_main(void *arg)
{
	struct cdr *c = arg;

	for (;;) {
		struct cdr_line *batch;
		bool stop, reopen;
		char *path;

		pthread_mutex_lock(&c->lock);
		while (!c->stop && !c->reopen && c->head == NULL)
			pthread_cond_wait(&c->cond, &c->lock);
		batch = c->head;
		c->head = c->tail = NULL;
		c->queued = 0;
		stop = c->stop;
		reopen = c->reopen;
		c->reopen = false;
		path = c->new_path;
		c->new_path = NULL;
		pthread_mutex_unlock(&c->lock);

		if (path) {	/* another file: its first failure is news */
			free(c->path);
			c->path = path;
			c->failing = false;
			c->err_since_log = 0;
		}
		if ((reopen || path) && c->fd >= 0) {
			close(c->fd);
			c->fd = -1;
			count(&c->reopened, 1);
		}
		write_batch(c, batch);
		if (stop)
			break;
	}
	return NULL;
}

/* ---- the sofia thread ---- */

int cdr_new(const char *path, unsigned queue_max, struct cdr **ret)
{
	struct cdr *c = calloc(1, sizeof(*c));
	int r;

	if (c == NULL)
		return -ENOMEM;
	c->fd = -1;
	c->queue_max = queue_max ? queue_max : CDR_QUEUE_MAX;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->path = strdup(path);
	c->owner_path = strdup(path);
	if (c->path == NULL || c->owner_path == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	r = -pthread_create(&c->thread, NULL, writer_main, c);
	if (r < 0)
		goto fail;
	c->started = true;
	*ret = c;
	return 0;
fail:
	cdr_free(c);
	return r;
}

struct cdr *cdr_free(struct cdr *c)
{
	if (c == NULL)
		return NULL;
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stop = true;
		pthread_cond_signal(&c->cond);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
	}
	while (c->head) {
		struct cdr_line *next = c->head->next;
		free(c->head);
		c->head = next;
	}
	if (c->fd >= 0)
		close(c->fd);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	free(c->new_path);
	free(c->path);
	free(c->owner_path);
	free(c);
	return NULL;
}

int cdr_push_line(struct cdr *c, const char *line, size_t len)
{
	struct cdr_line *l;
	bool full;

	pthread_mutex_lock(&c->lock);
	full = c->queued >= c->queue_max;
	pthread_mutex_unlock(&c->lock);
	if (full)
		goto dropped;
	l = malloc(sizeof(*l) + len + 1);
	if (l == NULL)
		return -ENOMEM;
	l->next = NULL;
	l->len = len + 1;
	memcpy(l->text, line, len);
	l->text[len] = '\n';
	pthread_mutex_lock(&c->lock);
	if (c->tail)
		c->tail->next = l;
	else
		c->head = l;
	c->tail = l;
	c->queued++;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return 0;
dropped:
	count(&c->dropped, 1);
	if (time(NULL) - c->drop_logged_at >= ERR_LOG_EVERY_S) {
		c->drop_logged_at = time(NULL);
		log_error("records: the writer is %u records behind; dropping records",
			  c->queue_max);
	}
	return -ENOBUFS;
}

int cdr_push(struct cdr *c, json_t *rec)
{
	char *s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
	int r;

	if (s == NULL)
		return -ENOMEM;
	r = cdr_push_line(c, s, strlen(s));
	free(s);
	return r;
}

void cdr_reopen(struct cdr *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->reopen = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

int cdr_set_path(struct cdr *c, const char *path)
{
	char *a = strdup(path), *b = strdup(path);

	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		return -ENOMEM;
	}
	free(c->owner_path);
	c->owner_path = a;
	pthread_mutex_lock(&c->lock);
	free(c->new_path);
	c->new_path = b;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

const char *cdr_path(const struct cdr *c)
{
	return c ? c->owner_path : NULL;
}
