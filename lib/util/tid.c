/* lib/util/tid.c: node ids and call UUIDs (see tid.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "tid.h"

static char node_id[TID_NODE_MAX + 1];

static bool node_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '_' || ch == '-';
}

static bool alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

const char *tid_node_invalid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		return "must not be empty";
	if (n > TID_NODE_MAX)
		return "is longer than 64 characters";
	if (!alnum(s[0]))
		return "must start with a letter or a digit";
	for (size_t i = 0; i < n; i++)
		if (!node_char(s[i]))
			return "may hold only letters, digits, '.', '_' and '-'";
	return NULL;
}

void tid_node_default(const char *host, const char *instance, char *buf, size_t len)
{
	size_t max;

	if (len == 0)
		return;
	max = len - 1 < TID_NODE_MAX ? len - 1 : TID_NODE_MAX;
	snprintf(buf, len, "%s%s%s", host && *host ? host : "tandem",
		 instance && *instance ? "-" : "", instance && *instance ? instance : "");
	buf[max] = '\0';
	for (char *p = buf; *p; p++)
		if (!node_char(*p))
			*p = '-';
	if (!alnum(buf[0]))
		buf[0] = 'n';
}

void tid_set_node(const char *node)
{
	snprintf(node_id, sizeof(node_id), "%s", node ? node : "");
}

const char *tid_node(void)
{
	return node_id;
}

/* 16 random octets; without getrandom (it failed), the clock, the pid and a
 * counter: still unique within this process, at least. */
static void random_octets(uint8_t b[16])
{
	static uint64_t fallback;
	size_t got = 0;

	while (got < 16) {
		ssize_t r = getrandom(b + got, 16 - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got < 16) {
		struct timespec ts;
		uint64_t x[2];
		clock_gettime(CLOCK_MONOTONIC, &ts);
		x[0] = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32);
		x[1] = __atomic_add_fetch(&fallback, 1, __ATOMIC_RELAXED) ^ (uint64_t)ts.tv_sec << 20;
		memcpy(b, x, 16);
	}
}

void tid_uuid_new(char *buf, size_t len)
{
	struct timespec ts;
	uint8_t b[16];
	uint64_t ms;

	random_octets(b);
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (int i = 0; i < 6; i++)
		b[i] = (uint8_t)(ms >> (40 - 8 * i));
	b[6] = (uint8_t)(0x70 | (b[6] & 0x0f));	/* version 7 */
	b[8] = (uint8_t)(0x80 | (b[8] & 0x3f));	/* variant 10 (RFC 9562) */
	if (len < TID_UUID_LEN + 1) {
		if (len)
			buf[0] = '\0';
		return;
	}
	for (int i = 0, o = 0; i < 16; i++) {	/* once per call: no snprintf */
		static const char hex[] = "0123456789abcdef";
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[o++] = '-';
		buf[o++] = hex[b[i] >> 4];
		buf[o++] = hex[b[i] & 15];
	}
	buf[TID_UUID_LEN] = '\0';
}

bool tid_uuid_valid(const char *s)
{
	if (s == NULL || strlen(s) != TID_UUID_LEN)
		return false;
	for (int i = 0; i < TID_UUID_LEN; i++) {
		char ch = s[i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? ch != '-' :
		    !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
			return false;
	}
	return true;
}
