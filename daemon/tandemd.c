/* daemon/tandemd.c: main(). Parses the arguments, loads the config (or only
 * checks it with -t), builds the sofia root in this thread, the SIP front
 * end and the control socket, and runs the loop. Signals arrive through a
 * signalfd registered in the loop, so SIGHUP and SIGTERM are handled on the
 * sofia thread like every other event. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#define SU_ROOT_MAGIC_T void
#define SU_WAKEUP_ARG_T void
#include <sofia-sip/su_wait.h>

#include "tandemd.h"
#include "ops/ctl.h"
#include "ops/log.h"
#include "util/tid.h"
#include "util/ttimer.h"

#define DEFAULT_CONF "/etc/tandem/tandemd.conf"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tandemd [-c FILE] [-t] [-v] [-S SOCKET]\n"
		"SIP back-to-back user agent.\n\n"
		"  -c, --config FILE   config file (default " DEFAULT_CONF ")\n"
		"  -t, --test          check the config file and exit (0 = valid)\n"
		"  -v, --verbose       log at debug level, whatever the config says\n"
		"  -S, --socket PATH   control socket (overrides control.socket)\n"
		"  -V, --version       print the version\n"
		"  -h, --help          this text\n");
}

static int on_signal(void *magic, su_wait_t *w, void *arg)
{
	struct tandemd *d = arg;
	struct signalfd_siginfo si;
	char err[512];
	(void)magic;

	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			log_notice("SIGHUP: reloading %s", d->conf_path);
			svc_reload(d, err, sizeof(err));
			break;
		case SIGUSR1:	/* ops: logrotate */
			ops_reopen(d);
			break;
		case SIGTERM:
		case SIGINT:
			log_notice("%s: stopping", si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			if (d->stopping && si.ssi_signo == SIGINT) {
				log_warning("second SIGINT: hanging up at once");
				d->drain_deadline = 0;
			}
			svc_stop(d);
			break;
		default:
			break;
		}
	}
	return 0;
}

static int setup_signals(struct tandemd *d, int *ret_fd, int *ret_reg)
{
	sigset_t set;
	su_wait_t w[1];
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (su_wait_create(w, fd, SU_WAIT_IN) < 0 ||
	    (*ret_reg = su_root_register(d->root, w, on_signal, d, 0)) <= 0) {
		close(fd);
		return -EIO;
	}
	*ret_fd = fd;
	return 0;
}

static void on_media_timeout(void *arg, uint64_t cookie)
{
	struct tandemd *d = arg;

	if (d->sip)
		media_on_timeout(tsip_core(d->sip), cookie);
}

static void on_media_dtmf(void *arg, uint64_t cookie, int side, unsigned event,
			  unsigned duration_ms)
{
	struct tandemd *d = arg;

	if (d->sip)
		media_on_dtmf(tsip_core(d->sip), cookie, side, event, duration_ms);
}

static int start_relay(struct tandemd *d)
{
	struct relay_opts o = {
		.bind_addr = d->conf->media_address,
		.bind_addr6 = d->conf->media_address6,
		.port_min = d->conf->media_port_min, .port_max = d->conf->media_port_max,
		.workers = (unsigned)d->conf->media_workers,
		.latch = d->conf->media_latch ? RELAY_LATCH_STRICT : RELAY_LATCH_FIRST,
		.no_uring = !d->conf->media_io_uring,
	};
	int r = relay_new(&o, d->root, on_media_timeout, d, &d->relay);
	const char *a6 = o.bind_addr6 ? o.bind_addr6 : "";

	if (r == 0)
		relay_set_dtmf_handler(d->relay, on_media_dtmf);
	if (r < 0)
		log_error("cannot start the media relay on %s%s%s: %s", o.bind_addr, *a6 ? " and " : "",
			  a6, strerror(-r));
	else
		log_notice("media relay on %s%s%s ports %d-%d", o.bind_addr, *a6 ? " and " : "", a6,
			   o.port_min, o.port_max);
	return r;
}

/* Every relayed call holds four sockets: take all the descriptors we may. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_warning("cannot raise the open file limit: %s", strerror(errno));
	}
}

static int check_only(const char *path)
{
	struct conf_error ce;
	struct conf *c;
	char msg[600];

	if (conf_load(path, &c, &ce) < 0) {
		conf_error_format(&ce, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	printf("configuration OK: %s (%zu routes, node %s)\n", path, c->n_routes, c->node);
	conf_unref(c);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "test", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "socket", required_argument, NULL, 'S' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tandemd d = { .conf_path = DEFAULT_CONF };
	const char *sock = NULL;
	struct conf_error ce;
	char msg[600];
	bool test = false;
	int o, r, sig_fd = -1, sig_reg = 0;

	while ((o = getopt_long(argc, argv, "c:tvS:Vh", opts, NULL)) != -1) {
		switch (o) {
		case 'c': d.conf_path = optarg; break;
		case 't': test = true; break;
		case 'v': d.cli_level = LOG_LVL_DEBUG; break;
		case 'S': sock = optarg; break;
		case 'V': printf("tandemd %s\n", TANDEM_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (test)
		return check_only(d.conf_path);

	if (conf_load(d.conf_path, &d.conf, &ce) < 0) {
		conf_error_format(&ce, msg, sizeof(msg));
		fprintf(stderr, "tandemd: %s\n", msg);
		return 1;
	}
	if (sock) {
		free(d.conf->ctl_socket);
		d.conf->ctl_socket = strdup(sock);
	}
	tid_set_node(d.conf->node);	/* for good: records, events, metrics, log lines */
	log_open(d.cli_level ? d.cli_level : d.conf->log_level);
	d.started = time(NULL);
	raise_fd_limit();
	srandom((unsigned)(d.started ^ getpid()));

	su_init();
	d.root = su_root_create(NULL);
	if (d.root == NULL) {
		log_error("cannot create the event loop");
		return 1;
	}
	su_root_threading(d.root, 0);
	r = setup_signals(&d, &sig_fd, &sig_reg);
	if (r < 0) {
		log_error("cannot set up signals: %s", strerror(-r));
		return 1;
	}
	if (start_relay(&d) < 0) {
		d.exit_code = 1;
		goto out;
	}
	r = tsip_new(d.root, d.conf, d.relay, &d.sip);
	if (r < 0) {
		log_error("cannot start SIP: %s", strerror(-r));
		d.exit_code = 1;
		goto out;
	}
	r = ctl_new(d.root, d.conf->ctl_socket, d.conf->ctl_mode, ctl_cmds_dispatch, &d, &d.ctl);
	if (r < 0) {
		log_error("cannot open the control socket %s: %s", d.conf->ctl_socket, strerror(-r));
		d.exit_code = 1;
		goto out;
	}
	/* ops: records, events, metrics, webhooks (daemon/ops.c) */
	if (ops_start(&d, ctl_cmds_dispatch) < 0) {
		log_error("cannot start the operations sink: out of memory");
		d.exit_code = 1;
		goto out;
	}
	if (svc_start_timers(&d) < 0) {
		d.exit_code = 1;
		goto out;
	}
	log_notice("tandemd %s ready: config %s, %zu routes, control %s, node %s", TANDEM_VERSION,
		   d.conf_path, d.conf->n_routes, d.conf->ctl_socket, tid_node());
	sd_notify(0, "READY=1");
	su_root_run(d.root);
out:
	d.ctl = ctl_free(d.ctl);
	d.drain_timer = ttimer_free(d.drain_timer);
	d.status_timer = ttimer_free(d.status_timer);
	d.sip = tsip_free(d.sip);
	ops_stop(&d);	/* ops: after the last call's record, before the relay goes */
	d.relay = relay_free(d.relay);
	if (sig_reg > 0)
		su_root_deregister(d.root, sig_reg);
	if (sig_fd >= 0)
		close(sig_fd);
	su_root_destroy(d.root);
	su_deinit();
	conf_unref(d.conf);
	return d.exit_code;
}
