/* tests/unit/check_ops.c: lib/ops without a daemon: the records writer
 * (lines whole, reopen after a rename, a full disk counted, a full queue
 * dropped), the metrics text, the journal fields of a log line, the node
 * id in events and records (bus.c), and the webhook thread against an
 * address where nothing listens. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ops/bus.h"
#include "ops/cdr.h"
#include "ops/hook.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "util/tid.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tandem-ops-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	log_open(LOG_LVL_ERR);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int lines_of(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, ch;

	if (f == NULL)
		return -1;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

/* Poll (bounded) until the writer has handled n lines. */
static void wait_handled(struct cdr *c, uint64_t n)
{
	struct cdr_stats st;

	for (int i = 0; i < 500; i++) {
		cdr_get_stats(c, &st);
		if (st.written + st.failed >= n)
			return;
		usleep(10000);
	}
	ck_abort_msg("the writer handled %llu of %llu lines",
		     (unsigned long long)(st.written + st.failed), (unsigned long long)n);
}

START_TEST(cdr_writes_one_line_per_record)
{
	char path[128];
	struct cdr *c;
	struct cdr_stats st;
	json_t *rec = json_pack("{s:i,s:s}", "call", 7, "reason", "bye-caller");
	char line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/calls.json", dir);
	ck_assert_int_eq(cdr_new(path, 0, &c), 0);
	ck_assert_int_eq(cdr_push(c, rec), 0);
	ck_assert_int_eq(cdr_push(c, rec), 0);
	wait_handled(c, 2);
	c = cdr_free(c);
	ck_assert_int_eq(lines_of(path), 2);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_str_eq(line, "{\"call\":7,\"reason\":\"bye-caller\"}\n");
	json_decref(rec);
	(void)st;
}
END_TEST

START_TEST(cdr_reopens_after_rename)
{
	char path[128], moved[140];
	struct cdr *c;
	struct cdr_stats st;

	snprintf(path, sizeof(path), "%s/calls.json", dir);
	snprintf(moved, sizeof(moved), "%s.1", path);
	ck_assert_int_eq(cdr_new(path, 0, &c), 0);
	ck_assert_int_eq(cdr_push_line(c, "{\"a\":1}", 7), 0);
	wait_handled(c, 1);
	ck_assert_int_eq(rename(path, moved), 0);
	cdr_reopen(c);
	ck_assert_int_eq(cdr_push_line(c, "{\"a\":2}", 7), 0);
	wait_handled(c, 2);
	cdr_get_stats(c, &st);
	ck_assert_uint_eq(st.reopened, 1);
	c = cdr_free(c);
	ck_assert_int_eq(lines_of(moved), 1);
	ck_assert_int_eq(lines_of(path), 1);
}
END_TEST

START_TEST(cdr_full_disk_is_counted)
{
	struct cdr *c;
	struct cdr_stats st;

	ck_assert_int_eq(cdr_new("/dev/full", 0, &c), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(cdr_push_line(c, "{}", 2), 0);
	wait_handled(c, 3);
	cdr_get_stats(c, &st);
	ck_assert_uint_eq(st.failed, 3);
	ck_assert_uint_eq(st.written, 0);
	cdr_free(c);
}
END_TEST

START_TEST(cdr_missing_directory_is_counted_then_recovers)
{
	char bad[128], good[128];
	struct cdr *c;
	struct cdr_stats st;

	snprintf(bad, sizeof(bad), "%s/nodir/calls.json", dir);
	snprintf(good, sizeof(good), "%s/calls.json", dir);
	ck_assert_int_eq(cdr_new(bad, 0, &c), 0);
	ck_assert_int_eq(cdr_push_line(c, "{}", 2), 0);
	wait_handled(c, 1);
	ck_assert_int_eq(cdr_set_path(c, good), 0);
	ck_assert_str_eq(cdr_path(c), good);
	ck_assert_int_eq(cdr_push_line(c, "{}", 2), 0);
	wait_handled(c, 2);
	cdr_get_stats(c, &st);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.written, 1);
	cdr_free(c);
	ck_assert_int_eq(lines_of(good), 1);
}
END_TEST

START_TEST(cdr_full_queue_drops)
{
	char path[128];
	struct cdr *c;
	struct cdr_stats st;
	int dropped = 0;

	/* a FIFO nobody reads: the writer blocks in open(), the queue fills */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(cdr_new(path, 4, &c), 0);
	for (int i = 0; i < 50; i++)
		if (cdr_push_line(c, "{}", 2) == -ENOBUFS)
			dropped++;
	cdr_get_stats(c, &st);
	ck_assert_int_ge(dropped, 40);
	ck_assert_uint_eq(st.dropped, (uint64_t)dropped);
	{	/* let the writer go: open the FIFO for reading, and drain it */
		int fd = open(path, O_RDONLY | O_NONBLOCK);
		char buf[4096];
		ck_assert_int_ge(fd, 0);
		for (int i = 0; i < 200 && (st.written + st.failed) < (uint64_t)(50 - dropped); i++) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			usleep(10000);
			cdr_get_stats(c, &st);
		}
		cdr_free(c);
		close(fd);
	}
}
END_TEST

START_TEST(metrics_text_counts)
{
	struct metrics *m;
	struct metrics_extra x = { .version = "9.9", .node = "sbc-2", .calls_active = 2, .calls_total = 5,
				   .relay_rx_bytes = 9999, .relay_dropped = { 4, 0, 0, 2, 0 },
				   .relay_handoffs_queued = 7, .relay_handoffs_lost = 3,
				   .relay_dtmf_events = 11, .relay_dtmf_lost = 2,
				   .relay_mix_frames = 150, .relay_mix_ns = 2500000000ull };
	json_t *ev = json_pack("{s:s,s:f}", "event", "call.answered", "setup_ms", 300.0);
	json_t *rec = json_pack("{s:s,s:[{s:{s:i,s:i,s:i},s:{s:i,s:i}}]}", "reason", "bye-caller",
				"media", "a", "packets", 10, "bytes", 1720, "dropped_source", 2,
				"b", "packets", 5, "dropped_auth", 1);
	char *s;

	ck_assert_int_eq(metrics_new(&m), 0);
	metrics_on_event(m, ev);
	metrics_on_record(m, rec);
	metrics_on_record(m, rec);
	metrics_on_sip(m, true, "INVITE", 0);
	metrics_on_sip(m, true, "INVITE", 0);
	metrics_on_sip(m, false, "INVITE", 200);
	metrics_on_sip(m, false, "IN\"VITE", 200);	/* a label value stays plain */
	s = metrics_render(m, &x);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_calls_active 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_calls_total 5\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_calls_ended_total{reason=\"bye-caller\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_call_setup_seconds_bucket{le=\"0.25\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_call_setup_seconds_bucket{le=\"0.5\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_call_setup_seconds_bucket{le=\"+Inf\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_call_setup_seconds_count 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_sip_requests_total{direction=\"in\",method=\"INVITE\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_sip_responses_total{direction=\"out\",method=\"INVITE\",code=\"200\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "method=\"IN_VITE\""));
	ck_assert_ptr_nonnull(strstr(s, "tandem_relay_call_packets_total 30\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_relay_call_bytes_total 3440\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_relay_dropped_packets_total{reason=\"source\"} 4\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_srtp_auth_failures_total 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_relay_received_bytes_total 9999\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_relay_dropped_packets_total{reason=\"srtp_replay\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_relay_handoffs_queued 7\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_relay_handoffs_lost_total 3\n"));
	ck_assert_ptr_nonnull(strstr(s, "# TYPE tandem_relay_handoffs_lost_total counter\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_dtmf_events_total 11\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_dtmf_lost_total 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_mix_frames_total 150\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_mix_seconds_total 2.5\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_build_info{version=\"9.9\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "# TYPE tandem_node_info gauge\ntandem_node_info{node=\"sbc-2\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "# TYPE tandem_call_setup_seconds histogram\n"));
	free(s);
	json_decref(ev);
	json_decref(rec);
	metrics_free(m);
}
END_TEST

/* Per route and per target, from the records: a target is labelled as
 * configured (without the user put in), the route table is bounded. */
START_TEST(metrics_per_route_and_target)
{
	struct metrics *m;
	struct metrics_extra x = { .auth_ok = 3, .n_auth = 1, .auth_reason = { "uri-mismatch" },
				   .auth_refused = { 2 }, .acl_refused = { [2] = { 1, 4 } } };
	json_t *ok = json_pack("{s:s,s:s,s:f,s:i,s:[{s:s,s:i},{s:s,s:i}]}", "reason", "bye-caller",
			       "route", "out", "setup_ms", 700.0, "code", 200, "targets",
			       "target", "sip:123@dead.example;transport=tcp", "status", 503,
			       "target", "sip:123@live.example:5080", "status", 200);
	json_t *busy = json_pack("{s:s,s:s,s:n,s:i,s:[{s:s,s:i}]}", "reason", "rejected",
				 "route", "out", "setup_ms", "code", 486, "targets",
				 "target", "sip:456@live.example:5080", "status", 486);
	json_t *refer = json_pack("{s:s,s:s,s:s}", "type", "refer", "reason", "rejected",
				  "route", "out");
	char name[16], *s;

	ck_assert_int_eq(metrics_new(&m), 0);
	metrics_on_record(m, ok);
	metrics_on_record(m, busy);
	metrics_on_record(m, refer);	/* no call */
	s = metrics_render(m, &x);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_route_calls_total{route=\"out\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_route_calls_answered_total{route=\"out\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_route_calls_failed_total{route=\"out\",class=\"4xx\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_route_calls_failed_total{route=\"out\",class=\"5xx\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_route_setup_seconds_bucket{route=\"out\",le=\"0.5\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_route_setup_seconds_bucket{route=\"out\",le=\"1\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_route_setup_seconds_count{route=\"out\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_target_attempts_total{route=\"out\",target=\"sip:live.example:5080\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_target_answered_total{route=\"out\",target=\"sip:live.example:5080\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_target_failed_total{route=\"out\",target=\"sip:live.example:5080\",class=\"4xx\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_target_failed_total{route=\"out\",target=\"sip:dead.example;transport=tcp\",class=\"5xx\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_target_answered_total{route=\"out\",target=\"sip:dead.example;transport=tcp\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_auth_ok_total 3\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_auth_refused_total{reason=\"uri-mismatch\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_acl_refused_total{acl=\"route\",action=\"drop\"} 4\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ntandem_acl_refused_total{acl=\"auth\",action=\"403\"} 0\n"));
	free(s);
	for (int i = 0; i < 100; i++) {	/* more routes than the table holds */
		json_t *r = json_pack("{s:s,s:i}", "reason", "rejected", "code", 404);
		snprintf(name, sizeof(name), "r\"%d", i);
		json_object_set_new(r, "route", json_string(name));
		metrics_on_record(m, r);
		json_decref(r);
	}
	s = metrics_render(m, &x);
	ck_assert_ptr_nonnull(strstr(s, "tandem_route_calls_total{route=\"r_1\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "tandem_route_calls_total{route=\"other\"} 38\n"));
	free(s);
	json_decref(ok);
	json_decref(busy);
	json_decref(refer);
	metrics_free(m);
}
END_TEST

START_TEST(metrics_sip_table_is_bounded)
{
	struct metrics *m;
	char name[16], *s;

	ck_assert_int_eq(metrics_new(&m), 0);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "M%d", i);
		metrics_on_sip(m, true, name, i % 700);
	}
	s = metrics_render(m, &(struct metrics_extra){ 0 });
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "method=\"other\""));
	free(s);
	metrics_free(m);
}
END_TEST

START_TEST(journal_fields_of_a_call_line)
{
	const struct log_call_fields f = { .call = 42, .a_call_id = "a@x", .b_call_id = NULL,
					   .route = "main" };
	struct iovec iov[LOG_MAX_FIELDS];
	char buf[512];
	size_t n = log_journal_fields(6, &f, "answered", buf, sizeof(buf), iov);
	const char *want[] = { "PRIORITY=6", "SYSLOG_IDENTIFIER=tandemd", "CALL_ID=42",
			       "SIP_CALL_ID_A=a@x", "ROUTE=main", "MESSAGE=answered" };

	ck_assert_uint_eq(n, 6);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(iov[i].iov_len, strlen(want[i]));
		ck_assert_int_eq(memcmp(iov[i].iov_base, want[i], iov[i].iov_len), 0);
	}
	/* a plain line: no call fields; a long message is cut, not lost */
	n = log_journal_fields(3, NULL, "0123456789012345678901234567890123456789", buf, 64, iov);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(iov[2].iov_len, 64 - 37 - 1);	/* what is left after two fields */
	ck_assert_int_eq(memcmp(iov[2].iov_base, "MESSAGE=0123", 12), 0);
}
END_TEST

/* Every line names the node once it is set; a call line its UUID too. */
START_TEST(journal_fields_with_node_and_uuid)
{
	const struct log_call_fields f = { .call = 3, .uuid = "0190a3c4-5e6f-7a8b-9c0d-e1f203040506",
					   .a_call_id = "a@x", .b_call_id = "b@y", .route = "r" };
	const char *want[] = { "PRIORITY=5", "SYSLOG_IDENTIFIER=tandemd", "NODE=sbc-1", "CALL_ID=3",
			       "CALL_UUID=0190a3c4-5e6f-7a8b-9c0d-e1f203040506", "SIP_CALL_ID_A=a@x",
			       "SIP_CALL_ID_B=b@y", "ROUTE=r", "MESSAGE=hello" };
	struct iovec iov[LOG_MAX_FIELDS];
	char buf[512];
	size_t n;

	tid_set_node("sbc-1");
	n = log_journal_fields(5, &f, "hello", buf, sizeof(buf), iov);
	ck_assert_uint_eq(n, 9);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(iov[i].iov_len, strlen(want[i]));
		ck_assert_int_eq(memcmp(iov[i].iov_base, want[i], iov[i].iov_len), 0);
	}
	n = log_journal_fields(6, NULL, "plain", buf, sizeof(buf), iov);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(memcmp(iov[2].iov_base, "NODE=sbc-1", 10), 0);
	tid_set_node(NULL);
}
END_TEST

static json_t *seen_ev, *seen_rec;

static void keep_event(void *arg, json_t *ev)
{
	seen_ev = json_incref(ev);
}

static void keep_record(void *arg, json_t *rec)
{
	seen_rec = json_incref(rec);
}

START_TEST(bus_adds_the_node)
{
	struct bus_sink sink = { .event = keep_event, .record = keep_record };
	json_t *ev;

	tid_set_node("edge-7");
	bus_set_sink(&sink);
	ev = bus_event_new("call.created", 12);
	ck_assert_str_eq(json_string_value(json_object_get(ev, "node")), "edge-7");
	bus_event(ev);
	ck_assert_str_eq(json_string_value(json_object_get(seen_ev, "node")), "edge-7");
	ck_assert_int_eq(json_integer_value(json_object_get(seen_ev, "call")), 12);
	json_decref(seen_ev);
	seen_ev = NULL;
	/* an event or a record built without it gets it on the way out */
	bus_event(json_pack("{s:s}", "event", "target.down"));
	ck_assert_str_eq(json_string_value(json_object_get(seen_ev, "node")), "edge-7");
	json_decref(seen_ev);
	seen_ev = NULL;
	bus_record(json_pack("{s:i}", "call", 12));
	ck_assert_str_eq(json_string_value(json_object_get(seen_rec, "node")), "edge-7");
	json_decref(seen_rec);
	seen_rec = NULL;
	/* with no node set, nothing is added */
	tid_set_node(NULL);
	bus_record(json_pack("{s:i}", "call", 13));
	ck_assert_ptr_null(json_object_get(seen_rec, "node"));
	json_decref(seen_rec);
	seen_rec = NULL;
	bus_set_sink(NULL);
}
END_TEST

START_TEST(journal_stream_must_be_stderr)
{
	struct stat st;
	char js[64];

	ck_assert(!log_stderr_is_journal(NULL));
	ck_assert(!log_stderr_is_journal("garbage"));
	ck_assert_int_eq(fstat(STDERR_FILENO, &st), 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	ck_assert(log_stderr_is_journal(js));
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	ck_assert(!log_stderr_is_journal(js));
}
END_TEST

START_TEST(hook_to_nobody_is_counted_and_dropped)
{
	struct hook *h;
	struct hook_stats st;

	ck_assert_int_eq(hook_new(2, &h), 0);
	/* port 9 on loopback: refused at once */
	ck_assert_int_eq(hook_push(h, "http://127.0.0.1:9/x", 200, 1, "{}", 2), 0);
	for (int i = 0; i < 300; i++) {
		hook_get_stats(h, &st);
		if (st.failed == 1)
			break;
		usleep(10000);
	}
	hook_get_stats(h, &st);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.attempts, 2);
	ck_assert_uint_eq(st.delivered, 0);
	hook_free(h);
}
END_TEST

START_TEST(hook_queue_is_bounded)
{
	struct hook *h;
	struct hook_stats st;
	int refused = 0;

	ck_assert_int_eq(hook_new(2, &h), 0);
	for (int i = 0; i < 20; i++)
		if (hook_push(h, "http://127.0.0.1:9/x", 100, 0, "{}", 2) == -ENOBUFS)
			refused++;
	hook_get_stats(h, &st);
	ck_assert_int_ge(refused, 15);
	ck_assert_uint_eq(st.dropped, (uint64_t)refused);
	hook_free(h);	/* the rest: tried within the stop grace, or dropped */
	(void)st;
}
END_TEST

START_TEST(hook_stop_cuts_a_slow_receiver)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct timespec t0, t1;
	struct hook *h;
	char url[64];
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	double secs;

	/* listens, never accepts nor answers: a POST waits for its 60 s timeout */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", ntohs(sa.sin_port));
	ck_assert_int_eq(hook_new(0, &h), 0);
	ck_assert_int_eq(hook_push(h, url, 60000, 0, "{}", 2), 0);
	usleep(200000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hook_free(h);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs < HOOK_STOP_GRACE_MS / 1000.0 + 2.0, "hook_free took %.1f s", secs);
	close(lfd);
}
END_TEST

static Suite *ops_suite(void)
{
	Suite *s = suite_create("ops");
	TCase *tc = tcase_create("cdr");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, cdr_writes_one_line_per_record);
	tcase_add_test(tc, cdr_reopens_after_rename);
	tcase_add_test(tc, cdr_full_disk_is_counted);
	tcase_add_test(tc, cdr_missing_directory_is_counted_then_recovers);
	tcase_add_test(tc, cdr_full_queue_drops);
	suite_add_tcase(s, tc);
	tc = tcase_create("metrics");
	tcase_add_test(tc, metrics_text_counts);
	tcase_add_test(tc, metrics_sip_table_is_bounded);
	tcase_add_test(tc, metrics_per_route_and_target);
	suite_add_tcase(s, tc);
	tc = tcase_create("log");
	tcase_add_test(tc, journal_fields_of_a_call_line);
	tcase_add_test(tc, journal_stream_must_be_stderr);
	tcase_add_test(tc, journal_fields_with_node_and_uuid);
	tcase_add_test(tc, bus_adds_the_node);
	suite_add_tcase(s, tc);
	tc = tcase_create("hook");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, hook_to_nobody_is_counted_and_dropped);
	tcase_add_test(tc, hook_queue_is_bounded);
	tcase_add_test(tc, hook_stop_cuts_a_slow_receiver);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ops_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
