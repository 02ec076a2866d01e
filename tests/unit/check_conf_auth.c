/* tests/unit/check_conf_auth.c: lib/conf/conf_auth.c. The auth section,
 * the listeners' and routes' auth/acl keys and trunk_auth: good files load
 * into the snapshot (passwords become HA1 of both algorithms, credentials
 * files are read), every mistake comes back with its file and line. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "sec/digest.h"
#include "testutil.h"

#define LISTEN "listen = ( { transport = \"udp\"; address = \"127.0.0.1\"; auth = \"required\"; } );\n"
#define ROUTE "routes = ( { name = \"r\"; targets = ( \"sip:127.0.0.1:5080\" ); } );\n"

/* The line (1-based) of the first line of text holding marker. */
static int line_of(const char *text, const char *marker)
{
	const char *m = strstr(text, marker);
	int line = 1;

	if (m == NULL)
		return -1;
	for (const char *p = text; p < m; p++)
		line += *p == '\n';
	return line;
}

static void expect_error(const char *text, const char *marker, const char *msg)
{
	struct conf *c = NULL;
	struct conf_error err;
	int r = tu_load(text, &c, &err);

	ck_assert_msg(r == -EINVAL, "loaded, want an error with \"%s\"", msg);
	ck_assert_msg(strstr(err.msg, msg) != NULL, "message \"%s\", want \"%s\"", err.msg, msg);
	if (marker)
		ck_assert_msg(err.line == line_of(text, marker), "line %d, want %d (%s)", err.line,
			      line_of(text, marker), err.msg);
}

static char cred_path[64];

static const char *cred_file(const char *text)
{
	snprintf(cred_path, sizeof(cred_path), "%s", tu_write_tmp(text));
	return cred_path;
}

START_TEST(defaults)
{
	struct conf *c;
	struct conf_error err;

	ck_assert_int_eq(tu_load(ROUTE, &c, &err), 0);
	ck_assert_int_eq(c->auth.challenge, 401);
	ck_assert_uint_eq(c->auth.n_algs, 2);
	ck_assert_int_eq(c->auth.algs[0], DIGEST_SHA256);
	ck_assert_int_eq(c->auth.algs[1], DIGEST_MD5);
	ck_assert_int_eq(c->auth.nonce_lifetime, 300);
	ck_assert_int_eq(c->auth.acl_action, CONF_ACL_REJECT);
	ck_assert_int_eq(c->auth.listen_auth[0], CONF_AUTH_UNSET);
	ck_assert(!c->auth.acl.set);
	conf_unref(c);
}
END_TEST

START_TEST(users_passwords_and_ha1)
{
	struct conf *c;
	struct conf_error err;
	char want[DIGEST_HEX_MAX];
	const char *text = LISTEN ROUTE
		"auth = {\n"
		"  users = ( { user = \"alice\"; password = \"secret\"; },\n"
		"            { user = \"bob\"; ha1 = \"0123456789ABCDEF0123456789abcdef\";\n"
		"              ha1_sha256 = \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"; } );\n"
		"  realm = \"sbc.example.net\";\n"	/* after the users: read first anyway */
		"  challenge = 407; nonce_lifetime = 30;\n"
		"  trusted = ( \"10.0.0.0/8\" ); acl = ( \"127.0.0.0/8\", \"::1\" ); acl_action = \"drop\";\n"
		"};\n";

	ck_assert_int_eq(tu_load(text, &c, &err), 0);
	ck_assert_int_eq(c->auth.listen_auth[0], CONF_AUTH_REQUIRED);
	ck_assert_str_eq(c->auth.realm, "sbc.example.net");
	ck_assert_int_eq(c->auth.challenge, 407);
	ck_assert_int_eq(c->auth.nonce_lifetime, 30);
	ck_assert_uint_eq(c->auth.n_users, 2);
	ck_assert_str_eq(c->auth.users[0].name, "alice");
	digest_ha1(DIGEST_MD5, "alice", "sbc.example.net", "secret", want);
	ck_assert_str_eq(c->auth.users[0].ha1[DIGEST_MD5], want);
	digest_ha1(DIGEST_SHA256, "alice", "sbc.example.net", "secret", want);
	ck_assert_str_eq(c->auth.users[0].ha1[DIGEST_SHA256], want);
	ck_assert_str_eq(c->auth.users[1].ha1[DIGEST_MD5], "0123456789abcdef0123456789abcdef");
	ck_assert_uint_eq(c->auth.n_trusted, 1);
	ck_assert_uint_eq(c->auth.acl.n, 2);
	ck_assert_int_eq(c->auth.acl_action, CONF_ACL_DROP);
	conf_unref(c);
}
END_TEST

START_TEST(credentials_file)
{
	struct conf *c;
	struct conf_error err;
	char text[1024];
	const char *path = cred_file(
		"# user:realm:HA1\n"
		"\n"
		"carol:sbc:00112233445566778899aabbccddeeff\n"
		"carol:sbc:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
		"dave:other-realm:00112233445566778899aabbccddeeff\n");

	snprintf(text, sizeof(text), LISTEN ROUTE
		 "auth = { realm = \"sbc\"; credentials_file = \"%s\"; };\n", path);
	ck_assert_int_eq(tu_load(text, &c, &err), 0);
	unlink(path);
	ck_assert_uint_eq(c->auth.n_users, 1);		/* dave is of another realm */
	ck_assert_str_eq(c->auth.users[0].name, "carol");
	ck_assert_str_eq(c->auth.users[0].ha1[DIGEST_MD5], "00112233445566778899aabbccddeeff");
	ck_assert_uint_eq(strlen(c->auth.users[0].ha1[DIGEST_SHA256]), 64);
	conf_unref(c);
}
END_TEST

START_TEST(credentials_file_errors)
{
	char text[1024];
	struct conf *c;
	struct conf_error err;
	const char *path;

	snprintf(text, sizeof(text), "auth = { realm = \"sbc\";\n"
		 "  credentials_file = \"/nonexistent/tandem-users\"; #!\n};\n");
	expect_error(text, "#!", "cannot read credentials file \"/nonexistent/tandem-users\"");

	/* a bad line: the error names the credentials file and its line */
	path = cred_file("carol:sbc:00112233445566778899aabbccddeeff\n"
			 "# comment\n"
			 "erin:sbc:not-hex\n");
	snprintf(text, sizeof(text), "auth = { realm = \"sbc\"; credentials_file = \"%s\"; };\n",
		 path);
	ck_assert_int_eq(tu_load(text, &c, &err), -EINVAL);
	ck_assert_str_eq(err.file, path);
	ck_assert_int_eq(err.line, 3);
	ck_assert_msg(strstr(err.msg, "user 'erin'") != NULL, "%s", err.msg);
	unlink(path);

	path = cred_file("no colons here\n");
	snprintf(text, sizeof(text), "auth = { realm = \"sbc\"; credentials_file = \"%s\"; };\n",
		 path);
	ck_assert_int_eq(tu_load(text, &c, &err), -EINVAL);
	ck_assert_int_eq(err.line, 1);
	ck_assert_msg(strstr(err.msg, "user:realm:HA1") != NULL, "%s", err.msg);
	unlink(path);
}
END_TEST

START_TEST(routes_and_listeners)
{
	struct conf *c;
	struct conf_error err;
	const char *text =
		"listen = ( { transport = \"udp\"; address = \"127.0.0.1\"; acl = ( \"127.0.0.0/8\" ); },\n"
		"           { transport = \"tcp\"; address = \"127.0.0.1\"; auth = \"off\"; } );\n"
		"auth = { realm = \"r\"; users = ( { user = \"a\"; password = \"p\"; } ); };\n"
		"routes = (\n"
		"  { name = \"pstn\"; auth = \"required\"; acl = ( \"192.0.2.0/24\" ); acl_action = \"drop\";\n"
		"    targets = ( \"sip:a.example.net\", \"sip:b.example.net\", \"sip:c.example.net\" );\n"
		"    trunk_auth = ( { target = \"sip:b.example.net\"; user = \"tb\"; password = \"pb\"; },\n"
		"                   { user = \"any\"; password = \"pa\"; realm = \"carrier\"; } ); }\n"
		");\n";

	ck_assert_int_eq(tu_load(text, &c, &err), 0);
	ck_assert(c->auth.listen_acl[0].set);
	ck_assert_uint_eq(c->auth.listen_acl[0].n, 1);
	ck_assert_int_eq(c->auth.listen_auth[1], CONF_AUTH_OFF);
	ck_assert_int_eq(c->routes[0].access.auth, CONF_AUTH_REQUIRED);
	ck_assert_int_eq(c->routes[0].access.acl_action, CONF_ACL_DROP);
	ck_assert_uint_eq(c->routes[0].access.n_trunk, 2);
	ck_assert_str_eq(c->routes[0].access.target_auth[0]->user, "any");
	ck_assert_str_eq(c->routes[0].access.target_auth[1]->user, "tb");
	ck_assert_str_eq(c->routes[0].access.target_auth[2]->realm, "carrier");
	conf_unref(c);
}
END_TEST

struct bad {
	const char *name, *text, *marker, *msg;
};

static const struct bad bad[] = {
	{ "unknown algorithm",
	  "auth = {\n  realm = \"r\";\n  algorithms = ( \"SHA-256\", \"SHA-512\" ); #!\n};\n", "#!",
	  "unknown digest algorithm \"SHA-512\"" },
	{ "algorithm twice", "auth = {\n  algorithms = ( \"MD5\", \"md5\" ); #!\n};\n", "#!",
	  "named twice" },
	{ "challenge", "auth = {\n  challenge = 403; #!\n};\n", "#!", "'challenge' must be 401 or 407" },
	{ "nonce lifetime", "auth = {\n  nonce_lifetime = 0; #!\n};\n", "#!",
	  "'nonce_lifetime' must be between 1 and 86400" },
	{ "unknown key", "auth = {\n  realm = \"r\";\n  nonce_expire = 5; #!\n};\n", "#!",
	  "unknown key 'nonce_expire' in 'auth'" },
	{ "users without realm", "auth = { #!\n  users = ( { user = \"a\"; password = \"p\"; } );\n};\n",
	  "#!", "needs a 'realm'" },
	{ "user without secret", "auth = {\n  realm = \"r\";\n  users = ( { user = \"a\"; } #!\n  );\n};\n",
	  "#!", "user 'a' needs 'password', 'ha1' or 'ha1_sha256'" },
	{ "bad ha1", "auth = {\n  realm = \"r\";\n  users = ( { user = \"a\"; ha1 = \"abc\"; } #!\n  );\n};\n",
	  "#!", "the MD5 HA1 of user 'a' must be 32 hex digits" },
	{ "user lacks offered alg",
	  "auth = { #!\n  realm = \"r\";\n  users = ( { user = \"a\"; ha1 = \"0123456789abcdef0123456789abcdef\"; } );\n};\n"
	  LISTEN ROUTE, "#!", "user 'a' has no SHA-256 HA1" },
	{ "required without users",
	  "listen = ( { transport = \"udp\"; address = \"127.0.0.1\";\n  auth = \"required\"; } ); #!\n" ROUTE,
	  "#!", "needs an auth section with a 'realm'" },
	{ "route auth value",
	  "routes = ( { name = \"r\"; targets = ( \"sip:x\" );\n  auth = \"yes\"; #!\n} );\n", "#!",
	  "'auth' must be \"required\" or \"off\", not \"yes\"" },
	{ "listener acl", "listen = ( { transport = \"udp\"; address = \"127.0.0.1\";\n"
	  "  acl = ( \"10.0.0.0/33\" ); #!\n} );\n", "#!", "holds \"10.0.0.0/33\", not an IPv4" },
	{ "acl_action", "auth = {\n  acl_action = \"ignore\"; #!\n};\n", "#!",
	  "'acl_action' must be \"reject\" or \"drop\"" },
	{ "trusted", "auth = {\n  trusted = 5; #!\n};\n", "#!", "'trusted' must be a list of networks" },
	{ "trunk_auth without password",
	  "routes = ( { name = \"r\"; targets = ( \"sip:x\" );\n  trunk_auth = ( { user = \"u\"; } #!\n  ); } );\n",
	  "#!", "trunk_auth needs 'user' and 'password'" },
	{ "trunk_auth colon",
	  "routes = ( { name = \"r\"; targets = ( \"sip:x\" );\n  trunk_auth = ( { user = \"u\";\n"
	  "    password = \"a:b\"; #!\n  } ); } );\n", "#!", "'password' of trunk_auth cannot hold ':'" },
	{ "trunk_auth unknown target",
	  "routes = ( { name = \"r\"; targets = ( \"sip:x\" );\n  trunk_auth = ( { target = \"sip:y\"; #!\n"
	  "    user = \"u\"; password = \"p\"; } ); } );\n", "#!",
	  "trunk_auth target \"sip:y\" is not a target of route \"r\"" },
};

START_TEST(bad_values)
{
	expect_error(bad[_i].text, bad[_i].marker, bad[_i].msg);
}
END_TEST

static Suite *conf_auth_suite(void)
{
	Suite *s = suite_create("conf_auth");
	TCase *tc = tcase_create("good");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, users_passwords_and_ha1);
	tcase_add_test(tc, credentials_file);
	tcase_add_test(tc, routes_and_listeners);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad");
	tcase_add_test(tc, credentials_file_errors);
	tcase_add_loop_test(tc, bad_values, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_auth_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
