/* tests/unit/check_dtmf.c: lib/media/dtmf.c: the RFC 4733 event detector
 * (each event once, by its timestamp: updates, a repeated end, late
 * packets, a lost end, a new event after one ends) and the RTP payload
 * offset. Packets are 20 ms apart; durations in 8 kHz timestamp units. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/dtmf.h"

#define SSRC 0x01020304u

static int feed(struct dtmf_det *d, uint32_t ts, uint8_t ev, bool end, uint16_t dur,
		uint64_t now, struct dtmf_ev out[2])
{
	uint8_t pl[4] = { ev, (uint8_t)((end ? 0x80 : 0) | 10), (uint8_t)(dur >> 8),
			  (uint8_t)dur };

	return dtmf_det_packet(d, SSRC, ts, pl, sizeof(pl), now, out);
}

START_TEST(one_event_once_despite_three_ends)
{
	struct dtmf_det d = { 0 };
	struct dtmf_ev out[2];

	ck_assert_int_eq(feed(&d, 1000, 5, false, 160, 0, out), 0);
	ck_assert_int_eq(feed(&d, 1000, 5, false, 320, 20, out), 0);
	ck_assert_int_eq(feed(&d, 1000, 5, false, 480, 40, out), 0);
	ck_assert_int_eq(feed(&d, 1000, 5, true, 640, 60, out), 1);
	ck_assert_int_eq(out[0].event, 5);
	ck_assert_int_eq(out[0].duration, 640);
	/* the end sent again twice (RFC 4733 2.5.1.4), and again late */
	ck_assert_int_eq(feed(&d, 1000, 5, true, 640, 60, out), 0);
	ck_assert_int_eq(feed(&d, 1000, 5, true, 640, 60, out), 0);
	ck_assert_int_eq(dtmf_det_tick(&d, 5000, out), 0);
}
END_TEST

START_TEST(duplicate_updates_are_one_event)
{
	struct dtmf_det d = { 0 };
	struct dtmf_ev out[2];

	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(feed(&d, 8000, 11, false, 160, (uint64_t)i, out), 0);
	ck_assert_int_eq(feed(&d, 8000, 11, true, 800, 100, out), 1);
	ck_assert_int_eq(out[0].event, 11);
	ck_assert_int_eq(out[0].duration, 800);
}
END_TEST

START_TEST(new_event_after_one_ends)
{
	struct dtmf_det d = { 0 };
	struct dtmf_ev out[2];

	ck_assert_int_eq(feed(&d, 1000, 1, false, 160, 0, out), 0);
	ck_assert_int_eq(feed(&d, 1000, 1, true, 800, 100, out), 1);
	ck_assert_int_eq(out[0].event, 1);
	/* the same digit pressed again: a new timestamp, a new event */
	ck_assert_int_eq(feed(&d, 3000, 1, false, 160, 300, out), 0);
	ck_assert_int_eq(feed(&d, 3000, 1, true, 480, 340, out), 1);
	ck_assert_int_eq(out[0].event, 1);
	ck_assert_int_eq(out[0].duration, 480);
	/* a late end of the first one changes nothing */
	ck_assert_int_eq(feed(&d, 1000, 1, true, 800, 350, out), 0);
}
END_TEST

START_TEST(lost_end_is_reported_by_the_next_event)
{
	struct dtmf_det d = { 0 };
	struct dtmf_ev out[2];

	ck_assert_int_eq(feed(&d, 1000, 2, false, 160, 0, out), 0);
	ck_assert_int_eq(feed(&d, 1000, 2, false, 480, 40, out), 0);
	/* the next event starts and ends in one packet: both come out */
	ck_assert_int_eq(feed(&d, 5000, 3, true, 400, 500, out), 2);
	ck_assert_int_eq(out[0].event, 2);
	ck_assert_int_eq(out[0].duration, 480);
	ck_assert_int_eq(out[1].event, 3);
	ck_assert_int_eq(out[1].duration, 400);
}
END_TEST

START_TEST(lost_end_is_reported_by_the_tick)
{
	struct dtmf_det d = { 0 };
	struct dtmf_ev out[2];

	ck_assert_int_eq(feed(&d, 1000, 9, false, 320, 100, out), 0);
	ck_assert_int_eq(dtmf_det_tick(&d, 100 + DTMF_STALE_MS - 1, out), 0);
	ck_assert_int_eq(dtmf_det_tick(&d, 100 + DTMF_STALE_MS, out), 1);
	ck_assert_int_eq(out[0].event, 9);
	ck_assert_int_eq(out[0].duration, 320);
	ck_assert_int_eq(dtmf_det_tick(&d, 10000, out), 0);
	/* its end arriving after all is not a second event */
	ck_assert_int_eq(feed(&d, 1000, 9, true, 640, 10001, out), 0);
}
END_TEST

START_TEST(timestamp_wrap_and_new_ssrc)
{
	struct dtmf_det d = { 0 };
	struct dtmf_ev out[2];
	uint8_t pl[4] = { 4, 0x80, 0, 160 };

	ck_assert_int_eq(feed(&d, 0xffffff00u, 7, true, 160, 0, out), 1);
	/* past the wrap: later, so new */
	ck_assert_int_eq(feed(&d, 0x00000100u, 8, true, 160, 100, out), 1);
	ck_assert_int_eq(out[0].event, 8);
	/* another source with the same timestamp (a transfer): new */
	ck_assert_int_eq(dtmf_det_packet(&d, SSRC + 1, 0x100, pl, 4, 200, out), 1);
	ck_assert_int_eq(out[0].event, 4);
}
END_TEST

START_TEST(short_payload_is_refused)
{
	struct dtmf_det d = { 0 };
	struct dtmf_ev out[2];
	uint8_t pl[3] = { 1, 0x80, 0 };

	ck_assert_int_eq(dtmf_det_packet(&d, SSRC, 1, pl, sizeof(pl), 0, out), -EINVAL);
	ck_assert(!d.cur);
}
END_TEST

START_TEST(payload_offset)
{
	uint8_t p[40] = { 0x80, 101 };
	size_t off;

	ck_assert_int_eq(dtmf_rtp_payload(p, 16, &off), 0);
	ck_assert_int_eq(off, 12);
	p[0] = 0x82;		/* two CSRCs */
	ck_assert_int_eq(dtmf_rtp_payload(p, 24, &off), 0);
	ck_assert_int_eq(off, 20);
	p[0] = 0x90;		/* an extension of one word */
	p[14] = 0;
	p[15] = 1;
	ck_assert_int_eq(dtmf_rtp_payload(p, 24, &off), 0);
	ck_assert_int_eq(off, 20);
	ck_assert_int_eq(dtmf_rtp_payload(p, 14, &off), -EINVAL);
	p[0] = 0x40;
	ck_assert_int_eq(dtmf_rtp_payload(p, 24, &off), -EINVAL);
}
END_TEST

START_TEST(event_chars)
{
	ck_assert_int_eq(dtmf_event_char(0), '0');
	ck_assert_int_eq(dtmf_event_char(10), '*');
	ck_assert_int_eq(dtmf_event_char(11), '#');
	ck_assert_int_eq(dtmf_event_char(15), 'D');
	ck_assert_int_eq(dtmf_event_char(16), '!');
	ck_assert_int_eq(dtmf_event_char(17), 0);
	ck_assert_int_eq(dtmf_char_event('5'), 5);
	ck_assert_int_eq(dtmf_char_event('#'), 11);
	ck_assert_int_eq(dtmf_char_event('b'), 13);
	ck_assert_int_eq(dtmf_char_event('x'), -1);
}
END_TEST

/* ---- the generator ---- */

/* A PCMU packet of the forwarded stream: seq, ts, SSRC, 160 bytes. */
static size_t audio(uint8_t *p, uint16_t seq, uint32_t ts)
{
	memset(p, 0xff, 172);
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = 0xaa;
	p[11] = 0xbb;
	return 172;
}

static uint32_t ts_of(const uint8_t *p)
{
	return (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
}

START_TEST(generated_event_replaces_packets_in_place)
{
	struct dtmf_gen g = { 0 };
	uint8_t p[200];
	size_t len;
	int ends = 0, events = 0;

	len = audio(p, 10, 1000);
	ck_assert_int_eq(dtmf_gen_splice(&g, 101, 8000, p, &len, 0), 0);	/* nothing queued */
	ck_assert_uint_eq(len, 172);
	ck_assert_int_eq(dtmf_gen_queue(&g, 5, 100, 0), 0);	/* 100 ms: 800 units */
	for (uint16_t k = 0; k < 10; k++) {
		len = audio(p, (uint16_t)(11 + k), 1160 + 160u * k);
		if (dtmf_gen_splice(&g, 101, 8000, p, &len, k) == 0) {
			ck_assert_uint_eq(len, 172);	/* audio again, untouched */
			ck_assert_int_eq(p[1], 0);
			continue;
		}
		events++;
		ck_assert_uint_eq(len, 16);
		ck_assert_int_eq(p[1] & 0x7f, 101);
		ck_assert_int_eq(!!(p[1] & 0x80), k == 0);	/* marker on the first */
		ck_assert_int_eq(p[2] << 8 | p[3], 11 + k);	/* the stream's own seq */
		ck_assert_int_eq(p[8], 0xaa);			/* and SSRC */
		ck_assert_uint_eq(ts_of(p), 1160);		/* the event's start */
		ck_assert_int_eq(p[12], 5);
		if (p[13] & 0x80) {
			ends++;
			ck_assert_int_eq(p[14] << 8 | p[15], 800);
		} else {
			ck_assert_int_eq(p[14] << 8 | p[15], 160 * (k + 1));
		}
	}
	/* 800 units at 160 a packet: 4 updates, the end on the 5th, twice more */
	ck_assert_int_eq(events, 7);
	ck_assert_int_eq(ends, 3);
	ck_assert(!g.on);
}
END_TEST

START_TEST(generated_events_follow_each_other_and_expire)
{
	struct dtmf_gen g = { 0 };
	uint8_t p[200];
	size_t len;
	uint8_t seen[8];
	unsigned n = 0;

	ck_assert_int_eq(dtmf_gen_queue(&g, 1, 40, 0), 0);
	ck_assert_int_eq(dtmf_gen_queue(&g, 2, 40, 0), 0);
	for (uint16_t k = 0; k < 12; k++) {
		len = audio(p, k, 160u * k);
		if (dtmf_gen_splice(&g, 96, 8000, p, &len, 0) && (p[1] & 0x80) && n < 8)
			seen[n++] = p[12];	/* a marker: a new event */
	}
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(seen[0], 1);
	ck_assert_int_eq(seen[1], 2);
	/* nothing forwarded to splice into: dropped after the stale time */
	for (int i = 0; i < DTMF_GEN_QUEUE; i++)
		ck_assert_int_eq(dtmf_gen_queue(&g, 3, 100, 100), 0);
	ck_assert_int_eq(dtmf_gen_queue(&g, 3, 100, 100), -ENOSPC);
	ck_assert_uint_eq(dtmf_gen_expire(&g, 1000, 2000), 0);
	ck_assert_uint_eq(dtmf_gen_expire(&g, 2100, 2000), DTMF_GEN_QUEUE);
	len = audio(p, 50, 8000);
	ck_assert_int_eq(dtmf_gen_splice(&g, 96, 8000, p, &len, 2200), 0);
}
END_TEST

static Suite *dtmf_suite(void)
{
	Suite *s = suite_create("dtmf");
	TCase *tc = tcase_create("detector");

	tcase_add_test(tc, one_event_once_despite_three_ends);
	tcase_add_test(tc, duplicate_updates_are_one_event);
	tcase_add_test(tc, new_event_after_one_ends);
	tcase_add_test(tc, lost_end_is_reported_by_the_next_event);
	tcase_add_test(tc, lost_end_is_reported_by_the_tick);
	tcase_add_test(tc, timestamp_wrap_and_new_ssrc);
	tcase_add_test(tc, short_payload_is_refused);
	tcase_add_test(tc, payload_offset);
	tcase_add_test(tc, event_chars);
	suite_add_tcase(s, tc);
	tc = tcase_create("generator");
	tcase_add_test(tc, generated_event_replaces_packets_in_place);
	tcase_add_test(tc, generated_events_follow_each_other_and_expire);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dtmf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
