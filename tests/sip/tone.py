#!/usr/bin/env python3
"""tone.py WAV [FROM [N]]: the dominant frequency of the audio in a 16-bit PCM wav file.
tone.py --length WAV: how many seconds of audio the file holds now (from its size, so that it
works on a file still being written).

Standard library only. Skips FROM seconds (default 0), then the leading silence (and 0.2 s more, for the jitter buffer and
the decoder to settle), takes the next 0.5 s (mono: the channels averaged), decimates to about
8 kHz and scans 50..3950 Hz in 10 Hz steps with the Goertzel algorithm (on its first 0.1 s),
then refines by 1 Hz (on all of it).
Prints one line: "freq=<Hz> rms=<rms of the window> share=<the peak's share of the energy, 0-1>
seconds=<length of the file>". Exit 1 when the file holds no sound (no window to measure).
With N: N windows of 0.5 s one after the other from there, a line each (as many as the file
holds); a phone's playout can glitch for a moment on a busy machine, and a phase jump inside a
window splits its tone's energy.
"""
import array
import math
import struct
import sys
import wave


def goertzel(x, rate, f):
    w = 2.0 * math.pi * f / rate
    c = 2.0 * math.cos(w)
    s1 = s2 = 0.0
    for v in x:
        s0 = v + c * s1 - s2
        s2 = s1
        s1 = s0
    return s1 * s1 + s2 * s2 - c * s1 * s2


def length(path):
    """Seconds of audio in the file now: its size past a 44-byte header. A file still being
    written may have no complete header yet: its format is read from the fmt chunk alone,
    G.711's decoded 8 kHz mono 16 bit when even that is not there."""
    with open(path, "rb") as f:
        head = f.read(64)
        f.seek(0, 2)
        size = f.tell()
    ch, width, rate = 1, 2, 8000
    at = head.find(b"fmt ")
    if at >= 0 and len(head) >= at + 24:
        ch, rate = struct.unpack("<HI", head[at + 10:at + 16])
        width = struct.unpack("<H", head[at + 22:at + 24])[0] // 8
    print("%.2f" % (max(0, size - 44) / (ch * width * rate)))
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--length":
        return length(sys.argv[2])
    if len(sys.argv) not in (2, 3, 4):
        sys.stderr.write(__doc__)
        return 2
    skip = float(sys.argv[2]) if len(sys.argv) >= 3 else 0.0
    count = int(sys.argv[3]) if len(sys.argv) == 4 else 1
    with wave.open(sys.argv[1], "rb") as w:
        ch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        first = min(int(skip * rate), n)
        w.setpos(first)     # the audio before FROM is never looked at: not read
        raw = w.readframes(n - first)
    if width != 2:
        print("unsupported sample width %d" % width)
        return 2
    a = array.array("h")
    a.frombytes(raw[: len(raw) // 2 * 2])
    if sys.byteorder == "big":
        a.byteswap()
    if ch == 1:
        mono = a
    else:
        mono = [sum(a[i:i + ch]) / ch for i in range(0, len(a) - ch + 1, ch)]
    seconds = n / rate
    start = next((i for i, v in enumerate(mono) if abs(v) > 300), None)
    if start is None:
        print("freq=0 rms=0 share=0 seconds=%.2f" % seconds)
        return 1
    start += int(0.2 * rate)
    size = int(0.5 * rate)
    for k in range(count):
        win = mono[start + k * size:start + (k + 1) * size]
        if len(win) < int(0.25 * rate):
            if k == 0:
                print("freq=0 rms=0 share=0 seconds=%.2f (too short)" % seconds)
                return 1
            break
        measure(win, rate, seconds)
    return 0


def measure(win, rate, seconds):
    """Prints the line of one window."""
    step = max(1, rate // 8000)
    x = win[::step]
    r = rate / step
    mean = sum(x) / len(x)
    x = [v - mean for v in x]
    energy = sum(v * v for v in x)
    rms = math.sqrt(energy / len(x))
    top = max(r / 2 - 50, 100)
    # the coarse scan on the first 0.1 s (a 10 Hz wide lobe for the 10 Hz steps), the fine one
    # on the whole window
    coarse = x[:max(1, int(r / 10))]
    best_f, best_p = 0, -1.0
    f = 50
    while f <= top:
        p = goertzel(coarse, r, f)
        if p > best_p:
            best_f, best_p = f, p
        f += 10
    best_p = -1.0
    for f in range(best_f - 9, best_f + 10):
        p = goertzel(x, r, f)
        if p > best_p:
            best_f, best_p = f, p
    # Goertzel power of a pure tone A*sin: (A*N/2)^2; the window's energy: A^2*N/2
    share = (2.0 * best_p / len(x)) / energy if energy > 0 else 0.0
    print("freq=%d rms=%d share=%.2f seconds=%.2f" % (best_f, rms, min(share, 1.0), seconds))

if __name__ == "__main__":
    sys.exit(main())
