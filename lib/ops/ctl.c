/* lib/ops/ctl.c: see ctl.h. Clients are non-blocking; an answer that does not
 * fit the socket at once waits in the client's buffer and goes out when the
 * socket is writable, so no client can block the sofia thread. A client that
 * sent {"cmd":"events"} also gets every event line (ctl_broadcast()); when
 * its buffer would pass CTL_MAX_BACKLOG it is too slow and is dropped. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SU_ROOT_MAGIC_T void
#define SU_WAKEUP_ARG_T void
#include <sofia-sip/su_wait.h>

#include "ctl.h"

#define CTL_MAX_CLIENTS 64
#define CTL_MAX_LINE (64 * 1024)
#define CTL_MAX_BACKLOG (1024 * 1024)	/* events waiting for a subscriber */
#define CTL_MAX_FILTER 16

struct ctl_client {
	struct ctl *ctl;
	int fd;
	int reg;			/* su_root registration index */
	char in[CTL_MAX_LINE];
	size_t in_len;
	char *out;
	size_t out_len, out_off, out_cap;
	bool closing;			/* close once out is sent */
	bool subscribed;		/* gets the events */
	bool busy;			/* one of its commands is running */
	char *filter[CTL_MAX_FILTER];	/* event types it wants; none = all */
	size_t n_filter;
};

struct ctl {
	su_root_t *root;
	int fd;
	int reg;
	char *path;
	ctl_dispatch_fn fn;
	void *arg;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
	unsigned subscribers;
	uint64_t dropped;		/* subscribers dropped for being slow */
};

static void client_close(struct ctl_client *cl)
{
	struct ctl *c = cl->ctl;

	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i] == cl)
			c->clients[i] = NULL;
	if (cl->reg > 0)
		su_root_deregister(c->root, cl->reg);
	if (cl->subscribed)
		c->subscribers--;
	for (size_t i = 0; i < cl->n_filter; i++)
		free(cl->filter[i]);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

/* Send what can go now; 0 when all is out, 1 when some waits, <0 error. */
static int client_flush(struct ctl_client *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 1;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		cl->out_off += (size_t)n;
	}
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = cl->out_cap = 0;
	return 0;
}

/* Append s (n octets) and a newline to what waits for the client. */
static int client_append(struct ctl_client *cl, const char *s, size_t n)
{
	if (cl->out_off > 0 && cl->out_off >= cl->out_len / 2) {
		/* more than half went out already: make room at the front */
		memmove(cl->out, cl->out + cl->out_off, cl->out_len - cl->out_off);
		cl->out_len -= cl->out_off;
		cl->out_off = 0;
	}
	if (cl->out_len + n + 1 > cl->out_cap) {
		size_t cap = cl->out_cap ? cl->out_cap : 4096;
		char *grown;
		while (cap < cl->out_len + n + 1)
			cap *= 2;
		grown = realloc(cl->out, cap);
		if (grown == NULL)
			return -ENOMEM;
		cl->out = grown;
		cl->out_cap = cap;
	}
	memcpy(cl->out + cl->out_len, s, n);
	cl->out[cl->out_len + n] = '\n';
	cl->out_len += n + 1;
	return 0;
}

static int client_queue(struct ctl_client *cl, json_t *answer)
{
	char *s = json_dumps(answer, JSON_COMPACT);
	int r;

	if (s == NULL)
		return -ENOMEM;
	r = client_append(cl, s, strlen(s));
	free(s);
	return r;
}

/* {"cmd":"events"[,"events":["call.ended",...]]}: the client subscribes. */
static json_t *client_subscribe(struct ctl_client *cl, json_t *req)
{
	json_t *types = json_object_get(req, "events"), *v;
	size_t i;

	if (types && !json_is_array(types))
		return json_pack("{s:b,s:s}", "ok", 0, "error",
				 "\"events\" must be a list of event types");
	if (json_array_size(types) > CTL_MAX_FILTER)
		return json_pack("{s:b,s:s}", "ok", 0, "error", "at most 16 event types");
	json_array_foreach(types, i, v) {
		if (!json_is_string(v))
			return json_pack("{s:b,s:s}", "ok", 0, "error",
					 "\"events\" must be a list of event types");
	}
	for (i = 0; i < cl->n_filter; i++)
		free(cl->filter[i]);
	cl->n_filter = 0;
	json_array_foreach(types, i, v) {
		cl->filter[cl->n_filter] = strdup(json_string_value(v));
		if (cl->filter[cl->n_filter])
			cl->n_filter++;
	}
	if (!cl->subscribed)
		cl->ctl->subscribers++;
	cl->subscribed = true;
	return json_pack("{s:b,s:b}", "ok", 1, "subscribed", 1);
}

json_t *ctl_parse_request(const char *line, char *err, size_t errlen)
{
	json_error_t je;
	json_t *req;
	char cmd[64], arg[512];
	int n;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '{') {
		req = json_loads(line, 0, &je);
		if (req == NULL) {
			snprintf(err, errlen, "bad JSON at column %d: %s", je.column, je.text);
			return NULL;
		}
		if (!json_is_object(req) || !json_is_string(json_object_get(req, "cmd"))) {
			snprintf(err, errlen, "a request is an object with a string \"cmd\"");
			json_decref(req);
			return NULL;
		}
		return req;
	}
	n = sscanf(line, "%63s %511[^\n]", cmd, arg);
	if (n < 1) {
		snprintf(err, errlen, "empty request");
		return NULL;
	}
	req = json_pack("{s:s}", "cmd", cmd);
	if (req && n == 2)
		json_object_set_new(req, "arg", json_string(arg));
	if (req == NULL)
		snprintf(err, errlen, "out of memory");
	return req;
}

static void client_line(struct ctl_client *cl, const char *line)
{
	char err[256];
	json_t *req, *ans;

	if (*line == '\0')
		return;
	req = ctl_parse_request(line, err, sizeof(err));
	if (req == NULL)
		ans = json_pack("{s:b,s:s}", "ok", 0, "error", err);
	else if (strcmp(json_string_value(json_object_get(req, "cmd")), "events") == 0)
		ans = client_subscribe(cl, req);
	else
		ans = cl->ctl->fn(cl->ctl->arg, req);
	json_decref(req);
	if (ans == NULL)
		ans = json_pack("{s:b,s:s}", "ok", 0, "error", "internal error");
	if (ans == NULL || client_queue(cl, ans) < 0)
		cl->closing = true;
	json_decref(ans);
}

static int on_client(void *magic, su_wait_t *w, void *arg)
{
	struct ctl_client *cl = arg;
	int events = su_wait_events(w, cl->fd);
	(void)magic;

	if (events & SU_WAIT_IN) {
		ssize_t n = recv(cl->fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len - 1,
				 MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			client_close(cl);
			return 0;
		}
		if (n > 0) {
			char *start = cl->in, *nl;
			cl->in_len += (size_t)n;
			cl->in[cl->in_len] = '\0';
			while ((nl = memchr(start, '\n', cl->in_len - (size_t)(start - cl->in)))) {
				*nl = '\0';
				if (nl > start && nl[-1] == '\r')
					nl[-1] = '\0';
				cl->busy = true;	/* a command may publish events */
				client_line(cl, start);
				cl->busy = false;
				start = nl + 1;
			}
			cl->in_len -= (size_t)(start - cl->in);
			memmove(cl->in, start, cl->in_len);
			if (cl->in_len >= sizeof(cl->in) - 1) {
				json_t *a = json_pack("{s:b,s:s}", "ok", 0, "error", "request too long");
				if (a)
					client_queue(cl, a);
				json_decref(a);
				cl->closing = true;
			}
		}
	}
	switch (client_flush(cl)) {
	case 0:
		if (cl->closing) {
			client_close(cl);
			return 0;
		}
		su_root_eventmask(cl->ctl->root, cl->reg, cl->fd, SU_WAIT_IN | SU_WAIT_HUP);
		break;
	case 1:
		su_root_eventmask(cl->ctl->root, cl->reg, cl->fd,
				  SU_WAIT_IN | SU_WAIT_OUT | SU_WAIT_HUP);
		break;
	default:
		client_close(cl);
		return 0;
	}
	if ((events & SU_WAIT_HUP) && !(events & SU_WAIT_IN))
		client_close(cl);
	return 0;
}

static int on_accept(void *magic, su_wait_t *w, void *arg)
{
	struct ctl *c = arg;
	struct ctl_client *cl;
	su_wait_t cw[1];
	int fd, slot = -1;
	(void)magic;
	(void)w;

	fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return 0;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i] == NULL) {
			slot = i;
			break;
		}
	cl = slot >= 0 ? calloc(1, sizeof(*cl)) : NULL;
	if (cl == NULL) {
		static const char busy[] = "{\"ok\":false,\"error\":\"too many control clients\"}\n";
		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return 0;
	}
	cl->ctl = c;
	cl->fd = fd;
	if (su_wait_create(cw, fd, SU_WAIT_IN | SU_WAIT_HUP) < 0 ||
	    (cl->reg = su_root_register(c->root, cw, on_client, cl, 0)) <= 0) {
		cl->reg = 0;
		client_close(cl);
		return 0;
	}
	c->clients[slot] = cl;
	return 0;
}

/* Drop a subscriber: at once, or (when one of its own commands is running)
 * once that command is done. */
static void drop_later(struct ctl_client *cl)
{
	if (!cl->busy) {
		client_close(cl);
		return;
	}
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = cl->out_cap = 0;
	cl->closing = true;
	su_root_eventmask(cl->ctl->root, cl->reg, cl->fd, SU_WAIT_IN | SU_WAIT_OUT | SU_WAIT_HUP);
}

static bool wants(const struct ctl_client *cl, const char *type)
{
	if (cl->n_filter == 0)
		return true;
	for (size_t i = 0; i < cl->n_filter; i++)
		if (strcmp(cl->filter[i], type) == 0 || strcmp(cl->filter[i], "*") == 0)
			return true;
	return false;
}

void ctl_broadcast(struct ctl *c, const char *type, const char *line, size_t len)
{
	if (c == NULL || c->subscribers == 0)
		return;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *cl = c->clients[i];
		if (cl == NULL || !cl->subscribed || cl->closing || !wants(cl, type))
			continue;
		bool waiting = cl->out_len > cl->out_off;	/* the socket was full */

		if (cl->out_len - cl->out_off + len + 1 > CTL_MAX_BACKLOG ||
		    client_append(cl, line, len) < 0) {
			/* too slow: it would hold the loop's memory */
			c->dropped++;
			drop_later(cl);
			continue;
		}
		if (!waiting && client_flush(cl) != 0)	/* else on_client sends it */
			su_root_eventmask(c->root, cl->reg, cl->fd,
					  SU_WAIT_IN | SU_WAIT_OUT | SU_WAIT_HUP);
	}
}

unsigned ctl_subscribers(const struct ctl *c)
{
	return c ? c->subscribers : 0;
}

uint64_t ctl_dropped(const struct ctl *c)
{
	return c ? c->dropped : 0;
}

static int make_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int ctl_new(void *root, const char *path, unsigned mode, ctl_dispatch_fn fn, void *arg,
	    struct ctl **ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl *c;
	su_wait_t w[1];
	int r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->root = root;
	c->fn = fn;
	c->arg = arg;
	c->fd = -1;
	c->path = strdup(path);
	if (c->path == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	strcpy(sa.sun_path, path);
	r = make_dir(path);
	if (r < 0)
		goto fail;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		r = -errno;
		goto fail;
	}
	/* a socket file left by a crashed daemon: remove it only if nobody answers */
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		r = -EADDRINUSE;
		goto fail;
	}
	close(c->fd);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		r = -errno;
		goto fail;
	}
	unlink(path);
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, mode) < 0 ||
	    listen(c->fd, 16) < 0) {
		r = -errno;
		goto fail;
	}
	if (su_wait_create(w, c->fd, SU_WAIT_ACCEPT) < 0 ||
	    (c->reg = su_root_register(root, w, on_accept, c, 0)) <= 0) {
		c->reg = 0;
		r = -EIO;
		goto fail;
	}
	*ret = c;
	return 0;
fail:
	ctl_free(c);
	return r;
}

struct ctl *ctl_free(struct ctl *c)
{
	if (c == NULL)
		return NULL;
	for (int i = 0; i < CTL_MAX_CLIENTS; i++)
		if (c->clients[i])
			client_close(c->clients[i]);
	if (c->reg > 0) {
		su_root_deregister(c->root, c->reg);
		unlink(c->path);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c);
	return NULL;
}
