/* lib/sdp/tsdp_codec.c: a route's codec policy applied to an offer (see
 * tsdp.h, tsdp_codec_filter()). Two walks over the body: the first reads
 * each m= line's payload types and their encodings (a=rtpmap, or RFC 3551's
 * static types), the second writes the body again without what the policy
 * removes. Pure function over memory; any thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tsdp.h"
#include "tsdp_int.h"

#define MAX_PT 64

struct section {
	bool filter;			/* an audio m= line with a port */
	unsigned n_pt;
	int pt[MAX_PT];
	char name[MAX_PT][32];
	bool keep[MAX_PT];
	unsigned rank[MAX_PT];		/* the order to write the kept ones in */
};

static bool listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(list[i], name) == 0)
			return true;
	return false;
}

static bool is_event(const char *name)
{
	return strcasecmp(name, "telephone-event") == 0 || strcasecmp(name, "CN") == 0;
}

static int pt_index(const struct section *s, int pt)
{
	for (unsigned i = 0; i < s->n_pt; i++)
		if (s->pt[i] == pt)
			return (int)i;
	return -1;
}

/* "m=<type> <port> <proto> <fmt>...": the section's payload types */
static int read_m(const struct tsdp_line *ln, struct section *s)
{
	char buf[512], *save = NULL, *tok, type[16] = "";
	size_t n = ln->n - 2 < sizeof(buf) - 1 ? ln->n - 2 : sizeof(buf) - 1;
	unsigned field = 0;
	long port = -1;

	memcpy(buf, ln->p + 2, n);
	buf[n] = '\0';
	memset(s, 0, sizeof(*s));
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 0)
			snprintf(type, sizeof(type), "%s", tok);
		else if (field == 1)
			port = strtol(tok, NULL, 10);
		else if (field >= 3) {
			char *end;
			long pt = strtol(tok, &end, 10);
			if (*end || pt < 0 || pt > 127 || s->n_pt == MAX_PT)
				return -EINVAL;
			s->pt[s->n_pt++] = (int)pt;
		}
	}
	if (field < 3 || port < 0)
		return -EINVAL;
	s->filter = strcasecmp(type, "audio") == 0 && port > 0;
	for (unsigned i = 0; i < s->n_pt; i++) {
		const char *st = tsdp_static_codec(s->pt[i]);
		snprintf(s->name[i], sizeof(s->name[i]), "%s", st ? st : "");
	}
	return 0;
}

/* "a=rtpmap:<pt> <name>/...", "a=fmtp:<pt> ...", "a=rtcp-fb:<pt> ...": the pt */
static int attr_pt(const struct tsdp_line *ln, const char *prefix)
{
	size_t n = strlen(prefix);
	char buf[8];
	size_t k = 0;

	if (!tsdp_starts(ln, prefix))
		return -1;
	while (n + k < ln->n && k < sizeof(buf) - 1 && ln->p[n + k] >= '0' && ln->p[n + k] <= '9') {
		buf[k] = ln->p[n + k];
		k++;
	}
	buf[k] = '\0';
	return k ? atoi(buf) : -1;
}

static void read_rtpmap(const struct tsdp_line *ln, struct section *s)
{
	int pt = attr_pt(ln, "a=rtpmap:"), i;
	char buf[128];
	size_t n = ln->n < sizeof(buf) - 1 ? ln->n : sizeof(buf) - 1;
	char name[32];

	if (pt < 0 || (i = pt_index(s, pt)) < 0)
		return;
	memcpy(buf, ln->p, n);
	buf[n] = '\0';
	if (sscanf(buf, "a=rtpmap:%*d %31[^/ ]", name) == 1)
		snprintf(s->name[i], sizeof(s->name[i]), "%s", name);
}

/* Which payload types stay and in what order; -ENOENT when no codec does. */
static int decide(struct section *s, const struct tsdp_codec_policy *p, char *left,
		  size_t leftlen)
{
	bool codec = false;
	unsigned next = 0;

	for (unsigned i = 0; i < s->n_pt; i++) {
		const char *nm = s->name[i];
		s->keep[i] = !listed(nm, p->deny, p->n_deny) &&
			     (is_event(nm) || p->n_allow == 0 || listed(nm, p->allow, p->n_allow));
		codec |= s->keep[i] && !is_event(nm);
	}
	if (!codec) {
		size_t used = 0;
		left[0] = '\0';
		for (unsigned i = 0; i < s->n_pt && used < leftlen; i++) {
			int w = snprintf(left + used, leftlen - used, "%s%s", used ? " " : "",
					 s->name[i][0] ? s->name[i] : "?");
			used += w > 0 ? (size_t)w : 0;
		}
		return -ENOENT;
	}
	for (size_t k = 0; k < p->n_order; k++)
		for (unsigned i = 0; i < s->n_pt; i++)
			if (s->keep[i] && s->rank[i] == 0 && strcasecmp(s->name[i], p->order[k]) == 0)
				s->rank[i] = ++next;
	for (unsigned i = 0; i < s->n_pt; i++)
		if (s->keep[i] && s->rank[i] == 0)
			s->rank[i] = ++next;
	return 0;
}

static void write_m(struct tsdp_out *o, const struct tsdp_line *ln, const struct section *s)
{
	const char *p = ln->p, *e = ln->p + ln->n;
	unsigned spaces = 0;

	/* "m=audio <port> <proto>" as it was, then the kept types in rank order */
	while (p < e && !(*p == ' ' && ++spaces == 3))
		p++;
	tsdp_put(o, ln->p, (size_t)(p - ln->p));
	for (unsigned r = 1; r <= s->n_pt; r++)
		for (unsigned i = 0; i < s->n_pt; i++)
			if (s->keep[i] && s->rank[i] == r)
				tsdp_putf(o, " %d", s->pt[i]);
	tsdp_put(o, "\r\n", 2);
}

/* A line of a filtered section that goes: not about a removed type, not
 * an a=ptime the policy sets. */
static bool line_stays(const struct tsdp_line *ln, const struct section *s,
		       const struct tsdp_codec_policy *p)
{
	static const char *const per_pt[] = { "a=rtpmap:", "a=fmtp:", "a=rtcp-fb:" };

	if (p->ptime && tsdp_starts(ln, "a=ptime:"))
		return false;
	for (size_t k = 0; k < sizeof(per_pt) / sizeof(per_pt[0]); k++) {
		int pt = attr_pt(ln, per_pt[k]), i;
		if (pt >= 0 && (i = pt_index(s, pt)) >= 0)
			return s->keep[i];
	}
	return true;
}

int tsdp_codec_filter(const char *body, size_t len, const struct tsdp_codec_policy *p, char *out,
		      size_t outlen, char *left, size_t leftlen)
{
	static __thread struct section sec[TSDP_MAX_MEDIA];
	const char *pos = body, *end = body + len;
	struct tsdp_out o = { .p = out, .len = outlen };
	struct tsdp_line ln;
	int n = -1, r;

	if (outlen)
		out[0] = '\0';
	while (tsdp_next_line(&pos, end, &ln)) {
		if (tsdp_starts(&ln, "m=")) {
			if (++n == TSDP_MAX_MEDIA)
				return -EINVAL;
			if ((r = read_m(&ln, &sec[n])) < 0)
				return r;
		} else if (n >= 0 && sec[n].filter) {
			read_rtpmap(&ln, &sec[n]);
		}
	}
	for (int i = 0; i <= n; i++)
		if (sec[i].filter && (r = decide(&sec[i], p, left, leftlen)) < 0)
			return r;
	pos = body;
	n = -1;
	while (tsdp_next_line(&pos, end, &ln)) {
		if (tsdp_starts(&ln, "m=")) {
			if (n >= 0 && sec[n].filter && p->ptime)
				tsdp_putf(&o, "a=ptime:%u\r\n", p->ptime);
			n++;
			if (sec[n].filter) {
				write_m(&o, &ln, &sec[n]);
				continue;
			}
		} else if (n >= 0 && sec[n].filter && !line_stays(&ln, &sec[n], p)) {
			continue;
		}
		tsdp_put(&o, ln.p, ln.n);
		tsdp_put(&o, "\r\n", 2);
	}
	if (n >= 0 && sec[n].filter && p->ptime)
		tsdp_putf(&o, "a=ptime:%u\r\n", p->ptime);
	return o.full ? -ENOSPC : (int)o.pos;
}
