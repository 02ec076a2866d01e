#!/usr/bin/env python3
"""tests/sip/008-bad-media/junk.py: malformed and random packets at relay ports.
Usage: junk.py SRC_IP DST_IP PORT... ; for each port sends, paced (1 ms):
  short    20 packets of 0..7 octets                 (malformed: < 8)
  version  20 packets of 12..200 octets, version 0/1/3 (malformed)
  rtcplike 10 packets: 0x80 0xc8 + 2..5 octets       (malformed: < 8)
  huge     5 packets of 3000 octets, version 2      (malformed: truncated, > 2048)
  random   40 packets of 12..300 random octets, version 2 forced on half of them
Prints per port: "PORT malformed=N v2=N" (v2: well-formed-looking packets of
12 octets or more, that an SRTP side must drop as auth failures and a latched
plain side as foreign sources)."""
import random, socket, sys, time

rnd = random.Random(3550)


def blob(n):
    return bytes(rnd.getrandbits(8) for _ in range(n))


def main():
    src, dst, ports = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    for port in ports:
        malformed = v2 = 0
        pkts = []
        for _ in range(20):
            pkts.append(blob(rnd.randrange(0, 8)))
            malformed += 1
        for _ in range(20):
            b = bytearray(blob(rnd.randrange(12, 201)))
            b[0] = (b[0] & 0x3f) | (rnd.choice((0, 1, 3)) << 6)
            pkts.append(bytes(b))
            malformed += 1
        for _ in range(10):
            pkts.append(b"\x80\xc8" + blob(rnd.randrange(2, 6)))
            malformed += 1
        for _ in range(5):
            pkts.append(b"\x80\x00" + blob(2998))
            malformed += 1
        for i in range(40):
            b = bytearray(blob(rnd.randrange(12, 301)))
            if i % 2:
                b[0] = (b[0] & 0x3f) | 0x80
            if b[0] >> 6 == 2:
                v2 += 1
            else:
                malformed += 1
            pkts.append(bytes(b))
        rnd.shuffle(pkts)
        for p in pkts:
            s.sendto(p, (dst, port))
            time.sleep(0.001)
        print("%d malformed=%d v2=%d" % (port, malformed, v2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
