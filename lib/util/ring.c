/* lib/util/ring.c: see ring.h. Head and tail are free-running counters; the
 * producer publishes a record with a release store of head, the consumer
 * frees a slot with a release store of tail. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ring.h"

struct ring {
	size_t rec_size, mask;
	size_t head;	/* written by the producer */
	char pad1[64];
	size_t tail;	/* written by the consumer */
	char pad2[64];
	int efd;
	char *buf;
};

int ring_new(size_t rec_size, size_t capacity, struct ring **ret)
{
	struct ring *r;
	size_t cap = 1;

	while (cap < capacity)
		cap <<= 1;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->rec_size = rec_size;
	r->mask = cap - 1;
	r->buf = calloc(cap, rec_size);
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->buf == NULL || r->efd < 0) {
		int e = r->buf == NULL ? -ENOMEM : -errno;
		ring_free(r);
		return e;
	}
	*ret = r;
	return 0;
}

struct ring *ring_free(struct ring *r)
{
	if (r) {
		if (r->efd >= 0)
			close(r->efd);
		free(r->buf);
		free(r);
	}
	return NULL;
}

int ring_fd(const struct ring *r)
{
	return r->efd;
}

int ring_push(struct ring *r, const void *rec)
{
	size_t head = r->head;
	size_t tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	uint64_t one = 1;

	if (head - tail > r->mask)
		return -ENOBUFS;
	memcpy(r->buf + (head & r->mask) * r->rec_size, rec, r->rec_size);
	__atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
	/* the record is in: a failed wake-up must not make the caller think
	 * otherwise (EAGAIN means the counter is already huge: readable) */
	(void)!write(r->efd, &one, sizeof(one));
	return 0;
}

void ring_wake(struct ring *r)
{
	uint64_t one = 1;

	(void)!write(r->efd, &one, sizeof(one));
}

bool ring_pop(struct ring *r, void *rec)
{
	size_t tail = r->tail;
	size_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

	if (tail == head)
		return false;
	memcpy(rec, r->buf + (tail & r->mask) * r->rec_size, r->rec_size);
	__atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
	return true;
}

void ring_ack(struct ring *r)
{
	uint64_t v;

	(void)!read(r->efd, &v, sizeof(v));
}
