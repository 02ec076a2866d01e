/* tests/unit/check_guard.c: lib/sec/guard.c (the per-source token bucket,
 * bans and their expiry, the bounded table, calls per source, an IPv6
 * source as its /64) on a fake clock, and the config keys of flood
 * protection and limits (lib/conf/conf_flood.c): each bad value refused
 * with its line. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "sec/guard.h"
#include "testutil.h"

static struct sockaddr_storage ss;

static const struct sockaddr *v4(const char *ip)
{
	struct sockaddr_in *s = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(5060);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &s->sin_addr), 1);
	return (const struct sockaddr *)&ss;
}

static const struct sockaddr *v6(const char *ip)
{
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	s->sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, ip, &s->sin6_addr), 1);
	return (const struct sockaddr *)&ss;
}

static struct conf_flood flood(int rate, int burst, int ban_after, int auth, int ban_time)
{
	struct conf_flood f = {
		.on = true, .rate = rate, .burst = burst, .ban_after = ban_after,
		.auth_failures = auth, .ban_window = 60, .ban_time = ban_time,
		.table_size = 64,
	};
	return f;
}

/* what the notify callback heard */
static char heard[8][128];
static unsigned n_heard;

static void on_event(void *arg, const struct guard_event *ev)
{
	(void)arg;
	if (n_heard < 8)
		snprintf(heard[n_heard], sizeof(heard[0]), "%s %s %u %u %s",
			 ev->banned ? "ban" : "unban", ev->addr, ev->count, ev->seconds,
			 ev->banned ? (ev->reason == GUARD_BAN_AUTH ? "auth" : "rate") : ev->why);
	n_heard++;
}

static struct guard *mk(struct conf_flood f)
{
	struct guard *g = NULL;

	ck_assert_int_eq(guard_new((unsigned)f.table_size, &g), 0);
	ck_assert_int_eq(guard_set_conf(g, &f), 0);
	guard_set_notify(g, on_event, NULL);
	n_heard = 0;
	return g;
}

START_TEST(burst_then_rate)
{
	struct guard *g = mk(flood(10, 5, 0, 0, 60));
	int pass = 0;

	for (int i = 0; i < 8; i++)
		pass += guard_check(g, v4("192.0.2.1"), 1000) == GUARD_PASS;
	ck_assert_int_eq(pass, 5);		/* the burst, at one instant */
	/* 10 per second: one more token every 100 ms */
	ck_assert_int_eq(guard_check(g, v4("192.0.2.1"), 1050), GUARD_LIMITED);
	ck_assert_int_eq(guard_check(g, v4("192.0.2.1"), 1100), GUARD_PASS);
	ck_assert_int_eq(guard_check(g, v4("192.0.2.1"), 1100), GUARD_LIMITED);
	/* a long pause refills to the burst, not beyond */
	pass = 0;
	for (int i = 0; i < 8; i++)
		pass += guard_check(g, v4("192.0.2.1"), 100000) == GUARD_PASS;
	ck_assert_int_eq(pass, 5);
	/* another source has its own bucket */
	ck_assert_int_eq(guard_check(g, v4("192.0.2.2"), 100000), GUARD_PASS);
	struct guard_stats st;
	guard_get_stats(g, &st);
	ck_assert_uint_eq(st.rate_limited, 3 + 1 + 1 + 3);
	ck_assert_uint_eq(st.sources, 2);
	guard_free(g);
}
END_TEST

START_TEST(ban_after_violations_and_expiry)
{
	struct guard *g = mk(flood(1, 2, 3, 0, 10));
	json_t *bans;

	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 0), GUARD_PASS);
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 0), GUARD_PASS);
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 0), GUARD_LIMITED);
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 0), GUARD_LIMITED);
	ck_assert_uint_eq(n_heard, 0);
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 0), GUARD_LIMITED);	/* the 3rd */
	ck_assert_uint_eq(n_heard, 1);
	ck_assert_str_eq(heard[0], "ban 198.51.100.7 3 10 rate");
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 5000), GUARD_BANNED);
	ck_assert_int_eq(guard_check(g, v4("198.51.100.8"), 5000), GUARD_PASS);

	bans = guard_bans_json(g, 6000, 1000000);
	ck_assert_uint_eq(json_array_size(bans), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(bans, 0), "address")),
			 "198.51.100.7");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(bans, 0), "hits")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(bans, 0), "since")),
			 1000000 - 6);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(bans, 0), "expires")),
			 1000000 + 4);
	json_decref(bans);

	/* the sweep lifts it at 10 s, not before */
	guard_expire(g, 9999);
	ck_assert_uint_eq(n_heard, 1);
	guard_expire(g, 10000);
	ck_assert_uint_eq(n_heard, 2);
	ck_assert_str_eq(heard[1], "unban 198.51.100.7 3 10 expired");
	/* and the source starts over with a full bucket */
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 10000), GUARD_PASS);
	bans = guard_bans_json(g, 10000, 1000000);
	ck_assert_uint_eq(json_array_size(bans), 0);
	json_decref(bans);
	guard_free(g);
}
END_TEST

/* The look before sofia's transaction layer: a banned source is dropped (a
 * hit, counted as dropped) only under ban_action "drop"; no token is taken
 * from a source that is not banned. */
START_TEST(drop_banned_at_the_door)
{
	struct conf_flood f = flood(1, 1, 1, 0, 10);
	struct guard *g;
	struct guard_stats st;

	f.ban_action = CONF_FLOOD_DROP;
	g = mk(f);
	ck_assert(!guard_drop_banned(g, v4("198.51.100.7"), 0));	/* unknown */
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 0), GUARD_PASS);	/* its token */
	ck_assert(!guard_drop_banned(g, v4("198.51.100.7"), 0));	/* took none */
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 0), GUARD_LIMITED);	/* banned */
	ck_assert(guard_drop_banned(g, v4("198.51.100.7"), 1000));
	ck_assert(guard_drop_banned(g, v4("198.51.100.7"), 2000));
	ck_assert(!guard_drop_banned(g, v4("198.51.100.8"), 2000));
	guard_get_stats(g, &st);
	ck_assert_uint_eq(st.dropped, 2);
	ck_assert_uint_eq(st.ban_dropped, 2);
	ck_assert(!guard_drop_banned(g, v4("198.51.100.7"), 10000));	/* ran out */
	ck_assert_uint_eq(st.bans_active, 1);
	guard_get_stats(g, &st);
	ck_assert_uint_eq(st.bans_active, 0);
	guard_free(g);

	f.ban_action = CONF_FLOOD_403;	/* answered on NUA's event instead */
	g = mk(f);
	guard_check(g, v4("198.51.100.7"), 0);
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 0), GUARD_LIMITED);
	ck_assert(!guard_drop_banned(g, v4("198.51.100.7"), 1000));
	ck_assert_int_eq(guard_check(g, v4("198.51.100.7"), 1000), GUARD_BANNED);
	guard_free(g);
}
END_TEST

START_TEST(violations_outside_window_do_not_ban)
{
	struct guard *g = mk(flood(1, 1, 3, 0, 10));

	/* two over the rate, then the window (60 s) passes, then two more */
	ck_assert_int_eq(guard_check(g, v4("203.0.113.5"), 0), GUARD_PASS);
	ck_assert_int_eq(guard_check(g, v4("203.0.113.5"), 0), GUARD_LIMITED);
	ck_assert_int_eq(guard_check(g, v4("203.0.113.5"), 0), GUARD_LIMITED);
	ck_assert_int_eq(guard_check(g, v4("203.0.113.5"), 61000), GUARD_PASS);
	ck_assert_int_eq(guard_check(g, v4("203.0.113.5"), 61000), GUARD_LIMITED);
	ck_assert_int_eq(guard_check(g, v4("203.0.113.5"), 61000), GUARD_LIMITED);
	ck_assert_uint_eq(n_heard, 0);
	ck_assert_int_eq(guard_check(g, v4("203.0.113.5"), 61000), GUARD_LIMITED);
	ck_assert_uint_eq(n_heard, 1);
	guard_free(g);
}
END_TEST

START_TEST(auth_failures_ban)
{
	struct guard *g = mk(flood(0, 1, 0, 3, 300));

	guard_fail_auth(g, v6("2001:db8:0:1::1"), 0);
	guard_fail_auth(g, v6("2001:db8:0:1::1"), 1000);
	ck_assert_int_eq(guard_check(g, v6("2001:db8:0:1::1"), 1000), GUARD_PASS);	/* rate 0 */
	guard_fail_auth(g, v6("2001:db8:0:1::1"), 2000);
	ck_assert_uint_eq(n_heard, 1);
	ck_assert_str_eq(heard[0], "ban 2001:db8:0:1:: 3 300 auth");	/* its /64 */
	ck_assert_int_eq(guard_check(g, v6("2001:db8:0:1::1"), 3000), GUARD_BANNED);
	ck_assert_int_eq(guard_check(g, v6("2001:db8:0:2::1"), 3000), GUARD_PASS);
	/* unban by hand: text forms of both families */
	ck_assert_int_eq(guard_unban(g, "2001:db8:0:2::1", 3000), -ENOENT);
	ck_assert_int_eq(guard_unban(g, "not-an-address", 3000), -EINVAL);
	ck_assert_int_eq(guard_unban(g, "2001:DB8:0:1::1", 3000), 0);
	ck_assert_str_eq(heard[1], "unban 2001:db8:0:1:: 3 300 tandemctl");
	ck_assert_int_eq(guard_check(g, v6("2001:db8:0:1::1"), 3000), GUARD_PASS);
	guard_free(g);
}
END_TEST

/* An IPv6 source is its /64: rotating through the addresses of one buys
 * nothing. A v4-mapped address is its IPv4 one, not a /64. */
START_TEST(ipv6_source_is_its_64)
{
	struct guard *g = mk(flood(1, 1, 0, 3, 300));
	struct guard_addr k[4];
	char ip[64];

	/* the bucket: one token for the whole /64 */
	ck_assert_int_eq(guard_check(g, v6("2001:db8:1:2::1"), 0), GUARD_PASS);
	ck_assert_int_eq(guard_check(g, v6("2001:db8:1:2:ffff:ffff:ffff:fffe"), 0), GUARD_LIMITED);
	ck_assert_int_eq(guard_check(g, v6("2001:db8:1:3::1"), 0), GUARD_PASS);
	/* failed authentications from three addresses of it ban all of it */
	for (int i = 0; i < 3; i++) {
		snprintf(ip, sizeof(ip), "2001:db8:1:2:%x::%x", i + 1, 7 * i + 1);
		guard_fail_auth(g, v6(ip), 100 + (uint64_t)i);
	}
	ck_assert_uint_eq(n_heard, 1);
	ck_assert_str_eq(heard[0], "ban 2001:db8:1:2:: 3 300 auth");
	ck_assert_int_eq(guard_check(g, v6("2001:db8:1:2:aaaa::99"), 2000), GUARD_BANNED);
	ck_assert_int_eq(guard_check(g, v6("2001:db8:1:3::1"), 2000), GUARD_PASS);
	/* unban: any address of it, or the /64 as the log line wrote it */
	ck_assert_int_eq(guard_unban(g, "2001:db8:1:2::/64", 2000), 0);
	ck_assert_int_eq(guard_unban(g, "2001:db8:1:2::5", 2000), -ENOENT);
	ck_assert_int_eq(guard_unban(g, "2001:db8:1:2::/48", 2000), -EINVAL);
	/* v4-mapped: the IPv4 address itself, whole */
	ck_assert_int_eq(guard_check(g, v4("192.0.2.7"), 5000), GUARD_PASS);
	ck_assert_int_eq(guard_check(g, v6("::ffff:192.0.2.7"), 5000), GUARD_LIMITED);
	ck_assert_int_eq(guard_check(g, v6("::ffff:192.0.2.8"), 5000), GUARD_PASS);
	/* calls per source: the /64 too, and the keys undo their own count */
	ck_assert_int_eq(guard_call_add(g, v6("2001:db8:9:9::1"), 2, &k[0]), 0);
	ck_assert_int_eq(guard_call_add(g, v6("2001:db8:9:9::2"), 2, &k[1]), 0);
	ck_assert_int_eq(guard_call_add(g, v6("2001:db8:9:9:1:2:3:4"), 2, &k[2]), -EBUSY);
	ck_assert_int_eq(guard_call_add(g, v6("2001:db8:9:a::1"), 2, &k[2]), 0);
	ck_assert_uint_eq(guard_calls_from(g, v6("2001:db8:9:9::77")), 2);
	ck_assert_int_eq(guard_call_add(g, v4("192.0.2.7"), 1, &k[3]), 0);
	ck_assert_int_eq(guard_call_add(g, v6("::ffff:192.0.2.7"), 1, &k[3]), -EBUSY);
	ck_assert_uint_eq(guard_calls_from(g, v4("192.0.2.8")), 0);
	guard_call_del(g, &k[1]);
	guard_call_del(g, &k[0]);
	guard_call_del(g, &k[2]);
	guard_call_del(g, &k[3]);
	ck_assert_uint_eq(guard_calls_from(g, v6("2001:db8:9:9::1")), 0);
	ck_assert_uint_eq(guard_calls_from(g, v6("2001:db8:9:a::1")), 0);
	ck_assert_uint_eq(guard_calls_from(g, v4("192.0.2.7")), 0);
	guard_free(g);
}
END_TEST

START_TEST(global_auth_failed_hook)
{
	struct conf_flood f = flood(0, 1, 0, 2, 300);
	struct guard *g = mk(f);
	struct guard_stats st;

	guard_auth_failed(v4("192.0.2.9"));	/* no guard installed: nothing */
	guard_install(g);
	guard_auth_failed(v4("192.0.2.9"));
	guard_auth_failed(NULL);
	guard_auth_failed(v4("192.0.2.9"));
	guard_get_stats(g, &st);
	ck_assert_uint_eq(st.auth_failed, 2);
	ck_assert_uint_eq(st.bans_active, 1);
	guard_free(g);
	ck_assert_ptr_null(guard_get());
	guard_auth_failed(v4("192.0.2.9"));	/* freed: uninstalled */
}
END_TEST

START_TEST(trusted_and_off)
{
	struct conf_flood f = flood(1, 1, 1, 1, 300);
	struct conf_cidr nets[2];
	struct guard *g;

	ck_assert_int_eq(conf_parse_cidr("10.0.0.0/8", &nets[0]), 0);
	ck_assert_int_eq(conf_parse_cidr("fd00::/8", &nets[1]), 0);
	f.trusted = nets;
	f.n_trusted = 2;
	g = mk(f);
	memset(nets, 0, sizeof(nets));		/* the guard keeps its own copy */
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(guard_check(g, v4("10.1.2.3"), 0), GUARD_PASS);
		ck_assert_int_eq(guard_check(g, v6("fd00::5"), 0), GUARD_PASS);
		guard_fail_auth(g, v4("10.1.2.3"), 0);
	}
	ck_assert_uint_eq(n_heard, 0);
	/* off: everything passes */
	f = flood(1, 1, 1, 1, 300);
	f.on = false;
	ck_assert_int_eq(guard_set_conf(g, &f), 0);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(guard_check(g, v4("192.0.2.1"), 0), GUARD_PASS);
	guard_free(g);
}
END_TEST

START_TEST(table_is_bounded_and_evicts_oldest)
{
	struct guard *g = mk(flood(1, 1, 1, 0, 3600));
	struct guard_stats st;
	char ip[32];

	/* ban one source, then pour 10000 others through a 64-entry table */
	guard_check(g, v4("192.0.2.200"), 0);
	ck_assert_int_eq(guard_check(g, v4("192.0.2.200"), 0), GUARD_LIMITED);
	ck_assert_uint_eq(n_heard, 1);
	for (int i = 0; i < 10000; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		guard_check(g, v4(ip), 1 + (uint64_t)i);
	}
	guard_get_stats(g, &st);
	ck_assert_uint_eq(st.table_size, 64);
	ck_assert_uint_le(st.sources, 64);
	ck_assert_uint_ge(st.evicted, 10000 - 64);
	/* unbanned sources go first: the ban is still there */
	ck_assert_int_eq(guard_check(g, v4("192.0.2.200"), 20000), GUARD_BANNED);
	guard_free(g);
}
END_TEST

START_TEST(calls_per_source)
{
	struct conf_flood f = flood(0, 1, 0, 0, 1);
	struct conf_cidr net;
	struct guard_addr k1, k2, k3, kt;
	struct guard *g;

	ck_assert_int_eq(conf_parse_cidr("127.0.0.0/8", &net), 0);
	f.trusted = &net;
	f.n_trusted = 1;
	g = mk(f);
	ck_assert_int_eq(guard_call_add(g, v4("192.0.2.1"), 2, &k1), 0);
	ck_assert_int_eq(guard_call_add(g, v4("192.0.2.1"), 2, &k2), 0);
	ck_assert_int_eq(guard_call_add(g, v4("192.0.2.1"), 2, &k3), -EBUSY);
	ck_assert_int_eq(guard_call_add(g, v6("2001:db8::1"), 2, &k3), 0);
	ck_assert_uint_eq(guard_calls_from(g, v4("192.0.2.1")), 2);
	guard_call_del(g, &k1);
	ck_assert_uint_eq(guard_calls_from(g, v4("192.0.2.1")), 1);
	ck_assert_int_eq(guard_call_add(g, v4("192.0.2.1"), 2, &k1), 0);
	/* trusted: counted, never refused */
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(guard_call_add(g, v4("127.0.0.9"), 2, &kt), 0);
	ck_assert_uint_eq(guard_calls_from(g, v4("127.0.0.9")), 5);
	/* max 0: no limit */
	ck_assert_int_eq(guard_call_add(g, v4("192.0.2.1"), 0, &k3), 0);
	guard_call_del(g, &k1);
	guard_call_del(g, &k2);
	guard_call_del(g, &k3);
	ck_assert_uint_eq(guard_calls_from(g, v4("192.0.2.1")), 0);
	struct guard_stats st;
	guard_get_stats(g, &st);
	ck_assert_uint_eq(st.source_limited, 1);
	guard_free(g);
}
END_TEST

/* ---- config ---- */

START_TEST(flood_config_defaults_and_values)
{
	struct conf *c = tu_load_ok("flood = { };\n");

	ck_assert(c->flood.on);
	ck_assert_int_eq(c->flood.rate, 20);
	ck_assert_int_eq(c->flood.burst, 40);
	ck_assert_int_eq(c->flood.action, CONF_FLOOD_503);
	ck_assert_int_eq(c->flood.ban_action, CONF_FLOOD_DROP);
	ck_assert_int_eq(c->max_message_size, 65536);
	ck_assert_int_eq(c->max_calls_per_source, 0);
	conf_unref(c);
	c = tu_load_ok("log = { level = \"info\"; };\n");
	ck_assert(!c->flood.on);
	conf_unref(c);
	c = tu_load_ok("flood = { rate = 5; burst = 7; action = \"drop\"; ban_action = 403;\n"
		       "  ban_after = 9; auth_failures = 4; ban_window = 30; ban_time = 600;\n"
		       "  table_size = 1024; trusted = ( \"10.0.0.0/8\", \"2001:db8::/32\" ); };\n"
		       "limits = { max_message_size = 8192; max_calls_per_source = 3; };\n"
		       "calls = { max_duration = 7200; };\n"
		       "routes = ( { name = \"a\"; targets = \"sip:127.0.0.1\"; max_duration = 2; },\n"
		       "           { name = \"b\"; targets = \"sip:127.0.0.1\"; } );\n");
	ck_assert_int_eq(c->flood.rate, 5);
	ck_assert_int_eq(c->flood.burst, 7);
	ck_assert_int_eq(c->flood.action, CONF_FLOOD_DROP);
	ck_assert_int_eq(c->flood.ban_action, CONF_FLOOD_403);
	ck_assert_int_eq(c->flood.ban_after, 9);
	ck_assert_int_eq(c->flood.auth_failures, 4);
	ck_assert_int_eq(c->flood.ban_time, 600);
	ck_assert_uint_eq(c->flood.n_trusted, 2);
	ck_assert_int_eq(c->max_message_size, 8192);
	ck_assert_int_eq(c->max_calls_per_source, 3);
	ck_assert_int_eq(c->routes[0].max_duration, 2);
	ck_assert_int_eq(c->routes[1].max_duration, 7200);	/* from calls */
	conf_unref(c);
}
END_TEST

struct bad_case {
	const char *text;
	const char *marker;
	const char *msg;
};

static const struct bad_case bad[] = {
	{ "flood = {\n  rate = -1; #!\n};\n", "#!", "'rate' must be between 0 and" },
	{ "flood = {\n  burst = 0; #!\n};\n", "#!", "'burst' must be between 1 and" },
	{ "flood = {\n  action = \"reject\"; #!\n};\n", "#!", "'action' must be \"503\" or \"drop\"" },
	{ "flood = {\n  ban_action = \"503\"; #!\n};\n", "#!", "'ban_action' must be \"403\" or \"drop\"" },
	{ "flood = {\n  action = 404; #!\n};\n", "#!", "'action' must be a string" },
	{ "flood = {\n  ban_time = 0; #!\n};\n", "#!", "'ban_time' must be between 1 and" },
	{ "flood = {\n  ban_window = \"60\"; #!\n};\n", "#!", "'ban_window' must be an integer" },
	{ "flood = {\n  table_size = 10; #!\n};\n", "#!", "'table_size' must be between 64 and" },
	{ "flood = {\n  trusted = \"10.0.0.0/8\"; #!\n};\n", "#!", "'trusted' must be a list" },
	{ "flood = {\n  trusted = ( \"10.0.0.0/8\",\n  \"10.0.0.300\" ); #!\n};\n", "#!",
	  "'10.0.0.300' is not an address or network" },
	{ "flood = {\n  rates = 5; #!\n};\n", "#!", "unknown key 'rates' in 'flood'" },
	{ "limits = {\n  max_message_size = 100; #!\n};\n", "#!", "'max_message_size' must be between 1024" },
	{ "limits = {\n  max_calls_per_source = -2; #!\n};\n", "#!", "'max_calls_per_source' must be between 0" },
	{ "calls = {\n  max_duration = -1; #!\n};\n", "#!", "'max_duration' must be between 0" },
	{ "routes = ( { name = \"r\"; targets = \"sip:127.0.0.1\";\n  max_duration = \"1h\"; #!\n} );\n",
	  "#!", "'max_duration' must be an integer" },
};

START_TEST(bad_config_is_refused_with_line)
{
	const struct bad_case *b = &bad[_i];
	struct conf *c = NULL;
	struct conf_error err;
	char msg[600];

	ck_assert_int_eq(tu_load(b->text, &c, &err), -EINVAL);
	ck_assert_ptr_null(c);
	conf_error_format(&err, msg, sizeof(msg));
	ck_assert_msg(err.line == tu_line_of(b->text, b->marker), "case %d: line %d, want %d (%s)",
		      _i, err.line, tu_line_of(b->text, b->marker), msg);
	ck_assert_msg(strstr(err.msg, b->msg) != NULL, "case %d: \"%s\" lacks \"%s\"", _i, err.msg,
		      b->msg);
}
END_TEST

static Suite *guard_suite(void)
{
	Suite *s = suite_create("guard");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, burst_then_rate);
	tcase_add_test(tc, ban_after_violations_and_expiry);
	tcase_add_test(tc, drop_banned_at_the_door);
	tcase_add_test(tc, violations_outside_window_do_not_ban);
	tcase_add_test(tc, auth_failures_ban);
	tcase_add_test(tc, global_auth_failed_hook);
	tcase_add_test(tc, trusted_and_off);
	tcase_add_test(tc, table_is_bounded_and_evicts_oldest);
	tcase_add_test(tc, calls_per_source);
	tcase_add_test(tc, ipv6_source_is_its_64);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_test(tc, flood_config_defaults_and_values);
	tcase_add_loop_test(tc, bad_config_is_refused_with_line, 0, sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(guard_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
