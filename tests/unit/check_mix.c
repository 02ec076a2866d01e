/* tests/unit/check_mix.c: lib/media/mix.c: G.711 through spandsp, the
 * jitter buffer (order by timestamp, late packets, resync, bounded depth)
 * and mix-minus (each party hears the others, never itself). */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/mix.h"

#define SSRC 0xabcdef01u
#define TS0 0xfffffc00u		/* the timestamp wraps within the first frames */

static void fill(int16_t *pcm, size_t n, int16_t v)
{
	for (size_t i = 0; i < n; i++)
		pcm[i] = v;
}

START_TEST(g711_round_trip)
{
	static const int16_t v[] = { 0, 8, -8, 1000, -1000, 12345, -12345, 32000, -32000 };
	uint8_t enc[9];
	int16_t dec[9];

	for (int c = MIX_PCMU; c <= MIX_PCMA; c++) {
		mix_encode(c, v, 9, enc);
		mix_decode(c, enc, 9, dec);
		for (int i = 0; i < 9; i++) {
			/* G.711 keeps about 12 bits: within 1/16 of the value, or
			 * a step near zero */
			int err = abs(dec[i] - v[i]);
			ck_assert_msg(err <= abs(v[i]) / 16 + 16, "codec %d: %d -> %d", c, v[i],
				      dec[i]);
		}
	}
	/* the silence of each law */
	mix_encode(MIX_PCMU, v, 1, enc);
	ck_assert_uint_eq(enc[0], 0xff);
	mix_encode(MIX_PCMA, v, 1, enc);
	ck_assert_uint_eq(enc[0], 0xd5);
}
END_TEST

START_TEST(codec_names)
{
	enum mix_codec c;

	ck_assert_int_eq(mix_codec_of("PCMU", 8000, &c), 0);
	ck_assert_int_eq(c, MIX_PCMU);
	ck_assert_int_eq(mix_codec_of("pcma", 0, &c), 0);
	ck_assert_int_eq(c, MIX_PCMA);
	ck_assert_int_eq(mix_codec_of("G722", 8000, &c), -EPROTONOSUPPORT);
	ck_assert_int_eq(mix_codec_of("opus", 48000, &c), -EPROTONOSUPPORT);
	ck_assert_int_eq(mix_codec_of("PCMU", 16000, &c), -EPROTONOSUPPORT);
	ck_assert_int_eq(mix_codec_of(NULL, 8000, &c), -EPROTONOSUPPORT);
	ck_assert_uint_eq(mix_codec_pt(MIX_PCMU), 0);
	ck_assert_uint_eq(mix_codec_pt(MIX_PCMA), 8);
}
END_TEST

/* Frames come out 40 ms (two frames) behind the first packet. */
START_TEST(jb_delay_then_in_order)
{
	struct mix_jb jb;
	int16_t in[MIX_FRAME], out[MIX_FRAME];

	mix_jb_init(&jb);
	ck_assert(!mix_jb_get(&jb, out));	/* nothing yet: silence */
	ck_assert_int_eq(out[0], 0);
	for (int k = 0; k < 3; k++) {
		fill(in, MIX_FRAME, (int16_t)(100 + k));
		ck_assert_int_eq(mix_jb_put(&jb, SSRC, TS0 + 160u * k, in, MIX_FRAME), 0);
	}
	ck_assert(!mix_jb_get(&jb, out));	/* the delay: two silent frames */
	ck_assert(!mix_jb_get(&jb, out));
	for (int k = 0; k < 3; k++) {
		ck_assert(mix_jb_get(&jb, out));
		ck_assert_int_eq(out[0], 100 + k);
		ck_assert_int_eq(out[MIX_FRAME - 1], 100 + k);
	}
	ck_assert(!mix_jb_get(&jb, out));	/* ran dry: silence, not a repeat */
	ck_assert_int_eq(out[5], 0);
	ck_assert_uint_eq(jb.late, 0);
}
END_TEST

START_TEST(jb_reorders)
{
	struct mix_jb jb;
	int16_t in[MIX_FRAME], out[MIX_FRAME];
	static const int order[] = { 0, 2, 1, 4, 3 };

	mix_jb_init(&jb);
	for (int i = 0; i < 5; i++) {
		fill(in, MIX_FRAME, (int16_t)(10 * order[i]));
		ck_assert_int_eq(mix_jb_put(&jb, SSRC, TS0 + 160u * order[i], in, MIX_FRAME), 0);
	}
	mix_jb_get(&jb, out);
	mix_jb_get(&jb, out);
	for (int k = 0; k < 5; k++) {
		ck_assert(mix_jb_get(&jb, out));
		ck_assert_int_eq(out[80], 10 * k);
	}
}
END_TEST

START_TEST(jb_late_dropped_and_counted)
{
	struct mix_jb jb;
	int16_t in[MIX_FRAME], out[MIX_FRAME];

	mix_jb_init(&jb);
	fill(in, MIX_FRAME, 7);
	mix_jb_put(&jb, SSRC, TS0, in, MIX_FRAME);
	for (int k = 0; k < 4; k++)
		mix_jb_get(&jb, out);		/* played up to TS0 + 320 */
	fill(in, MIX_FRAME, 9);
	/* frame 1 comes after its time */
	ck_assert_int_eq(mix_jb_put(&jb, SSRC, TS0 + 160, in, MIX_FRAME), -ETIME);
	ck_assert_uint_eq(jb.late, 1);
	/* half of frame 2 is late, its second half is played */
	ck_assert_int_eq(mix_jb_put(&jb, SSRC, TS0 + 240, in, MIX_FRAME), 0);
	ck_assert(mix_jb_get(&jb, out));
	ck_assert_int_eq(out[0], 9);
	ck_assert_int_eq(out[79], 9);
	ck_assert_int_eq(out[80], 0);
}
END_TEST

START_TEST(jb_ssrc_change_and_jump_resync)
{
	struct mix_jb jb;
	int16_t in[MIX_FRAME], out[MIX_FRAME];

	mix_jb_init(&jb);
	fill(in, MIX_FRAME, 1);
	mix_jb_put(&jb, SSRC, TS0, in, MIX_FRAME);
	/* a jump of 10 s: starts over from it, with the same delay */
	fill(in, MIX_FRAME, 2);
	ck_assert_int_eq(mix_jb_put(&jb, SSRC, TS0 + 80000, in, MIX_FRAME), 0);
	ck_assert_uint_eq(jb.resync, 1);
	mix_jb_get(&jb, out);
	mix_jb_get(&jb, out);
	ck_assert(mix_jb_get(&jb, out));
	ck_assert_int_eq(out[0], 2);
	/* another source: its own timeline */
	fill(in, MIX_FRAME, 3);
	ck_assert_int_eq(mix_jb_put(&jb, SSRC + 1, 5, in, MIX_FRAME), 0);
	mix_jb_get(&jb, out);
	mix_jb_get(&jb, out);
	ck_assert(mix_jb_get(&jb, out));
	ck_assert_int_eq(out[0], 3);
}
END_TEST

/* A sender faster than the playout: what waits stays bounded. */
START_TEST(jb_depth_bounded)
{
	struct mix_jb jb;
	int16_t in[MIX_FRAME], out[MIX_FRAME];
	int k;

	mix_jb_init(&jb);
	for (k = 0; k < 100; k++) {
		fill(in, MIX_FRAME, (int16_t)k);
		ck_assert_int_eq(mix_jb_put(&jb, SSRC, TS0 + 160u * k, in, MIX_FRAME), 0);
		ck_assert_int_le((int32_t)(jb.high_ts - jb.play_ts), MIX_JB_MAX);
		if (k % 2)
			mix_jb_get(&jb, out);	/* half the pace of the sender */
	}
	ck_assert_uint_gt(jb.skipped, 0);
	/* what comes out is recent: within the last MIX_JB_MAX of the sender */
	ck_assert(mix_jb_get(&jb, out));
	ck_assert_int_ge(out[0], 100 - MIX_JB_MAX / MIX_FRAME - 1);
	ck_assert_int_eq(mix_jb_put(&jb, SSRC, TS0, in, MIX_JB_SIZE), -EMSGSIZE);
}
END_TEST

START_TEST(minus_three_parties)
{
	int16_t a[MIX_FRAME], b[MIX_FRAME], c[MIX_FRAME];
	int16_t oa[MIX_FRAME], ob[MIX_FRAME], oc[MIX_FRAME];
	const int16_t *in[] = { a, b, c };
	int16_t *out[] = { oa, ob, oc };
	bool active[] = { true, true, true };

	fill(a, MIX_FRAME, 100);
	fill(b, MIX_FRAME, 20);
	fill(c, MIX_FRAME, 3);
	mix_minus(3, in, active, out);
	ck_assert_int_eq(oa[0], 23);	/* b + c, never a */
	ck_assert_int_eq(ob[77], 103);
	ck_assert_int_eq(oc[159], 120);
	/* a silent party (nothing in its buffer) hears everyone */
	active[2] = false;
	mix_minus(3, in, active, out);
	ck_assert_int_eq(oa[0], 20);
	ck_assert_int_eq(ob[0], 100);
	ck_assert_int_eq(oc[0], 120);
}
END_TEST

START_TEST(minus_clips)
{
	int16_t a[MIX_FRAME], b[MIX_FRAME], c[MIX_FRAME];
	int16_t oa[MIX_FRAME], ob[MIX_FRAME], oc[MIX_FRAME];
	const int16_t *in[] = { a, b, c };
	int16_t *out[] = { oa, ob, oc };
	bool active[] = { true, true, true };

	fill(a, MIX_FRAME, 30000);
	fill(b, MIX_FRAME, 30000);
	fill(c, MIX_FRAME, -30000);
	mix_minus(3, in, active, out);
	ck_assert_int_eq(oa[0], 0);
	ck_assert_int_eq(oc[0], 32767);		/* 60000 clipped */
	fill(c, MIX_FRAME, 30000);
	fill(a, MIX_FRAME, -30000);
	fill(b, MIX_FRAME, -30000);
	mix_minus(3, in, active, out);
	ck_assert_int_eq(oc[0], -32768);
}
END_TEST

START_TEST(out_packets)
{
	struct mix_out o, o2;
	int16_t pcm[MIX_FRAME] = { 0 };
	uint8_t buf[12 + MIX_FRAME];
	uint16_t seq;
	uint32_t ts;

	mix_out_init(&o);
	mix_out_init(&o2);
	ck_assert(o.ssrc != o2.ssrc || o.seq != o2.seq);	/* random: one in 2^48 */
	seq = o.seq;
	ts = o.ts;
	ck_assert_uint_eq(mix_out_packet(&o, MIX_PCMA, 8, pcm, buf), 172);
	ck_assert_uint_eq(buf[0], 0x80);
	ck_assert_uint_eq(buf[1], 8);
	ck_assert_uint_eq((uint16_t)(buf[2] << 8 | buf[3]), seq);
	ck_assert_uint_eq((uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 | (uint32_t)buf[6] << 8 |
				  buf[7], ts);
	ck_assert_uint_eq((uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
				  (uint32_t)buf[10] << 8 | buf[11], o.ssrc);
	ck_assert_uint_eq(buf[12], 0xd5);
	mix_out_packet(&o, MIX_PCMA, 8, pcm, buf);
	ck_assert_uint_eq((uint16_t)(buf[2] << 8 | buf[3]), (uint16_t)(seq + 1));
	ck_assert_uint_eq(o.ts, ts + 320);
}
END_TEST

static Suite *mix_suite(void)
{
	Suite *s = suite_create("mix");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, g711_round_trip);
	tcase_add_test(tc, codec_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("jitter");
	tcase_add_test(tc, jb_delay_then_in_order);
	tcase_add_test(tc, jb_reorders);
	tcase_add_test(tc, jb_late_dropped_and_counted);
	tcase_add_test(tc, jb_ssrc_change_and_jump_resync);
	tcase_add_test(tc, jb_depth_bounded);
	suite_add_tcase(s, tc);
	tc = tcase_create("mix");
	tcase_add_test(tc, minus_three_parties);
	tcase_add_test(tc, minus_clips);
	tcase_add_test(tc, out_packets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mix_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
