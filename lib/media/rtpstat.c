/* lib/media/rtpstat.c: see rtpstat.h. */
#include <math.h>
#include <stdlib.h>

#include "rtpstat.h"

#define MAX_DROPOUT 3000
#define MAX_MISORDER 100

void rtpstat_update(struct rtpstat *s, uint32_t ssrc, uint16_t seq, uint32_t ts,
		    uint64_t arrival_us, unsigned clock_rate)
{
	int64_t arrival, transit, d;
	uint16_t udelta;

	if (clock_rate == 0)
		clock_rate = 8000;
	arrival = (int64_t)(arrival_us * clock_rate / 1000000u);
	transit = arrival - (int64_t)ts;
	if (!s->started || s->ssrc != ssrc) {
		*s = (struct rtpstat){ .started = true, .ssrc = ssrc, .max_seq = seq,
				       .base_seq = seq, .received = 1, .last_transit = transit };
		return;
	}
	udelta = (uint16_t)(seq - s->max_seq);
	if (udelta == 0) {
		s->out_of_order++;	/* a duplicate */
	} else if (udelta < MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += 65536;
		s->max_seq = seq;
	} else if (udelta <= 65536 - MAX_MISORDER) {
		/* a jump too large to be loss: the sender restarted; start over */
		s->base_seq = seq;
		s->max_seq = seq;
		s->cycles = 0;
		s->received = 0;
	} else {
		s->out_of_order++;	/* late: behind max_seq */
	}
	s->received++;
	/* A.8: jitter from the difference of relative transit times */
	d = (int32_t)(uint32_t)(transit - s->last_transit);	/* ts wraps at 2^32 */
	s->last_transit = transit;
	s->jitter += ((double)llabs(d) - s->jitter) / 16.0;
}

uint64_t rtpstat_lost(const struct rtpstat *s)
{
	uint64_t expected;

	if (!s->started)
		return 0;
	expected = (uint64_t)s->cycles + s->max_seq - s->base_seq + 1;
	return expected > s->received ? expected - s->received : 0;
}

double rtpstat_jitter_ms(const struct rtpstat *s, unsigned clock_rate)
{
	if (clock_rate == 0)
		clock_rate = 8000;
	return s->jitter * 1000.0 / clock_rate;
}
