#!/usr/bin/env python3
"""tests/fuzz/make-seeds.py: writes the seed corpora of tests/fuzz/corpus/<name>/
(a few real inputs each, with the selector bytes each harness takes first).
The files are in the repository; rerun this only to change them."""
import os, struct

HERE = os.path.dirname(os.path.abspath(__file__))

def put(name, fname, data):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data)

CRLF = lambda s: s.replace("\n", "\r\n")

sdp_basic = CRLF("""v=0
o=alice 2890844526 2890844526 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=audio 49170 RTP/AVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
""")
sdp_srtp = CRLF("""v=0
o=- 1 2 IN IP4 192.0.2.11
s=-
t=0 0
m=audio 30000 RTP/SAVP 0 101
c=IN IP4 192.0.2.11
a=rtcp:30011 IN IP4 192.0.2.12
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:xjMuhujyJeQrjvoANKoyMe6QQ8UnDBbpEiAWie73|2^20|1:4
a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:u4q+VrjaWv+/CKI1tDsnZqHQEvuAd7u/PjtjFKH8
a=rtpmap:101 telephone-event/8000
a=sendonly
""")
sdp_video = CRLF("""v=0
o=- 3 3 IN IP6 2001:db8::1
s=call
c=IN IP6 2001:db8::1
t=0 0
a=recvonly
m=audio 40000 RTP/AVPF 111 0
a=rtpmap:111 opus/48000/2
a=rtcp-mux
a=ice-ufrag:abcd
a=candidate:1 1 UDP 2130706431 2001:db8::1 40000 typ host
m=video 0 RTP/AVP 96
m=video 40002/2 RTP/SAVPF 96
a=rtpmap:96 H264/90000
a=crypto:1 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw==
a=inactive
""")
sdp_lf = "v=0\no=- 0 0 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1/127\nt=0 0\nm=audio 5004 RTP/AVP 18\na=rtpmap:18 G729/8000\n"
for i, (b, sel) in enumerate([(sdp_basic, 0x0800), (sdp_srtp, 0x0200), (sdp_video, 0xa800),
                              (sdp_lf, 0x00ff), (sdp_basic, 0x4040)]):
    put("tsdp", "seed%d" % i, struct.pack(">H", sel) + b.encode())

put("crypto_attr", "sdes80", "1 AES_CM_128_HMAC_SHA1_80 inline:xjMuhujyJeQrjvoANKoyMe6QQ8UnDBbpEiAWie73\n"
    "2 AES_CM_128_HMAC_SHA1_32 inline:u4q+VrjaWv+/CKI1tDsnZqHQEvuAd7u/PjtjFKH8|2^31|1:4\n")
put("crypto_attr", "gcm", "1 AEAD_AES_256_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis=\n"
    "3 AEAD_AES_128_GCM inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw\n")
put("crypto_attr", "params", "1 AES_192_CM_HMAC_SHA1_80 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCU=;inline:AAAA KDR=1 UNENCRYPTED_SRTP\n"
    "9 AES_256_CM_HMAC_SHA1_32 inline:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss\n")

conf_full = open(os.path.join(HERE, "..", "..", "conf", "tandemd.conf")).read() \
    if os.path.exists(os.path.join(HERE, "..", "..", "conf", "tandemd.conf")) else ""
if conf_full:
    put("conf", "tandemd.conf", conf_full)
put("conf", "min.conf", 'listen = ( { transport = "udp"; address = "127.0.0.1"; port = 5060; } );\n'
    'control = { socket = "/tmp/x.sock"; };\nroutes = ( { name = "r"; match = { }; targets = ( "sip:192.0.2.1" ); } );\n')
put("conf", "routes.conf", """listen = ( { transport = "udp"; address = "::1"; port = 5062; },
  { transport = "tcp"; address = "::1"; port = 5062; } );
control = { socket = "/tmp/y.sock"; mode = "0600"; };
log = { level = "debug"; sip_trace = true; };
limits = { max_calls = 100; retry_after = 3; };
calls = { no_answer_timeout = 30; connect_timeout = 2; session_expires = 1800; min_se = 90; drain_grace = 5; no_route_code = 480; };
media = { address = "::1"; port_min = 20000; port_max = 20099; timeout = 30; latch = "strict"; srtp_suites = [ "AES_CM_128_HMAC_SHA1_80" ]; };
routes = (
  { name = "intl"; match = { ruri_user = "^00([0-9]+)$"; ruri_domain = "example.com"; source = [ "10.0.0.0/8", "2001:db8::/32" ];
      header = { name = "X-Tenant"; value = "^a"; }; from_user = "^a"; to_user = "b$"; };
    targets = ( "sip:[2001:db8::5]:5080;transport=tcp", "sip:gw.example.com" ); failover_codes = ( 503, "6xx" );
    rewrite_user = { match = "^00(.*)$"; replace = "+\\\\1"; }; add_headers = [ "X-A: 1" ]; remove_headers = [ "X-B" ];
    max_calls = 5; no_answer_timeout = 20; session_expires = 600; media = "passthrough";
    security = { caller = "srtp-optional"; sdes_tls_only = false; callee = "srtp"; suites = [ "AEAD_AES_128_GCM" ]; }; refer = "passthrough"; },
  { name = "busy"; match = { ruri_user = "^666"; }; reject = 486; reject_reason = "Busy Here"; }
);
""")

put("route", "intl", bytes([0x00, 0x40, 10, 1, 2, 3]) + b"0049301234567\0example.com\0alice\0bob\0a12")
put("route", "v6", bytes([0x01, 0x10]) + bytes([0x20, 0x01, 0x0d, 0xb8] + [0] * 11 + [5]) + b"+4412345678\0gw\0x\0y\0" + b"2001:db8::/48")
put("route", "ext", bytes([0x00, 0x08, 192, 0, 2, 7]) + b"1234567\0example.com\0alice9\0xbob\0" + b"b7")
put("route", "cidr", bytes([0x12, 0xff, 0, 0, 0, 0]) + b"xxxx\0\0\0\0" + b"192.168.1.0/24")

put("ctl", "word", b"\x80status")
put("ctl", "arg", b"\x40call 42")
put("ctl", "json", b'\xff{"cmd":"route","ruri":"sip:1000@example.com","from":"sip:a@b","source":"10.1.2.3"}\n')
put("ctl", "badjson", b'\x10{"cmd":42,"x":[1,2,{"y":null}]')

sip = CRLF("""INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds
Authorization: Digest username="alice", realm="example.com", nonce="abc", response="0123456789abcdef"
proxy-authorization : Digest username="alice", response="x"
Content-Type: application/sdp

v=0
m=audio 4000 RTP/SAVP 0
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:xjMuhujyJeQrjvoANKoyMe6QQ8UnDBbpEiAWie73|2^20|1:4
   a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:u4q+VrjaWv+/CKI1tDsnZqHQEvuAd7u/PjtjFKH8
a=key-mgmt:mikey INLINE:AAAA;inline:BBBB
""")
put("redact", "invite", struct.pack(">H", 4095) + sip.encode())
put("redact", "short", struct.pack(">H", 60) + sip.encode())
put("redact", "trace", struct.pack(">H", 200) + b"   a=crypto:1 X\n\tAuthorization:\r\r\n")

def rtp(seq, ts, ssrc, pt=0, payload=b"\xaa" * 20, m=0):
    return struct.pack(">BBHII", 0x80, (m << 7) | pt, seq, ts, ssrc) + payload

def pk(meta, data):
    return bytes([meta]) + struct.pack(">H", len(data)) + data

sr = struct.pack(">BBHI", 0x80, 200, 6, 0x1234) + b"\0" * 20
# setup: 4 bytes (bit0 latch strict; per side byte: mux, configured, rates, sdp addr, srtp)
put("rtp", "plain", struct.pack(">IQ", 0x00121200, 10**12) +
    pk(0x20, rtp(1, 160, 0x1234)) + pk(0x21, rtp(7, 8000, 0x5678)) + pk(0x22, sr) +
    pk(0x20, rtp(2, 320, 0x1234)) + pk(0x20, rtp(2, 320, 0x1234)) + pk(0x24, rtp(3, 480, 0x1234)))
put("rtp", "mux", struct.pack(">IQ", 0x00131301, 5 * 10**12) +
    pk(0x20, rtp(100, 1, 1)) + pk(0x20, sr) + pk(0x21, rtp(65535, 2, 2)) + pk(0x21, rtp(0, 3, 2)) +
    pk(0x20, b"\x80\xc8\x00\x01\x00\x00\x00\x01") + pk(0x20, b"\x40" + b"\0" * 15) + pk(0x20, b"\x80\x00"))
put("rtp", "srtp", struct.pack(">IQ", 0x00737300, 123456789) +
    pk(0x30, rtp(1, 160, 0xabc)) + pk(0x31, rtp(1, 160, 0xdef)) + pk(0x30, rtp(1, 160, 0xabc)) +
    pk(0x20, rtp(2, 320, 0xabc)) + pk(0x32, sr))
put("rtp", "bigrate", struct.pack(">IQ", 0x00040400, 9223372036 * 1000) +
    pk(0xe0, rtp(1, 0, 9)) + pk(0xe0, rtp(2, 160, 9)) + pk(0xe0, rtp(3, 320, 9)))

put("srtp", "rtp80", bytes([0x00]) + rtp(1, 160, 0x1234))
put("srtp", "rtp_round", bytes([0x10]) + rtp(5, 800, 0x99, payload=b"\x11" * 160))
put("srtp", "rtcp_round", bytes([0x18 | 6]) + sr)
put("srtp", "gcm_junk", bytes([0x06]) + rtp(9, 9, 9) + b"\x00" * 16)
