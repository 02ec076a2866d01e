/* daemon/tandemctl.c: the command-line client of tandemd's control socket.
 * Sends one request line (JSON, built with jansson), reads one answer line,
 * prints it as a table for people or as it came with --json. Exit status:
 * 0 ok, 1 the daemon said no, 2 usage, 3 the daemon cannot be reached. */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define RUN_DIR "/run/tandem"
#define DEFAULT_SOCKET RUN_DIR "/tandemd.sock"
#define MAX_ANSWER (16 * 1024 * 1024)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tandemctl [-s SOCKET | -i NAME] [--json] COMMAND [ARGS]\n\n"
		"Commands:\n"
		"  status                      version, uptime, calls, calls per second\n"
		"  calls                       one line per call\n"
		"  call ID                     everything about one call\n"
		"  hangup ID                   end a call (both legs)\n"
		"  reload                      re-read the config file (as SIGHUP) and say how it went\n"
		"  route --from U --to U [--source IP] [--header 'Name: value'] [--domain D]\n"
		"                              which route and targets a call would take\n"
		"  log-level LEVEL             error, warning, notice, info or debug\n"
		"  drain | undrain             stop / resume taking new calls\n"
		"  bans                        the sources banned by flood protection\n"
		"  unban ADDR                  lift the ban of an address\n"
		"  events [-n N] [TYPE...]     follow the live events (call.created, call.state,\n"
		"                              call.answered, call.ended, ...) until interrupted,\n"
		"                              or N events; --json prints them as JSON lines\n\n"
		"Options:\n"
		"  -s, --socket PATH   control socket (default $TANDEM_SOCKET or " DEFAULT_SOCKET ")\n"
		"  -i, --instance NAME the instance tandemd@NAME: " RUN_DIR "/NAME.sock\n"
		"  -j, --json          print the daemon's JSON answer as it is\n"
		"  -h, --help          this text\n");
}

/* Connect and send one request line; the socket, or -1 (reported). */
static int send_request(const char *path, json_t *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *line;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "tandemctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		fprintf(stderr, "tandemctl: cannot reach tandemd at %s: %s%s\n", path, strerror(e),
			e == ENOENT || e == ECONNREFUSED ? " (is tandemd running?)" :
			e == EACCES ? " (run as root or as the tandem user)" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	line = json_dumps(req, JSON_COMPACT);
	if (line == NULL || dprintf(fd, "%s\n", line) < 0) {
		fprintf(stderr, "tandemctl: cannot send the request\n");
		free(line);
		close(fd);
		return -1;
	}
	free(line);
	return fd;
}

static int talk(const char *path, json_t *req, json_t **ret)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	json_error_t je;
	int fd = send_request(path, req);

	if (fd < 0)
		return 3;
	for (;;) {
		ssize_t n;
		if (len + 4096 > cap) {
			char *g;
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_ANSWER || (g = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "tandemctl: answer too long\n");
				free(buf);
				close(fd);
				return 3;
			}
			buf = g;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(buf + len - n, '\n', (size_t)n))
			break;
	}
	close(fd);
	if (len == 0) {
		fprintf(stderr, "tandemctl: tandemd closed the connection without an answer\n");
		free(buf);
		return 3;
	}
	buf[len] = '\0';
	*ret = json_loads(buf, JSON_DISABLE_EOF_CHECK, &je);
	free(buf);
	if (*ret == NULL) {
		fprintf(stderr, "tandemctl: bad answer from tandemd: %s\n", je.text);
		return 3;
	}
	return 0;
}

static const char *s_or(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : dflt;
}

static long long i_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void print_ops(json_t *o)
{
	json_t *rec = json_object_get(o, "records"), *wh = json_object_get(o, "webhooks");
	json_t *ev = json_object_get(o, "events");

	if (o == NULL)
		return;
	if (json_object_get(rec, "file") && !json_is_null(json_object_get(rec, "file")))
		printf("records   %s: %lld written, %lld failed, %lld dropped\n",
		       s_or(rec, "file", "?"), i_of(rec, "written"), i_of(rec, "failed"),
		       i_of(rec, "dropped"));
	if (i_of(wh, "attempts") || i_of(wh, "dropped"))
		printf("webhooks  %lld delivered, %lld failed, %lld dropped (queue full)\n",
		       i_of(wh, "delivered"), i_of(wh, "failed"), i_of(wh, "dropped"));
	if (json_is_string(json_object_get(o, "http")))
		printf("http      %s port %lld\n", s_or(o, "http", "?"), i_of(o, "http_port"));
	printf("events    %lld subscribers, %lld dropped for being slow\n", i_of(ev, "subscribers"),
	       i_of(ev, "dropped"));
}

static void print_status(json_t *a)
{
	json_t *c = json_object_get(a, "calls"), *r = json_object_get(a, "reloads");
	time_t loaded = (time_t)i_of(a, "config_loaded");
	char when[64];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&loaded));
	printf("tandemd %s, up %llds%s\n", s_or(a, "version", "?"), i_of(a, "uptime"),
	       json_is_true(json_object_get(a, "draining")) ? ", DRAINING (new calls get 503)" : "");
	printf("config    %s (loaded %s; reloads ok %lld, failed %lld)\n", s_or(a, "config", "?"),
	       when, i_of(r, "ok"), i_of(r, "failed"));
	printf("calls     %lld active, %lld total, %lld answered, %lld failed, %.1f calls/s\n",
	       i_of(c, "active"), i_of(c, "total"), i_of(c, "answered"), i_of(c, "failed"),
	       json_real_value(json_object_get(c, "cps")));
	print_ops(json_object_get(a, "ops"));
}

static void print_call_row(json_t *c)
{
	printf("%-6lld %-10s %-16.16s %-16.16s %-12.12s %6lld %-6.6s %-4s %s / %s\n", i_of(c, "id"),
	       s_or(c, "state", "-"), s_or(c, "from", "-"), s_or(c, "to", "-"),
	       s_or(c, "route", "-"), i_of(c, "age"), s_or(c, "codec", "-"),
	       json_is_true(json_object_get(c, "srtp")) ? "yes" : "no",
	       s_or(c, "a_call_id", "-"), s_or(c, "b_call_id", "-"));
}

static void print_calls(json_t *a)
{
	json_t *arr = json_object_get(a, "calls"), *c;
	size_t i;

	printf("%-6s %-10s %-16s %-16s %-12s %6s %-6s %-4s %s\n", "ID", "STATE", "FROM", "TO",
	       "ROUTE", "AGE", "CODEC", "SRTP", "CALL-ID A / B");
	json_array_foreach(arr, i, c)
		print_call_row(c);
	printf("%zu calls\n", json_array_size(arr));
}

static void print_call(json_t *a)
{
	json_t *c = json_object_get(a, "call");
	const char *key;
	json_t *v;

	json_object_foreach(c, key, v) {
		char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		printf("%-12s %s\n", key, s ? s : json_string_value(v));
		free(s);
	}
}

/* the answer's Unix times, as local time */
static const char *hhmmss(json_int_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
	return buf;
}

static void print_bans(json_t *a)
{
	json_t *arr = json_object_get(a, "bans"), *b;
	char since[32], expires[32];
	size_t i;

	printf("%-39s %-6s %6s %-19s %-19s %6s\n", "ADDRESS", "REASON", "COUNT", "SINCE", "EXPIRES",
	       "HITS");
	json_array_foreach(arr, i, b)
		printf("%-39s %-6s %6lld %-19s %-19s %6lld\n", s_or(b, "address", "?"),
		       s_or(b, "reason", "?"), i_of(b, "count"),
		       hhmmss(i_of(b, "since"), since, sizeof(since)),
		       hhmmss(i_of(b, "expires"), expires, sizeof(expires)), i_of(b, "hits"));
	printf("%zu bans\n", json_array_size(arr));
}

static void print_route(json_t *a)
{
	json_t *t = json_object_get(a, "targets"), *v;
	size_t i;

	if (json_object_get(a, "reject")) {
		printf("route %s: reject %lld\n", s_or(a, "route", "(none)"), i_of(a, "reject"));
		return;
	}
	printf("route %s: user %s\n", s_or(a, "route", "?"), s_or(a, "user", ""));
	json_array_foreach(t, i, v)
		printf("  target %zu: %s\n", i + 1, json_string_value(v));
}

/* One event for people: time, type, call id, then the other fields. */
static void print_event(json_t *ev)
{
	double t = json_number_value(json_object_get(ev, "time"));
	time_t sec = (time_t)t;
	char when[32];
	const char *key;
	json_t *v;

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&sec));
	printf("%s.%03d %-14s call %-6lld", when, (int)((t - (double)sec) * 1000),
	       s_or(ev, "event", "?"), i_of(ev, "call"));
	json_object_foreach(ev, key, v) {
		char *s;
		if (!strcmp(key, "event") || !strcmp(key, "time") || !strcmp(key, "call"))
			continue;
		s = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		printf(" %s=%s", key, s ? s : json_string_value(v));
		free(s);
	}
	putchar('\n');
}

/* tandemctl events [-n N] [TYPE...]: subscribe, then print each event line. */
static int follow_events(const char *path, int argc, char **argv, bool json_out)
{
	json_t *req = json_pack("{s:s,s:[]}", "cmd", "events", "events");
	long max = -1, seen = 0;
	bool answered = false;
	char buf[65536];
	size_t len = 0;
	FILE *in;
	int fd;

	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "--count") == 0) && i + 1 < argc) {
			max = strtol(argv[++i], NULL, 10);
			continue;
		}
		json_array_append_new(json_object_get(req, "events"), json_string(argv[i]));
	}
	fd = send_request(path, req);
	json_decref(req);
	if (fd < 0)
		return 3;
	in = fdopen(fd, "r");
	if (in == NULL) {
		close(fd);
		return 3;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (max != 0 && fgets(buf, sizeof(buf), in)) {
		json_t *ev;
		len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		ev = json_loads(buf, 0, NULL);
		if (!answered) {	/* the answer to the subscription */
			answered = true;
			if (!json_is_true(json_object_get(ev, "ok"))) {
				fprintf(stderr, "tandemctl: %s\n", s_or(ev, "error", "events refused"));
				json_decref(ev);
				fclose(in);
				return 1;
			}
			json_decref(ev);
			continue;
		}
		if (json_out || ev == NULL)
			printf("%s\n", buf);
		else
			print_event(ev);
		json_decref(ev);
		if (max > 0 && ++seen >= max)
			break;
	}
	fclose(in);
	if (!answered) {
		fprintf(stderr, "tandemctl: tandemd closed the connection without an answer\n");
		return 3;
	}
	return 0;
}

static int build_route(int argc, char **argv, json_t *req)
{
	static const struct option o[] = {
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
		{ "source", required_argument, NULL, 's' }, { "header", required_argument, NULL, 'H' },
		{ "domain", required_argument, NULL, 'd' }, { NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:t:s:H:d:", o, NULL)) != -1) {
		const char *key = c == 'f' ? "from" : c == 't' ? "to" : c == 's' ? "source" :
				  c == 'H' ? "header" : c == 'd' ? "domain" : NULL;
		if (key == NULL)
			return -1;
		json_object_set_new(req, key, json_string(optarg));
	}
	return optind == argc && json_object_get(req, "to") ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "instance", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *sock = getenv("TANDEM_SOCKET");
	const char *cmd;
	char inst[108];
	bool json_out = false;
	json_t *req, *ans = NULL;
	int o, r;

	if (sock == NULL || *sock == '\0')
		sock = DEFAULT_SOCKET;
	while ((o = getopt_long(argc, argv, "+s:i:jh", opts, NULL)) != -1) {
		switch (o) {
		case 's': sock = optarg; break;
		case 'i':	/* tandemd@NAME.service's socket (packaging/systemd) */
			if (*optarg == '\0' || strchr(optarg, '/') ||
			    (size_t)snprintf(inst, sizeof(inst), RUN_DIR "/%s.sock", optarg) >= sizeof(inst)) {
				fprintf(stderr, "tandemctl: bad instance name: %s\n", optarg);
				return 2;
			}
			sock = inst;
			break;
		case 'j': json_out = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "events") == 0)
		return follow_events(sock, argc - optind, argv + optind, json_out);
	req = json_pack("{s:s}", "cmd", cmd);
	if (strcmp(cmd, "route") == 0) {
		if (build_route(argc - optind, argv + optind, req) < 0) {
			fprintf(stderr, "usage: tandemctl route --from U --to U [--source IP] "
				"[--header 'Name: value'] [--domain D]\n");
			json_decref(req);
			return 2;
		}
	} else if (strcmp(cmd, "call") == 0 || strcmp(cmd, "hangup") == 0 ||
		   strcmp(cmd, "log-level") == 0 || strcmp(cmd, "unban") == 0) {
		const char *what = cmd[0] == 'l' ? "level" : cmd[0] == 'u' ? "address" : "id";
		if (optind + 2 != argc) {
			fprintf(stderr, "usage: tandemctl %s %s\n", cmd,
				cmd[0] == 'l' ? "LEVEL" : cmd[0] == 'u' ? "ADDR" : "ID");
			json_decref(req);
			return 2;
		}
		json_object_set_new(req, what, json_string(argv[optind + 1]));
	} else if (optind + 1 != argc) {
		fprintf(stderr, "tandemctl: %s takes no arguments\n", cmd);
		json_decref(req);
		return 2;
	}
	r = talk(sock, req, &ans);
	json_decref(req);
	if (r)
		return r;
	if (!json_is_true(json_object_get(ans, "ok"))) {
		if (json_out)
			json_dumpf(ans, stdout, JSON_COMPACT), putchar('\n');
		fprintf(stderr, "tandemctl: %s\n", s_or(ans, "error", "failed"));
		json_decref(ans);
		return 1;
	}
	if (json_out) {
		json_dumpf(ans, stdout, JSON_COMPACT);
		putchar('\n');
	} else if (strcmp(cmd, "status") == 0) {
		print_status(ans);
	} else if (strcmp(cmd, "calls") == 0) {
		print_calls(ans);
	} else if (strcmp(cmd, "call") == 0) {
		print_call(ans);
	} else if (strcmp(cmd, "route") == 0) {
		print_route(ans);
	} else if (strcmp(cmd, "bans") == 0) {
		print_bans(ans);
	} else if (strcmp(cmd, "reload") == 0) {
		printf("reloaded %s: %lld routes\n", s_or(ans, "config", "?"), i_of(ans, "routes"));
	} else {
		printf("ok\n");
	}
	json_decref(ans);
	return 0;
}
