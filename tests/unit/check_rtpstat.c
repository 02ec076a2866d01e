/* tests/unit/check_rtpstat.c: lib/media/rtpstat.c: RFC 3550 A.1 sequence
 * and loss accounting, A.8 interarrival jitter. Every expected value is
 * worked out by hand in the comment next to it.
 *
 * Unless a test says otherwise the stream is 8 kHz audio with 20 ms
 * packets: packet k carries timestamp TS0 + 160 k and arrives at
 * T0 + 20000 k us, so its transit time (arrival in timestamp units minus
 * timestamp) is constant and the jitter stays exactly 0. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/rtpstat.h"

#define SSRC 0x11223344u
#define TS0 1000u
#define T0 1000000ull	/* 1 s: a multiple of 125 us, so exact at 8 kHz */

/* Packet k of the ideal stream, with sequence number seq. */
static void pkt(struct rtpstat *s, uint16_t seq, uint32_t k)
{
	rtpstat_update(s, SSRC, seq, TS0 + 160u * k, T0 + 20000ull * k, 8000);
}

/* Packets first..last (sequence = index, both inclusive). */
static void run(struct rtpstat *s, uint32_t first, uint32_t last)
{
	for (uint32_t k = first; k <= last; k++)
		pkt(s, (uint16_t)k, k);
}

START_TEST(nothing_received)
{
	struct rtpstat s = { 0 };

	ck_assert_uint_eq(rtpstat_lost(&s), 0);
	ck_assert(rtpstat_jitter_ms(&s, 8000) == 0.0);
}
END_TEST

START_TEST(first_packet)
{
	struct rtpstat s = { 0 };

	pkt(&s, 500, 0);
	ck_assert(s.started);
	ck_assert_uint_eq(s.ssrc, SSRC);
	ck_assert_uint_eq(s.received, 1);
	ck_assert_uint_eq(s.max_seq, 500);
	ck_assert_uint_eq(s.base_seq, 500);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);	/* expected 500-500+1 = 1, received 1 */
	ck_assert(s.jitter == 0.0);
}
END_TEST

START_TEST(in_order_no_loss)
{
	struct rtpstat s = { 0 };

	/* seq 1..100: expected = 100 - 1 + 1 = 100, received 100, lost 0;
	 * constant transit: every D = 0, J stays 0 exactly */
	run(&s, 1, 100);
	ck_assert_uint_eq(s.received, 100);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
	ck_assert_uint_eq(s.out_of_order, 0);
	ck_assert_uint_eq(s.max_seq, 100);
	ck_assert_uint_eq(s.cycles, 0);
	ck_assert(s.jitter == 0.0);
	ck_assert(rtpstat_jitter_ms(&s, 8000) == 0.0);
}
END_TEST

START_TEST(one_lost)
{
	struct rtpstat s = { 0 };

	/* seq 1..10 without 5: expected 10, received 9, lost 1 */
	run(&s, 1, 4);
	run(&s, 6, 10);
	ck_assert_uint_eq(s.received, 9);
	ck_assert_uint_eq(rtpstat_lost(&s), 1);
	ck_assert_uint_eq(s.out_of_order, 0);
	/* the gap is in sequence and in time alike: still no jitter */
	ck_assert(s.jitter == 0.0);
}
END_TEST

START_TEST(burst_of_five_lost)
{
	struct rtpstat s = { 0 };

	/* seq 1..10, 11..15 lost, 16..20: expected 20, received 15, lost 5 */
	run(&s, 1, 10);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
	run(&s, 16, 20);
	ck_assert_uint_eq(s.received, 15);
	ck_assert_uint_eq(rtpstat_lost(&s), 5);
	ck_assert_uint_eq(s.max_seq, 20);
	/* the loss is not forgotten as the stream goes on: 21..30 -> still 5 */
	run(&s, 21, 30);
	ck_assert_uint_eq(rtpstat_lost(&s), 5);
}
END_TEST

START_TEST(reordering)
{
	struct rtpstat s = { 0 };

	/* 1 2 3 5 4 6: after 5, expected 5 and received 4 -> lost 1 (4 is
	 * missing so far); when 4 comes late it is out of order (behind
	 * max_seq 5) and counts as received: expected 5, received 5, lost 0.
	 * After 6: expected 6, received 6, lost 0 -- not lost twice. */
	run(&s, 1, 3);
	pkt(&s, 5, 5);
	ck_assert_uint_eq(rtpstat_lost(&s), 1);
	pkt(&s, 4, 4);
	ck_assert_uint_eq(s.out_of_order, 1);
	ck_assert_uint_eq(s.max_seq, 5);	/* a late packet does not move max_seq back */
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
	pkt(&s, 6, 6);
	ck_assert_uint_eq(s.received, 6);
	ck_assert_uint_eq(s.out_of_order, 1);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
}
END_TEST

START_TEST(reordering_with_real_loss)
{
	struct rtpstat s = { 0 };

	/* 1 2 4 3 6 7 (5 never comes): 3 is late (out of order 1), 5 lost:
	 * expected 7, received 6, lost 1 */
	run(&s, 1, 2);
	pkt(&s, 4, 4);
	pkt(&s, 3, 3);
	pkt(&s, 6, 6);
	pkt(&s, 7, 7);
	ck_assert_uint_eq(s.out_of_order, 1);
	ck_assert_uint_eq(s.received, 6);
	ck_assert_uint_eq(rtpstat_lost(&s), 1);
}
END_TEST

START_TEST(duplicates)
{
	struct rtpstat s = { 0 };

	/* 1 2 2 3 3 3 4: duplicates are received packets (A.1 counts them,
	 * as RFC 3550 A.3 says, so cumulative loss can go below zero; the
	 * API clamps it at 0): expected 4, received 7, lost max(4-7, 0) = 0;
	 * each duplicate counted as out of order: 3 */
	pkt(&s, 1, 1);
	pkt(&s, 2, 2);
	pkt(&s, 2, 2);
	pkt(&s, 3, 3);
	pkt(&s, 3, 3);
	pkt(&s, 3, 3);
	pkt(&s, 4, 4);
	ck_assert_uint_eq(s.received, 7);
	ck_assert_uint_eq(s.out_of_order, 3);
	ck_assert_uint_eq(s.max_seq, 4);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
	/* one more of the newest (udelta 0), and an old one (1: behind
	 * max_seq by 3): both out of order, still nothing lost */
	pkt(&s, 4, 4);
	pkt(&s, 1, 1);
	ck_assert_uint_eq(s.out_of_order, 5);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
}
END_TEST

START_TEST(wrap_without_loss)
{
	struct rtpstat s = { 0 };

	/* 65533 65534 65535 0 1 2: one wrap, cycles = 65536;
	 * expected = 65536 + 2 - 65533 + 1 = 6, received 6, lost 0 */
	pkt(&s, 65533, 0);
	pkt(&s, 65534, 1);
	pkt(&s, 65535, 2);
	pkt(&s, 0, 3);
	pkt(&s, 1, 4);
	pkt(&s, 2, 5);
	ck_assert_uint_eq(s.cycles, 65536);
	ck_assert_uint_eq(s.max_seq, 2);
	ck_assert_uint_eq(s.received, 6);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
	ck_assert_uint_eq(s.out_of_order, 0);
	ck_assert(s.jitter == 0.0);
}
END_TEST

START_TEST(wrap_with_loss)
{
	struct rtpstat s = { 0 };

	/* 65533 65534 [65535 lost] [0 lost] 1 2: expected = 65536 + 2 - 65533
	 * + 1 = 6, received 4, lost 2 */
	pkt(&s, 65533, 0);
	pkt(&s, 65534, 1);
	pkt(&s, 1, 4);
	pkt(&s, 2, 5);
	ck_assert_uint_eq(s.cycles, 65536);
	ck_assert_uint_eq(s.received, 4);
	ck_assert_uint_eq(rtpstat_lost(&s), 2);
}
END_TEST

START_TEST(wrap_late_packet_from_before)
{
	struct rtpstat s = { 0 };

	/* 65534 0 65535 1: 65535 comes after 0, behind max_seq: out of order,
	 * no second wrap; expected = 65536 + 1 - 65534 + 1 = 4, received 4 */
	pkt(&s, 65534, 0);
	pkt(&s, 0, 2);
	pkt(&s, 65535, 1);
	pkt(&s, 1, 3);
	ck_assert_uint_eq(s.cycles, 65536);
	ck_assert_uint_eq(s.out_of_order, 1);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
}
END_TEST

START_TEST(several_wraps)
{
	struct rtpstat s = { 0 };

	/* 200001 packets k = 0..200000 (seq k mod 65536), every 1000th lost
	 * (k = 999, 1999, ..., 199999: 200 of them): three wraps (at k = 65536,
	 * 131072, 196608), max_seq = 200000 - 196608 = 3392,
	 * expected = 3 * 65536 + 3392 - 0 + 1 = 200001, lost 200 */
	for (uint32_t k = 0; k <= 200000; k++)
		if (k % 1000 != 999)
			pkt(&s, (uint16_t)k, k);
	ck_assert_uint_eq(s.cycles, 3u * 65536);
	ck_assert_uint_eq(s.max_seq, 3392);
	ck_assert_uint_eq(s.received, 200001 - 200);
	ck_assert_uint_eq(rtpstat_lost(&s), 200);
}
END_TEST

START_TEST(ssrc_change_restarts)
{
	struct rtpstat s = { 0 };

	/* SSRC A: 1..10 with 3 lost, jittery last packet */
	run(&s, 1, 2);
	run(&s, 4, 9);
	rtpstat_update(&s, SSRC, 10, TS0 + 1600, T0 + 200000 + 5000, 8000);
	pkt(&s, 11, 11);
	ck_assert_uint_eq(rtpstat_lost(&s), 1);
	ck_assert(s.jitter > 0.0);
	/* SSRC B starts again at seq 40000: one packet, nothing lost, no
	 * jitter, no out-of-order count carried over */
	rtpstat_update(&s, 0xcafef00d, 40000, 77, T0 + 300000, 8000);
	ck_assert_uint_eq(s.ssrc, 0xcafef00d);
	ck_assert_uint_eq(s.received, 1);
	ck_assert_uint_eq(s.base_seq, 40000);
	ck_assert_uint_eq(s.max_seq, 40000);
	ck_assert_uint_eq(s.cycles, 0);
	ck_assert_uint_eq(s.out_of_order, 0);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
	ck_assert(s.jitter == 0.0);
	/* and B goes on with its own numbers: 40001, 40003 -> expected 4, lost 1 */
	rtpstat_update(&s, 0xcafef00d, 40001, 77 + 160, T0 + 320000, 8000);
	rtpstat_update(&s, 0xcafef00d, 40003, 77 + 480, T0 + 360000, 8000);
	ck_assert_uint_eq(rtpstat_lost(&s), 1);
	ck_assert(s.jitter == 0.0);
}
END_TEST

START_TEST(large_jump_restarts)
{
	struct rtpstat s = { 0 };

	/* 1..10 with 5 lost (lost 1), then seq 20000: a jump of 19990 >=
	 * MAX_DROPOUT (3000) is a restart, not 19989 lost packets: base 20000,
	 * received 1, lost 0. Then 20001..20010 without 20005: lost 1. */
	run(&s, 1, 4);
	run(&s, 6, 10);
	ck_assert_uint_eq(rtpstat_lost(&s), 1);
	pkt(&s, 20000, 11);
	ck_assert_uint_eq(s.base_seq, 20000);
	ck_assert_uint_eq(s.max_seq, 20000);
	ck_assert_uint_eq(s.received, 1);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
	for (uint32_t q = 20001; q <= 20010; q++)
		if (q != 20005)
			pkt(&s, (uint16_t)q, 11 + q - 20000);
	ck_assert_uint_eq(rtpstat_lost(&s), 1);
	ck_assert_uint_eq(s.received, 10);
}
END_TEST

START_TEST(large_jump_backwards_restarts)
{
	struct rtpstat s = { 0 };

	/* 30000..30009, then 1000: (1000 - 30009) mod 65536 = 36527, neither
	 * a step forward (< 3000) nor a late packet (> 65536 - 100): restart */
	for (uint32_t k = 0; k < 10; k++)
		pkt(&s, (uint16_t)(30000 + k), k);
	pkt(&s, 1000, 10);
	pkt(&s, 1001, 11);
	ck_assert_uint_eq(s.base_seq, 1000);
	ck_assert_uint_eq(s.cycles, 0);
	ck_assert_uint_eq(s.received, 2);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
}
END_TEST

START_TEST(gap_below_dropout_is_loss)
{
	struct rtpstat s = { 0 };

	/* 1, then 2999: a step of 2998 < MAX_DROPOUT is counted as loss:
	 * expected 2999, received 2, lost 2997 */
	pkt(&s, 1, 1);
	pkt(&s, 2999, 2999);
	ck_assert_uint_eq(s.base_seq, 1);
	ck_assert_uint_eq(rtpstat_lost(&s), 2997);
}
END_TEST

START_TEST(jitter_alternating)
{
	struct rtpstat s = { 0 };

	/* Packets 20 ms apart in timestamp (160 units); odd packets arrive
	 * 10 ms late: transit alternates T, T + 80, T, T + 80, ... so every
	 * D(i-1,i) is +80 or -80 units, |D| = 80 (10 ms).
	 * J(n) = J(n-1) + (80 - J(n-1)) / 16, J(0) = 0
	 *      = 80 (1 - (15/16)^n)
	 * n = 1: 80/16 = 5.0
	 * n = 16: 80 (1 - 0.356074) = 51.5141 (0.356074 = (15/16)^16)
	 * n = 99 (100 packets): (15/16)^99 = e^(99 ln 0.9375) = e^-6.38931
	 *        = 0.0016794, J = 80 (1 - 0.0016794) = 79.8656 */
	for (uint32_t k = 0; k < 100; k++) {
		rtpstat_update(&s, SSRC, (uint16_t)(100 + k), TS0 + 160u * k,
			       T0 + 20000ull * k + (k % 2 ? 10000 : 0), 8000);
		if (k == 1)
			ck_assert_double_eq_tol(s.jitter, 5.0, 1e-9);
		if (k == 16)
			ck_assert_double_eq_tol(s.jitter, 51.5141, 1e-3);
	}
	ck_assert_double_eq_tol(s.jitter, 79.8656, 1e-3);
	/* 79.8656 units at 8 kHz = 9.9832 ms, approaching the 10 ms |D| */
	ck_assert_double_eq_tol(rtpstat_jitter_ms(&s, 8000), 9.98321, 1e-4);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
}
END_TEST

START_TEST(jitter_single_late_packet_decays)
{
	struct rtpstat s = { 0 };

	/* 10 perfect packets, one 5 ms (40 units) late, then perfect again:
	 * D = +40 then -40, then 0:
	 * J1 = 40/16 = 2.5; J2 = 2.5 + (40 - 2.5)/16 = 4.84375;
	 * then J *= 15/16 per packet: after 10 more, 4.84375 * 0.9375^10
	 * = 4.84375 * 0.524467 = 2.54039 */
	run(&s, 0, 9);
	rtpstat_update(&s, SSRC, 10, TS0 + 1600, T0 + 200000 + 5000, 8000);
	ck_assert_double_eq_tol(s.jitter, 2.5, 1e-9);
	pkt(&s, 11, 11);
	ck_assert_double_eq_tol(s.jitter, 4.84375, 1e-9);
	run(&s, 12, 21);
	ck_assert_double_eq_tol(s.jitter, 2.54039, 1e-4);
}
END_TEST

START_TEST(jitter_48khz)
{
	struct rtpstat s = { 0 };

	/* Opus at 48 kHz, 20 ms = 960 units; every other packet 2 ms late
	 * (96 units): |D| = 96 each step; 100 packets: J = 96 (1 - 0.0016794)
	 * = 95.8388 units = 1.99664 ms */
	for (uint32_t k = 0; k < 100; k++)
		rtpstat_update(&s, SSRC, (uint16_t)k, 960u * k, T0 + 20000ull * k + (k % 2 ? 2000 : 0),
			       48000);
	ck_assert_double_eq_tol(s.jitter, 95.8388, 1e-3);
	ck_assert_double_eq_tol(rtpstat_jitter_ms(&s, 48000), 1.99664, 1e-4);
}
END_TEST

START_TEST(jitter_timestamp_wrap)
{
	struct rtpstat s = { 0 };

	/* RTP timestamps start at a random value and wrap at 2^32 (at 8 kHz
	 * every 6.2 days, at 48 kHz every 24.9 hours). Perfect 20 ms spacing
	 * across the wrap: transit is the same modulo 2^32, every D = 0,
	 * J = 0 (A.8 does the arithmetic in 32 bits for this reason). */
	uint32_t ts = 0xffffffffu - 160u * 5 + 1;	/* the 6th packet has ts 0 + 0 */

	for (uint32_t k = 0; k < 12; k++)
		rtpstat_update(&s, SSRC, (uint16_t)k, ts + 160u * k, T0 + 20000ull * k, 8000);
	ck_assert_msg(s.jitter < 1e-9, "jitter %.1f units after a timestamp wrap", s.jitter);
	ck_assert_uint_eq(rtpstat_lost(&s), 0);
}
END_TEST

START_TEST(jitter_ms_conversion)
{
	struct rtpstat s = { 0 };

	s.jitter = 80.0;	/* 80 units / 8000 Hz = 10 ms; / 48000 Hz = 1.6667 ms */
	ck_assert_double_eq_tol(rtpstat_jitter_ms(&s, 8000), 10.0, 1e-9);
	ck_assert_double_eq_tol(rtpstat_jitter_ms(&s, 48000), 80.0 / 48.0, 1e-9);
	s.jitter = 480.0;	/* 480 / 48000 = 10 ms; 480 / 8000 = 60 ms */
	ck_assert_double_eq_tol(rtpstat_jitter_ms(&s, 48000), 10.0, 1e-9);
	ck_assert_double_eq_tol(rtpstat_jitter_ms(&s, 8000), 60.0, 1e-9);
	/* unknown rate (0) is taken as 8000 */
	ck_assert_double_eq_tol(rtpstat_jitter_ms(&s, 0), 60.0, 1e-9);
}
END_TEST

static Suite *rtpstat_suite(void)
{
	Suite *s = suite_create("rtpstat");
	TCase *tc;

	tc = tcase_create("sequence");
	tcase_add_test(tc, nothing_received);
	tcase_add_test(tc, first_packet);
	tcase_add_test(tc, in_order_no_loss);
	tcase_add_test(tc, one_lost);
	tcase_add_test(tc, burst_of_five_lost);
	tcase_add_test(tc, reordering);
	tcase_add_test(tc, reordering_with_real_loss);
	tcase_add_test(tc, duplicates);
	tcase_add_test(tc, wrap_without_loss);
	tcase_add_test(tc, wrap_with_loss);
	tcase_add_test(tc, wrap_late_packet_from_before);
	tcase_add_test(tc, several_wraps);
	tcase_add_test(tc, ssrc_change_restarts);
	tcase_add_test(tc, large_jump_restarts);
	tcase_add_test(tc, large_jump_backwards_restarts);
	tcase_add_test(tc, gap_below_dropout_is_loss);
	suite_add_tcase(s, tc);

	tc = tcase_create("jitter");
	tcase_add_test(tc, jitter_alternating);
	tcase_add_test(tc, jitter_single_late_packet_decays);
	tcase_add_test(tc, jitter_48khz);
	tcase_add_test(tc, jitter_timestamp_wrap);
	tcase_add_test(tc, jitter_ms_conversion);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rtpstat_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
