/* tests/unit/check_http.c: lib/ops/http.c on a real su_root and loopback
 * socket: a GET is rendered on the loop's thread (the test's), answers are
 * cached for HTTP_CACHE_MS, unknown paths and methods get 404/405, /events
 * streams what http_publish() gets, a client that never reads is dropped
 * without http_publish() ever blocking, and http_free() ends it all. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SU_ROOT_MAGIC_T void
#define SU_WAKEUP_ARG_T void
#include <sofia-sip/su_wait.h>

#include "ops/http.h"

static su_root_t *root;
static struct http *http;
static int port;
static int renders;

static char *render(void *arg, const char *path, int *ret_status, const char **ret_ctype)
{
	char buf[128];
	(void)arg;

	renders++;
	if (strcmp(path, "/status") == 0) {
		snprintf(buf, sizeof(buf), "{\"renders\":%d}", renders);
		return strdup(buf);
	}
	*ret_status = 404;
	return NULL;
}

static void setup(void)
{
	su_init();
	root = su_root_create(NULL);
	ck_assert_ptr_nonnull(root);
	su_root_threading(root, 0);
	renders = 0;
	/* a port of our own: 18000 + pid, below the ephemeral range */
	port = 18000 + (int)(getpid() % 10000);
	ck_assert_int_eq(http_new(root, "127.0.0.1", port, render, NULL, &http), 0);
}

static void teardown(void)
{
	http = http_free(http);
	su_root_destroy(root);
	su_deinit();
}

static int connect_to(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Send a request and run the loop until the server closes: the answer. */
static char *request(const char *req)
{
	static char buf[8192];
	size_t n = 0;
	int fd = connect_to();

	ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	for (int i = 0; i < 1000; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;
		su_root_step(root, 5);
		if (poll(&p, 1, 5) != 1)
			continue;
		r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return buf;
}

START_TEST(get_is_rendered_on_the_loop_and_cached)
{
	char *a = request("GET /status HTTP/1.0\r\n\r\n");

	ck_assert_msg(strncmp(a, "HTTP/1.0 200", 12) == 0 || strncmp(a, "HTTP/1.1 200", 12) == 0, "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "application/json"));
	ck_assert_ptr_nonnull(strstr(a, "{\"renders\":1}"));
	a = request("GET /status HTTP/1.0\r\n\r\n");	/* within HTTP_CACHE_MS */
	ck_assert_ptr_nonnull(strstr(a, "{\"renders\":1}"));
	ck_assert_int_eq(renders, 1);
	usleep((HTTP_CACHE_MS + 50) * 1000);
	a = request("GET /status HTTP/1.0\r\n\r\n");
	ck_assert_ptr_nonnull(strstr(a, "{\"renders\":2}"));
}
END_TEST

START_TEST(unknown_path_and_method)
{
	char *a = request("GET /nope HTTP/1.0\r\n\r\n");

	ck_assert_ptr_nonnull(strstr(a, " 404 "));
	a = request("POST /status HTTP/1.0\r\nContent-Length: 1\r\n\r\nx");
	ck_assert_ptr_nonnull(strstr(a, " 405 "));
}
END_TEST

START_TEST(events_stream_and_slow_client_dropped)
{
	char buf[4096] = "", ev[1000];
	struct timespec t0, t1;
	int fast = connect_to(), slow = connect_to();
	const char *req = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
	size_t n = 0;
	double secs;

	ck_assert_int_eq(write(fast, req, strlen(req)), (ssize_t)strlen(req));
	ck_assert_int_eq(write(slow, req, strlen(req)), (ssize_t)strlen(req));
	for (int i = 0; i < 400 && http_sse_clients(http) < 2; i++)
		su_root_step(root, 5);
	ck_assert_uint_eq(http_sse_clients(http), 2);
	http_publish(http, "{\"n\":1}", 7);
	for (int i = 0; i < 400 && !strstr(buf, "data: {\"n\":1}\n\n"); i++) {
		struct pollfd p = { .fd = fast, .events = POLLIN };
		if (poll(&p, 1, 5) == 1) {
			ssize_t r = read(fast, buf + n, sizeof(buf) - 1 - n);
			ck_assert_int_gt(r, 0);
			n += (size_t)r;
			buf[n] = '\0';
		}
	}
	ck_assert_ptr_nonnull(strstr(buf, "text/event-stream"));
	ck_assert_ptr_nonnull(strstr(buf, "id: 1\ndata: {\"n\":1}\n\n"));
	/* the slow one never reads; the fast one is gone too (closed below):
	 * publishing never waits */
	close(fast);
	memset(ev, 'x', sizeof(ev));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 5000 && http_sse_dropped(http) == 0; i++)
		http_publish(http, ev, sizeof(ev));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_uint_ge(http_sse_dropped(http), 1);
	ck_assert_msg(secs < 2.0, "publishing took %.2f s", secs);
	close(slow);
	/* teardown: http_free ends the streams and joins MHD's threads */
}
END_TEST

static Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("http");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, get_is_rendered_on_the_loop_and_cached);
	tcase_add_test(tc, unknown_path_and_method);
	tcase_add_test(tc, events_stream_and_slow_client_dropped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(http_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
