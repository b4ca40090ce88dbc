#!/usr/bin/env python3
"""Cuts net_decoder seeds out of classic pcap files: one file per frame, holding the
selector byte of the frame's link type (its index in LINKTYPES of
fuzz_targets/net_decoder.rs) followed by the frame bytes.

usage: extract_frames.py OUT_DIR MAX_FRAMES_PER_FILE CAPTURE.pcap...
"""
import os
import struct
import sys

LINKTYPES = [0, 1, 9, 12, 14, 50, 101, 104, 108, 113, 192, 228, 229, 276, 105]


def frames(path):
    b = open(path, "rb").read()
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap")
    linktype = struct.unpack(e + "I", b[20:24])[0] & 0xFFFF
    at = 24
    while at + 16 <= len(b):
        caplen = struct.unpack(e + "I", b[at + 8 : at + 12])[0]
        yield linktype, b[at + 16 : at + 16 + caplen]
        at += 16 + caplen


def main():
    out, n, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    for path in paths:
        stem = os.path.basename(os.path.dirname(path)) + "_" + os.path.basename(path).split(".")[0]
        for i, (lt, data) in enumerate(frames(path)):
            if i >= n:
                break
            with open(os.path.join(out, f"{stem}-{i}"), "wb") as f:
                f.write(bytes([LINKTYPES.index(lt)]) + data)


if __name__ == "__main__":
    main()
