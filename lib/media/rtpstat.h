/* lib/media/rtpstat: RTP receive statistics of RFC 3550 (appendix A.1
 * sequence and loss, A.8 interarrival jitter), as pure arithmetic over
 * (sequence number, timestamp, arrival time). Owned by one worker. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct rtpstat {
	bool started;
	uint32_t ssrc;
	uint16_t max_seq;
	uint32_t cycles;	/* count of sequence wraps << 16 */
	uint32_t base_seq;
	uint64_t received;
	uint64_t out_of_order;
	int64_t last_transit;	/* in timestamp units */
	double jitter;		/* in timestamp units */
};

/* One RTP packet: seq and ts from its header, arrival in microseconds, the
 * payload's clock rate in Hz. A new SSRC starts the statistics again. */
void rtpstat_update(struct rtpstat *s, uint32_t ssrc, uint16_t seq, uint32_t ts,
		    uint64_t arrival_us, unsigned clock_rate);
/* Packets expected but not received so far (never negative). */
uint64_t rtpstat_lost(const struct rtpstat *s);
double rtpstat_jitter_ms(const struct rtpstat *s, unsigned clock_rate);
