/* daemon/tandemctl.c: the command-line client of tandemd's control socket.
 * Sends one request line (JSON, built with jansson), reads one answer line,
 * prints it as a table for people or as it came with --json. Options may
 * come anywhere on the line (as with git or systemctl). Every wait for the
 * daemon is bounded by --timeout. Exit status: 0 ok, 1 the daemon said no,
 * 2 usage, 3 the daemon cannot be reached or does not answer in time. */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ops/bus.h"
#include "tandemctl.h"

#define RUN_DIR "/run/tandem"
#define DEFAULT_SOCKET RUN_DIR "/tandemd.sock"
#define DEFAULT_TIMEOUT 5.0		/* seconds to wait for an answer */
#define MAX_TIMEOUT 86400.0
#define MAX_ANSWER (16 * 1024 * 1024)

/* The event types tandemd publishes (lib/ops/bus.h), and "*" for all. */
static const char *const event_types[] = {
	BUS_EV_CALL_CREATED, BUS_EV_CALL_STATE, BUS_EV_CALL_ANSWERED, BUS_EV_CALL_ENDED,
	BUS_EV_MEDIA_STARTED, BUS_EV_MEDIA_STOPPED, BUS_EV_MEDIA_QUALITY, BUS_EV_TRANSFER,
	BUS_EV_CALL_DTMF, BUS_EV_TARGET_DOWN, BUS_EV_TARGET_UP, BUS_EV_BRIDGE_JOIN,
	BUS_EV_BRIDGE_LEAVE, BUS_EV_REG_ADD, BUS_EV_REG_REFRESH, BUS_EV_REG_REMOVE, "*", NULL,
};

/* Where and how long to talk to tandemd. */
struct conn {
	const char *path;
	double timeout;			/* seconds; 0: wait for ever */
	double deadline;		/* CLOCK_MONOTONIC seconds, once connecting */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tandemctl [OPTIONS] COMMAND [ARGS]   (options may also follow the command)\n\n"
		"Commands:\n"
		"  status                      version, uptime, calls, calls per second\n"
		"  calls                       one line per call\n"
		"  call ID                     everything about one call (ID: its number or UUID)\n"
		"  hangup ID                   end a call (both legs)\n"
		"  join ID ID                  both calls' parties in one conference bridge\n"
		"  reload                      re-read the config file (as SIGHUP) and say how it went\n"
		"  route --from U --to U [--source IP] [--header 'Name: value'] [--domain D]\n"
		"                              which route and targets a call would take\n"
		"  log-level LEVEL             error, warning, notice, info or debug\n"
		"  drain | undrain             stop / resume taking new calls\n"
		"  bans                        the sources banned by flood protection\n"
		"  unban ADDR                  lift the ban of an address\n"
		"  targets                     the health of the probed targets (routes' probe)\n"
		"  registrations               the phones registered through tandemd (register =\n"
		"                              \"relay\"): AOR, where they are, expiries\n"
		"  events [-n N] [TYPE...]     follow the live events (call.created, call.state,\n"
		"                              call.answered, call.ended, ...) until interrupted,\n"
		"                              or N events; --json prints them as JSON lines\n\n"
		"Options:\n"
		"  -s, --socket PATH     control socket (default $TANDEM_SOCKET or " DEFAULT_SOCKET ")\n"
		"  -i, --instance NAME   the instance tandemd@NAME: " RUN_DIR "/NAME.sock\n"
		"  -j, --json            print the daemon's JSON answer as it is\n"
		"  -T, --timeout SECS    give up when tandemd has not answered after SECS seconds\n"
		"                        (default 5; 0 waits for ever)\n"
		"  -V, --version         tandemctl's version\n"
		"  -h, --help            this text\n");
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "after 5 s", "after 0.5 s" */
static void say_not_answering(const struct conn *cn)
{
	fprintf(stderr, "tandemctl: tandemd is not answering on %s after %g s\n", cn->path,
		cn->timeout);
}

/* Connect and send one request line; the socket, or -1 (reported). The
 * connect and the send are bounded by the timeout (SO_SNDTIMEO: a daemon that
 * never accepts fills its backlog, and connect then waits). */
static int send_request(struct conn *cn, json_t *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *line;
	int fd;

	if (strlen(cn->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "tandemctl: socket path too long: %s\n", cn->path);
		return -1;
	}
	strcpy(sa.sun_path, cn->path);
	cn->deadline = mono_now() + cn->timeout;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && cn->timeout > 0) {
		struct timeval tv = { .tv_sec = (time_t)cn->timeout };

		tv.tv_usec = (suseconds_t)((cn->timeout - (double)tv.tv_sec) * 1e6);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (e == EAGAIN || e == ETIMEDOUT) {
			say_not_answering(cn);
			return -1;
		}
		fprintf(stderr, "tandemctl: cannot reach tandemd at %s: %s%s\n", cn->path,
			strerror(e), e == ENOENT || e == ECONNREFUSED ? " (is tandemd running?)" :
			e == EACCES ? " (run as root or as the tandem user)" : "");
		return -1;
	}
	line = json_dumps(req, JSON_COMPACT);
	if (line == NULL || dprintf(fd, "%s\n", line) < 0) {
		if (errno == EAGAIN)
			say_not_answering(cn);
		else
			fprintf(stderr, "tandemctl: cannot send the request\n");
		free(line);
		close(fd);
		return -1;
	}
	free(line);
	return fd;
}

/* Wait until fd is readable or the deadline passes: 1 readable, 0 too late. */
static int wait_readable(const struct conn *cn, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		int ms = -1, n;

		if (cn->timeout > 0) {
			double left = cn->deadline - mono_now();
			if (left <= 0)
				return 0;
			ms = (int)(left * 1000) + 1;
		}
		n = poll(&p, 1, ms);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return 1;	/* let read() say what is wrong */
	}
}

/* Read up to the first '\n' into a fresh buffer (NUL-ended, without the
 * '\n'). With exact, one byte at a time, so that nothing after the line is
 * taken from the socket (the events that follow a subscription's answer).
 * 0, or 3 (reported). */
static int read_line(const struct conn *cn, int fd, bool exact, char **ret_line)
{
	char *buf = NULL, *nl;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;
		if (len + 1 >= cap) {
			char *g;
			cap = cap ? cap * 2 : 4096;
			if (cap > MAX_ANSWER || (g = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "tandemctl: answer too long\n");
				free(buf);
				return 3;
			}
			buf = g;
		}
		if (!wait_readable(cn, fd)) {
			say_not_answering(cn);
			free(buf);
			return 3;
		}
		n = read(fd, buf + len, exact ? 1 : cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		nl = memchr(buf + len, '\n', (size_t)n);
		if (nl) {
			len = (size_t)(nl - buf);
			break;
		}
		len += (size_t)n;
	}
	if (len == 0) {
		fprintf(stderr, "tandemctl: tandemd closed the connection without an answer\n");
		free(buf);
		return 3;
	}
	buf[len] = '\0';
	*ret_line = buf;
	return 0;
}

static int talk(struct conn *cn, json_t *req, json_t **ret)
{
	json_error_t je;
	char *line = NULL;
	int fd = send_request(cn, req), r;

	if (fd < 0)
		return 3;
	r = read_line(cn, fd, false, &line);
	close(fd);
	if (r)
		return r;
	*ret = json_loads(line, 0, &je);
	free(line);
	if (*ret == NULL) {
		fprintf(stderr, "tandemctl: bad answer from tandemd: %s\n", je.text);
		return 3;
	}
	return 0;
}

/* What the command line asked for. */
struct cmdline {
	struct conn cn;
	bool json_out;
	long count;			/* events -n N; -1: until interrupted */
	json_t *route;			/* route's --from, --to ... fields */
	const char *route_opt;		/* the first of them given, for errors */
	char bad[160];			/* the first bad option, reported with the command */
	char inst[108];			/* -i NAME: RUN_DIR/NAME.sock (sun_path's size) */
	char **args;			/* the command and its operands */
	int nargs;
};

static void known_events(FILE *f)
{
	for (int i = 0; event_types[i]; i++)
		fprintf(f, "%s%s", i ? ", " : "", event_types[i]);
	fprintf(f, " (all)\n");
}

static bool event_known(const char *t)
{
	for (int i = 0; event_types[i]; i++)
		if (strcmp(t, event_types[i]) == 0)
			return true;
	return false;
}

/* tandemctl events [-n N] [TYPE...]: subscribe, then print each event line.
 * The subscription's answer is bounded by the timeout; the events are not. */
static int follow_events(struct cmdline *cl)
{
	json_t *req, *ev;
	long seen = 0;
	char buf[65536], *line = NULL;
	FILE *in;
	int fd, r;

	for (int i = 1; i < cl->nargs; i++) {
		if (!event_known(cl->args[i])) {
			fprintf(stderr, "tandemctl: unknown event type \"%s\"; known: ", cl->args[i]);
			known_events(stderr);
			return 2;
		}
	}
	req = json_pack("{s:s,s:[]}", "cmd", "events", "events");
	for (int i = 1; i < cl->nargs; i++)
		json_array_append_new(json_object_get(req, "events"), json_string(cl->args[i]));
	fd = send_request(&cl->cn, req);
	json_decref(req);
	if (fd < 0)
		return 3;
	r = read_line(&cl->cn, fd, true, &line);
	if (r) {
		close(fd);
		return r;
	}
	ev = json_loads(line, 0, NULL);
	free(line);
	if (!json_is_true(json_object_get(ev, "ok"))) {
		fprintf(stderr, "tandemctl: %s\n", s_or(ev, "error", "events refused"));
		json_decref(ev);
		close(fd);
		return ev ? 1 : 3;
	}
	json_decref(ev);
	in = fdopen(fd, "r");
	if (in == NULL) {
		close(fd);
		return 3;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (cl->count != 0 && fgets(buf, sizeof(buf), in)) {
		size_t len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		ev = json_loads(buf, 0, NULL);
		if (cl->json_out || ev == NULL)
			printf("%s\n", buf);
		else
			print_event(ev);
		json_decref(ev);
		if (cl->count > 0 && ++seen >= cl->count)
			break;
	}
	fclose(in);
	return 0;
}

enum { OPT_SOURCE = 256 };

/* -T SECONDS: 0 (no limit) up to a day, decimals allowed */
static int parse_timeout(const char *s, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= MAX_TIMEOUT))
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Options anywhere: getopt_long in "-" mode hands back the operands in order
 * (whatever POSIXLY_CORRECT says), so they are collected here. Returns -1 to
 * go on, or an exit status (help, version, a bad value). */
static int parse_args(int argc, char **argv, struct cmdline *cl)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "instance", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 'T' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { "count", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "header", required_argument, NULL, 'H' }, { "domain", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	cl->args = calloc((size_t)argc + 1, sizeof(*cl->args));
	if (cl->args == NULL)
		return 3;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "-:s:i:jT:hVn:f:t:H:d:", opts, NULL)) != -1) {
		const char *key = NULL;
		char *end;

		switch (o) {
		case 1: cl->args[cl->nargs++] = optarg; break;
		case 's': cl->cn.path = optarg; break;
		case 'i':	/* tandemd@NAME.service's socket (packaging/systemd) */
			if (*optarg == '\0' || strchr(optarg, '/') ||
			    (size_t)snprintf(cl->inst, sizeof(cl->inst), RUN_DIR "/%s.sock",
					     optarg) >= sizeof(cl->inst)) {
				fprintf(stderr, "tandemctl: bad instance name: %s\n", optarg);
				return 2;
			}
			cl->cn.path = cl->inst;
			break;
		case 'j': cl->json_out = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("tandemctl %s\n", TANDEM_VERSION); return 0;
		case 'T':
			if (parse_timeout(optarg, &cl->cn.timeout) < 0) {
				fprintf(stderr, "tandemctl: bad timeout \"%s\": seconds from 0 (no "
					"limit) to %.0f\n", optarg, MAX_TIMEOUT);
				return 2;
			}
			break;
		case 'n':
			cl->count = strtol(optarg, &end, 10);
			if (end == optarg || *end || cl->count < 1) {
				fprintf(stderr, "tandemctl: bad count \"%s\": a number from 1\n",
					optarg);
				return 2;
			}
			break;
		case 'f': key = "from"; break;
		case 't': key = "to"; break;
		case OPT_SOURCE: key = "source"; break;
		case 'H': key = "header"; break;
		case 'd': key = "domain"; break;
		case ':':
			if (cl->bad[0])
				break;
			if (optopt && strncmp(argv[optind - 1], "--", 2))
				snprintf(cl->bad, sizeof(cl->bad), "option -%c needs a value", optopt);
			else
				snprintf(cl->bad, sizeof(cl->bad), "option %s needs a value",
					 argv[optind - 1]);
			break;
		default:
			if (!cl->bad[0]) {
				if (optopt)
					snprintf(cl->bad, sizeof(cl->bad), "unknown option -%c", optopt);
				else
					snprintf(cl->bad, sizeof(cl->bad), "unknown option %s",
						 argv[optind - 1]);
			}
			break;
		}
		if (key) {
			if (cl->route_opt == NULL)
				cl->route_opt = key;
			json_object_set_new(cl->route, key, json_string(optarg));
		}
	}
	while (optind < argc)		/* after "--" */
		cl->args[cl->nargs++] = argv[optind++];
	return -1;
}

/* The command's operands and options are the ones it takes: 0, or exits 2. */
static int check_usage(struct cmdline *cl)
{
	const char *cmd = cl->args[0];
	bool one = !strcmp(cmd, "call") || !strcmp(cmd, "hangup") || !strcmp(cmd, "log-level") ||
		   !strcmp(cmd, "unban");

	if (cl->bad[0]) {
		fprintf(stderr, "tandemctl: %s\n", cl->bad);
		if (strcmp(cmd, "events") == 0) {
			fprintf(stderr, "usage: tandemctl events [-n N] [TYPE...], TYPE one of: ");
			known_events(stderr);
		} else {
			fprintf(stderr, "Try 'tandemctl --help'.\n");
		}
		return 2;
	}
	if (cl->route_opt && strcmp(cmd, "route")) {
		fprintf(stderr, "tandemctl: --%s is an option of route, not of %s\n", cl->route_opt,
			cmd);
		return 2;
	}
	if (cl->count >= 0 && strcmp(cmd, "events")) {
		fprintf(stderr, "tandemctl: -n is an option of events, not of %s\n", cmd);
		return 2;
	}
	if (strcmp(cmd, "route") == 0) {
		if (cl->nargs == 1 && json_object_get(cl->route, "to"))
			return 0;
		fprintf(stderr, "usage: tandemctl route --from U --to U [--source IP] "
			"[--header 'Name: value'] [--domain D]\n");
		return 2;
	}
	if (strcmp(cmd, "join") == 0) {
		if (cl->nargs == 3)
			return 0;
		fprintf(stderr, "usage: tandemctl join ID ID\n");
		return 2;
	}
	if (one && cl->nargs != 2) {
		fprintf(stderr, "usage: tandemctl %s %s\n", cmd,
			cmd[0] == 'l' ? "LEVEL" : cmd[0] == 'u' ? "ADDR" : "ID");
		return 2;
	}
	if (!one && strcmp(cmd, "events") && cl->nargs != 1) {
		fprintf(stderr, "tandemctl: %s takes no arguments\n", cmd);
		return 2;
	}
	return 0;
}

static int run(struct cmdline *cl)
{
	const char *cmd = cl->args[0];
	json_t *req, *ans = NULL;
	int r;

	if (strcmp(cmd, "events") == 0)
		return follow_events(cl);
	req = strcmp(cmd, "route") == 0 ? json_deep_copy(cl->route) : json_object();
	json_object_set_new(req, "cmd", json_string(cmd));
	if (cl->nargs == 3 && strcmp(cmd, "join") == 0) {
		json_object_set_new(req, "id", json_string(cl->args[1]));
		json_object_set_new(req, "with", json_string(cl->args[2]));
	} else if (cl->nargs == 2) {
		const char *what = cmd[0] == 'l' ? "level" : cmd[0] == 'u' ? "address" : "id";
		json_object_set_new(req, what, json_string(cl->args[1]));
	}
	r = talk(&cl->cn, req, &ans);
	json_decref(req);
	if (r)
		return r;
	if (!json_is_true(json_object_get(ans, "ok"))) {
		if (cl->json_out)
			json_dumpf(ans, stdout, JSON_COMPACT), putchar('\n');
		fprintf(stderr, "tandemctl: %s\n", s_or(ans, "error", "failed"));
		json_decref(ans);
		return 1;
	}
	if (cl->json_out) {
		json_dumpf(ans, stdout, JSON_COMPACT);
		putchar('\n');
	} else {
		print_answer(cmd, ans);
	}
	json_decref(ans);
	return 0;
}

int main(int argc, char **argv)
{
	struct cmdline cl = {
		.cn = { .path = getenv("TANDEM_SOCKET"), .timeout = DEFAULT_TIMEOUT },
		.count = -1,
		.route = json_object(),
	};
	int r;

	if (cl.cn.path == NULL || *cl.cn.path == '\0')
		cl.cn.path = DEFAULT_SOCKET;
	r = parse_args(argc, argv, &cl);
	if (r >= 0)		/* --help, --version, a bad value */
		goto out;
	if (cl.nargs == 0) {
		if (cl.bad[0])
			fprintf(stderr, "tandemctl: %s\n", cl.bad);
		usage(stderr);
		r = 2;
		goto out;
	}
	r = check_usage(&cl);
	if (r == 0)
		r = run(&cl);
out:
	json_decref(cl.route);
	free(cl.args);
	return r;
}
