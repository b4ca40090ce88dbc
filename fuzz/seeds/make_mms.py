#!/usr/bin/env python3
"""Writes the hand-made MMS seeds (fuzz/seeds/mms/handmade_*) and, with --pcap FILE,
the same conversations as a capture (client 10.0.0.1, server 10.0.0.2:102) to check
them with tshark. Built from ISO 8327-1, ISO 8823-1, ISO 8650-1 and ISO 9506-2.

    python3 fuzz/seeds/make_mms.py fuzz/seeds/mms [--pcap /tmp/mms-seeds.pcap]
"""
import struct
import sys
from pathlib import Path


def tlv(tag, content=b""):
    tag = bytes([tag]) if isinstance(tag, int) else bytes(tag)
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return tag + ln + content


def pi(code, v):
    ln = bytes([len(v)]) if len(v) < 255 else b"\xff" + struct.pack(">H", len(v))
    return bytes([code]) + ln + v


def tpkt_dt(data, eot=True):
    cotp = bytes([2, 0xF0, 0x80 if eot else 0]) + data
    return struct.pack(">BBH", 3, 0, len(cotp) + 4) + cotp


CR = bytes.fromhex("0300001611e00000000100c1020001c2020001c0010a")
CC = bytes.fromhex("0300001611d00001000200c1020001c2020001c0010a")


def user_data(ctx, value):
    return tlv(0x61, tlv(0x30, tlv(0x02, bytes([ctx])) + tlv(0xA0, value)))


def dt(mms):
    return tpkt_dt(b"\x01\x00\x01\x00" + user_data(3, mms))


MMS_CTX = tlv(0xA1, tlv(0x06, bytes.fromhex("28ca220203")))


def user_info(mms):
    return tlv(0xBE, tlv(0x28, tlv(0x02, b"\x03") + tlv(0xA0, mms)))


def initiate(tag):
    detail = tlv(0x80, b"\x01") + tlv(0x81, bytes.fromhex("05f100")) + tlv(0x82, bytes.fromhex("03ffffffffffffffffffe0"))
    return tlv(tag, tlv(0x80, bytes.fromhex("00fde8")) + tlv(0x81, b"\x05") + tlv(0x82, b"\x05") + tlv(0x83, b"\x0a") + tlv(0xA4, detail))


def connect(si, apdu):
    if si == 13:
        # calling and called presentation selectors [1] [2], context list [4].
        normal = tlv(0x81, b"\x00\x00\x00\x01") + tlv(0x82, b"\x00\x00\x00\x01")
        ctx = lambda i, oid: tlv(0x30, tlv(0x02, bytes([i])) + tlv(0x06, oid) + tlv(0x30, tlv(0x06, b"\x51\x01")))
        normal += tlv(0xA4, ctx(1, b"\x52\x01\x00\x01") + ctx(3, b"\x28\xca\x22\x02\x01"))
    else:
        # responding presentation selector [3], context result list [5].
        normal = tlv(0x83, b"\x00\x00\x00\x01")
        res = lambda: tlv(0x30, tlv(0x80, b"\x00") + tlv(0x81, b"\x51\x01"))
        normal += tlv(0xA5, res() + res())
    normal += user_data(1, apdu)
    ppdu = tlv(0x31, tlv(0xA0, tlv(0x80, b"\x01")) + tlv(0xA2, normal))
    params = pi(5, bytes.fromhex("130100160102")) + pi(0x14, b"\x00\x02") + pi(0x33, b"\x00\x01") + pi(0x34, b"\x00\x01") + pi(0xC1, ppdu)
    return pi(si, params)


def aarq():
    return tlv(0x60, tlv(0x80, b"\x07\x80") + MMS_CTX + user_info(initiate(0xA8)))


def aare(result=0, mms=None):
    body = MMS_CTX + tlv(0xA2, tlv(0x02, bytes([result]))) + tlv(0xA3, tlv(0xA1, tlv(0x02, b"\x00")))
    return tlv(0x61, body + user_info(mms or initiate(0xA9)))


def req(invoke, service):
    return tlv(0xA0, tlv(0x02, bytes([invoke])) + service)


def resp(invoke, service):
    return tlv(0xA1, tlv(0x02, bytes([invoke])) + service)


def name(domain, item):
    return tlv(0xA1, tlv(0x1A, domain.encode()) + tlv(0x1A, item.encode()))


def var_list(domain, item):
    return tlv(0xA0, tlv(0x30, tlv(0xA0, name(domain, item))))


def error(invoke, cls, code):
    return tlv(0xA2, tlv(0x80, bytes([invoke])) + tlv(0xA2, tlv(0xA0, tlv(0x80 | cls, bytes([code])))))


C, S = 0, 1
CONVERSATIONS = {
    "associate": [(C, CR), (S, CC), (C, tpkt_dt(connect(13, aarq()))), (S, tpkt_dt(connect(14, aare())))],
    "identify_getnamelist": [
        (C, dt(req(1, b"\x82\x00"))),
        (S, dt(resp(1, tlv(0xA2, tlv(0x80, b"ACME Grid") + tlv(0x81, b"IED-9000") + tlv(0x82, b"4.2.1"))))),
        (C, dt(req(2, tlv(0xA1, tlv(0xA0, tlv(0x80, b"\x09")) + tlv(0xA1, tlv(0x80, b"")))))),
        (S, dt(resp(2, tlv(0xA1, tlv(0xA0, tlv(0x1A, b"LD0") + tlv(0x1A, b"CTRL")) + tlv(0x81, b"\x00"))))),
        (C, dt(req(3, b"\x80\x01\x00"))),
        (S, dt(resp(3, tlv(0xA0, tlv(0x80, b"\x00") + tlv(0x81, b"\x00"))))),
    ],
    "read_write": [
        (C, dt(req(4, tlv(0xA4, tlv(0xA1, var_list("LD0", "XCBR1$ST$Pos")))))),
        (S, dt(resp(4, tlv(0xA4, tlv(0xA1, tlv(0xA2, tlv(0x84, b"\x06\x40"))))))),
        (C, dt(req(5, tlv(0xA5, var_list("CTRL", "CSWI1$CO$Pos$Oper") + tlv(0xA0, tlv(0x83, b"\x01")))))),
        (S, dt(resp(5, tlv(0xA5, tlv(0x81, b""))))),
        (C, dt(req(6, tlv(0xA6, tlv(0xA0, name("LD0", "LLN0")))))),
        (S, dt(error(6, 7, 2))),
        (C, dt(req(7, tlv(0xAB, tlv(0xA1, tlv(0x1A, b"LD0") + tlv(0x1A, b"DS1")) + tlv(0xA0, tlv(0x30, tlv(0xA0, name("LD0", "MMXU1$MX$TotW")))))))),
        (S, dt(resp(7, b"\x8b\x00"))),
    ],
    "files_programs": [
        (C, dt(req(8, tlv([0xBF, 0x48], tlv(0xA0, tlv(0x19, b"COMTRADE/rec1.cfg")) + tlv(0x81, b"\x00"))))),
        (S, dt(resp(8, tlv([0xBF, 0x48], tlv(0x80, b"\x01") + tlv(0xA1, tlv(0x80, b"\x00\x10\x00")))))),
        (C, dt(req(9, tlv([0x9F, 0x49], b"\x01")))),
        (C, dt(req(10, tlv([0x9F, 0x4A], b"\x01")))),
        (C, dt(req(11, tlv([0xBF, 0x4D], tlv(0xA0, tlv(0x19, b"/")))))),
        (C, dt(req(12, tlv([0xBF, 0x4C], tlv(0x19, b"old.cfg"))))),
        (C, dt(req(13, tlv([0xBF, 0x2E], tlv(0xA1, tlv(0x19, b"src")) + tlv(0xA2, tlv(0x19, b"dst")))))),
        (C, dt(req(14, tlv(0xBA, tlv(0x80, b"LD0") + tlv(0xA1, tlv(0x1A, b"ld")) + tlv(0x82, b"\x00"))))),
        (C, dt(req(15, tlv(0x9B, b"LD0")))),
        (C, dt(req(16, tlv([0x9F, 0x24], b"LD0")))),
        (C, dt(req(17, tlv([0xBF, 0x28], tlv(0x80, b"PI1"))))),
        (C, dt(req(18, tlv([0xBF, 0x29], tlv(0x80, b"PI1"))))),
        (C, dt(req(19, tlv([0xBF, 0x2C], tlv(0x80, b"PI1"))))),
    ],
    "errors_reports": [
        (C, dt(req(20, tlv(0xA4, tlv(0xA1, var_list("LD0", "NOPE")))))),
        (S, dt(tlv(0xA4, tlv(0x80, b"\x14") + tlv(0x81, b"\x01")))),
        (C, dt(tlv(0x85, b"\x15"))),
        (S, dt(tlv(0x86, b"\x15"))),
        (S, dt(tlv(0xA3, tlv(0xA0, tlv(0xA1, tlv(0x80, b"RPT")) + tlv(0xA0, tlv(0x8A, b"urcb")))))),
    ],
    "release_abort": [
        (C, dt(b"\x8b\x00")),
        (S, dt(b"\x8c\x00")),
        (C, tpkt_dt(pi(9, pi(0x11, b"\x01") + pi(0xC1, user_data(1, tlv(0x62, tlv(0x80, b"\x00"))))))),
        (S, tpkt_dt(pi(10, pi(0xC1, user_data(1, tlv(0x63, tlv(0x80, b"\x00"))))))),
        (C, tpkt_dt(pi(25, pi(0x11, b"\x09") + pi(0xC1, tlv(0xA0, user_data(1, tlv(0x64, tlv(0x80, b"\x01")))))))),
        (S, tpkt_dt(pi(12, pi(0x32, b"\x02")))),
    ],
}


def segmented():
    """An association whose CONNECT needs three DT TPDUs (EOT on the last only)."""
    cn = connect(13, aarq())
    parts = [cn[:40], cn[40:90], cn[90:]]
    out = [(C, CR), (S, CC)]
    for i, p in enumerate(parts):
        out.append((C, tpkt_dt(p, eot=i == len(parts) - 1)))
    out.append((S, tpkt_dt(connect(14, aare()))))
    return out


CONVERSATIONS["segmented_connect"] = segmented()
CONVERSATIONS["rejected"] = [
    (C, CR), (S, CC), (C, tpkt_dt(connect(13, aarq()))),
    (S, tpkt_dt(connect(14, aare(1, tlv(0xAA, tlv(0xA0, tlv(0x88, b"\x01"))))))),
]


def write_pcap(path, convs):
    recs = []
    t = 0
    for port, (_, conv) in enumerate(sorted(convs.items()), start=40000):
        seq = [1000, 9000]
        recs.append(packet(C, port, seq, b"", 0x02, t))
        recs.append(packet(S, port, [1001, 9000], b"", 0x12, t + 1))
        seq = [1001, 9001]
        recs.append(packet(C, port, seq, b"", 0x10, t + 2))
        t += 3
        # tshark maps presentation context 3 to MMS only after the association.
        if conv[0][1] != CR:
            conv = CONVERSATIONS["associate"] + conv
        for d, p in conv:
            recs.append(packet(d, port, seq, p, 0x18, t))
            seq[d] += len(p)
            t += 1
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, frame in recs:
            f.write(struct.pack("<IIII", ts, 0, len(frame), len(frame)) + frame)


def packet(d, port, seq, payload, flags, t):
    src, dst = (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02") if d == C else (b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01")
    sp, dp = (port, 102) if d == C else (102, port)
    ack = seq[1 - d] if flags != 0x02 else 0
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq[d], ack, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
    return t, eth + ip + tcp + payload


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for n, (key, conv) in enumerate(sorted(CONVERSATIONS.items())):
        # First byte: the segment size for the stream driver (varied per seed).
        split = bytes([(n * 37 + 5) & 0xFF])
        (out / f"handmade_{key}").write_bytes(split + b"".join(p for _, p in conv))
    if "--pcap" in sys.argv:
        write_pcap(sys.argv[sys.argv.index("--pcap") + 1], CONVERSATIONS)


if __name__ == "__main__":
    main()
