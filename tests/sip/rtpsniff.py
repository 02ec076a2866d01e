#!/usr/bin/env python3
"""rtpsniff.py ADDR:PORT SECONDS OUT.wav: what reaches a phone's RTP port, as audio.

Listens on the loopback interface (a raw AF_PACKET socket: needs root) for SECONDS at most,
keeps the IPv4 UDP packets sent to ADDR:PORT, reads them as RTP with G.711 (payload type 0,
PCMU, or 8, PCMA), and writes the decoded audio in arrival order to OUT.wav (8 kHz, mono,
16 bit) for tone.py. Prints "packets=N" (RTP packets kept). Exit 1 when none arrived.
Standard library only: the test measures what tandemd sent toward the phone, whatever the
phone itself does with it (baresip stops writing its received audio after a hold).
"""
import audioop
import socket
import struct
import sys
import time
import wave

ETH_P_ALL = 3


def rtp_audio(frame, ip, port):
    """The decoded G.711 payload of an Ethernet frame to ip:port, or None."""
    if len(frame) < 14 + 20 + 8 + 12 or frame[12:14] != b"\x08\x00":
        return None
    p = frame[14:]
    ihl = (p[0] & 0x0F) * 4
    if p[0] >> 4 != 4 or p[9] != 17 or p[16:20] != ip:
        return None
    udp = p[ihl:]
    if struct.unpack("!H", udp[2:4])[0] != port:
        return None
    rtp = udp[8:]
    if len(rtp) < 12 or rtp[0] >> 6 != 2:
        return None
    off = 12 + 4 * (rtp[0] & 0x0F)
    if rtp[0] & 0x10:
        if len(rtp) < off + 4:
            return None
        off += 4 + 4 * struct.unpack("!H", rtp[off + 2:off + 4])[0]
    pt = rtp[1] & 0x7F
    payload = rtp[off:]
    if pt == 0:
        return audioop.ulaw2lin(payload, 2)
    if pt == 8:
        return audioop.alaw2lin(payload, 2)
    return None


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    host, port = sys.argv[1].rsplit(":", 1)
    ip, port = socket.inet_aton(host), int(port)
    end = time.monotonic() + float(sys.argv[2])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind(("lo", 0))
    pcm, n = [], 0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            frame, addr = s.recvfrom(65535)
        except socket.timeout:
            break
        if addr[2] == socket.PACKET_OUTGOING:
            continue    # loopback shows each packet twice: keep the incoming copy
        audio = rtp_audio(frame, ip, port)
        if audio is not None:
            pcm.append(audio)
            n += 1
    with wave.open(sys.argv[3], "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(pcm))
    print("packets=%d" % n)
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main())
