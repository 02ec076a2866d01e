/* tests/unit/check_ctl_events.c: lib/ops/ctl.c event subscribers, on a real
 * su_root and Unix socket: {"cmd":"events"} subscribes, a filter picks event
 * types, lines arrive whole and in order, and a subscriber that never reads
 * is dropped once 1 MiB waits for it, without ctl_broadcast() ever blocking. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define SU_ROOT_MAGIC_T void
#define SU_WAKEUP_ARG_T void
#include <sofia-sip/su_wait.h>

#include "ops/ctl.h"

static su_root_t *root;
static struct ctl *ctl;
static char path[64];

static json_t *dispatch(void *arg, json_t *req)
{
	(void)arg;
	(void)req;
	return json_pack("{s:b}", "ok", 1);
}

static void setup(void)
{
	su_init();
	root = su_root_create(NULL);
	ck_assert_ptr_nonnull(root);
	su_root_threading(root, 0);
	snprintf(path, sizeof(path), "/tmp/tandem-ctl-%d.sock", (int)getpid());
	ck_assert_int_eq(ctl_new(root, path, 0600, dispatch, NULL, &ctl), 0);
}

static void teardown(void)
{
	ctl = ctl_free(ctl);
	su_root_destroy(root);
	su_deinit();
}

static int client(const char *request)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
	return fd;
}

static void spin_until_subscribers(unsigned n)
{
	for (int i = 0; i < 500 && ctl_subscribers(ctl) != n; i++)
		su_root_step(root, 10);
	ck_assert_uint_eq(ctl_subscribers(ctl), n);
}

/* Read one line (blocking, bounded by the loop stepping in between). */
static void read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	for (int i = 0; i < 500 && n + 1 < len; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		su_root_step(root, 1);
		if (poll(&p, 1, 10) == 1 && read(fd, buf + n, 1) == 1) {
			if (buf[n] == '\n') {
				buf[n] = '\0';
				return;
			}
			n++;
			i = 0;
		}
	}
	ck_abort_msg("no line came (got %zu octets)", n);
}

START_TEST(subscriber_gets_filtered_events_in_order)
{
	char line[256];
	int fd = client("{\"cmd\":\"events\",\"events\":[\"call.ended\",\"call.created\"]}\n");

	spin_until_subscribers(1);
	read_line(fd, line, sizeof(line));
	ck_assert_str_eq(line, "{\"ok\":true,\"subscribed\":true}");
	ctl_broadcast(ctl, "call.created", "{\"n\":1}", 7);
	ctl_broadcast(ctl, "call.state", "{\"n\":2}", 7);
	ctl_broadcast(ctl, "call.ended", "{\"n\":3}", 7);
	read_line(fd, line, sizeof(line));
	ck_assert_str_eq(line, "{\"n\":1}");
	read_line(fd, line, sizeof(line));
	ck_assert_str_eq(line, "{\"n\":3}");
	close(fd);
	for (int i = 0; i < 100 && ctl_subscribers(ctl) != 0; i++)
		su_root_step(root, 10);
	ck_assert_uint_eq(ctl_subscribers(ctl), 0);
	ck_assert_uint_eq(ctl_dropped(ctl), 0);
}
END_TEST

START_TEST(bad_filter_is_refused)
{
	char line[256];
	int fd = client("{\"cmd\":\"events\",\"events\":\"call.ended\"}\n");

	read_line(fd, line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "must be a list of event types"));
	ck_assert_uint_eq(ctl_subscribers(ctl), 0);
	close(fd);
}
END_TEST

START_TEST(slow_subscriber_is_dropped_without_blocking)
{
	char ev[1000], line[256];
	struct timespec t0, t1;
	int fd = client("events\n");
	double secs;
	ssize_t n, total = 0;

	spin_until_subscribers(1);
	memset(ev, 'x', sizeof(ev));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 4000 && ctl_dropped(ctl) == 0; i++)
		ctl_broadcast(ctl, "call.state", ev, sizeof(ev));	/* never read: 4 MB */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_uint_eq(ctl_dropped(ctl), 1);
	ck_assert_msg(secs < 2.0, "broadcasting took %.2f s", secs);
	for (int i = 0; i < 100 && ctl_subscribers(ctl) != 0; i++)
		su_root_step(root, 10);
	ck_assert_uint_eq(ctl_subscribers(ctl), 0);
	/* the client sees what the socket held, then the end */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 500; i++) {
		n = read(fd, line, sizeof(line));
		if (n == 0)
			break;
		if (n > 0)
			total += n;
		else
			usleep(2000);
	}
	ck_assert_int_eq(n, 0);
	ck_assert_int_gt(total, 0);
	close(fd);
}
END_TEST

static Suite *ctl_events_suite(void)
{
	Suite *s = suite_create("ctl_events");
	TCase *tc = tcase_create("events");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, subscriber_gets_filtered_events_in_order);
	tcase_add_test(tc, bad_filter_is_refused);
	tcase_add_test(tc, slow_subscriber_is_dropped_without_blocking);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ctl_events_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
