//! A synthetic capture shared by the stage benches: classic pcap, Ethernet / IPv4 /
//! TCP, FRAMES frames of FRAME_LEN bytes spread over FLOWS conversations (both
//! directions, a SYN opening each), written once to a temp file.
#![allow(dead_code)]

use std::io::Write;

use ottr::dissect::net::{self, Outcome};
use ottr::flow::FlowRec;

pub const FRAMES: usize = 20_000;
pub const FLOWS: usize = 500;
/// Ethernet 14 + IPv4 20 + TCP 20 + 66 payload bytes.
pub const FRAME_LEN: usize = 120;
const PAYLOAD: usize = FRAME_LEN - 54;

/// One Ethernet/IPv4/TCP frame of flow `flow`, direction `reply`.
fn frame(out: &mut Vec<u8>, i: usize, flow: usize, reply: bool, syn: bool) {
    let client = [10, 0, (flow >> 8) as u8, flow as u8];
    let server = [192, 168, 1, (flow % 7) as u8 + 1];
    let (cport, sport) = (40_000 + flow as u16, [502u16, 102, 44818, 20000][flow % 4]);
    let (src, dst, sp, dp) = if reply {
        (server, client, sport, cport)
    } else {
        (client, server, cport, sport)
    };
    // Ethernet
    out.extend([0x02, 0, 0, 0, dst[2], dst[3]]);
    out.extend([0x02, 0, 0, 0, src[2], src[3]]);
    out.extend(0x0800u16.to_be_bytes());
    // IPv4 (checksum left zero: the decoder does not verify it)
    out.extend([0x45, 0]);
    out.extend(((FRAME_LEN - 14) as u16).to_be_bytes());
    out.extend((i as u16).to_be_bytes());
    out.extend([0x40, 0, 64, 6, 0, 0]);
    out.extend(src);
    out.extend(dst);
    // TCP
    out.extend(sp.to_be_bytes());
    out.extend(dp.to_be_bytes());
    out.extend((i as u32).to_be_bytes());
    out.extend(0u32.to_be_bytes());
    let flags = match (syn, reply) {
        (true, false) => 0x02,
        (true, true) => 0x12,
        _ => 0x18,
    };
    out.extend([0x50, flags]);
    out.extend([0xff, 0xff, 0, 0, 0, 0]);
    out.extend(std::iter::repeat_n(i as u8, PAYLOAD));
}

/// The capture as pcap bytes (little-endian, microseconds, LINKTYPE_ETHERNET).
pub fn pcap_bytes() -> Vec<u8> {
    let mut b = Vec::with_capacity(24 + FRAMES * (16 + FRAME_LEN));
    b.extend(0xa1b2_c3d4u32.to_le_bytes());
    b.extend(2u16.to_le_bytes());
    b.extend(4u16.to_le_bytes());
    b.extend(0u32.to_le_bytes());
    b.extend(0u32.to_le_bytes());
    b.extend(65_535u32.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    let mut f = Vec::with_capacity(FRAME_LEN);
    for i in 0..FRAMES {
        let flow = i % FLOWS;
        // The first two packets of each flow are SYN and SYN+ACK.
        let round = i / FLOWS;
        let reply = round % 2 == 1;
        f.clear();
        frame(&mut f, i, flow, reply, round < 2);
        assert_eq!(f.len(), FRAME_LEN);
        let ts_us = 1_700_000_000_000_000u64 + i as u64 * 250;
        b.extend(((ts_us / 1_000_000) as u32).to_le_bytes());
        b.extend(((ts_us % 1_000_000) as u32).to_le_bytes());
        b.extend((FRAME_LEN as u32).to_le_bytes());
        b.extend((FRAME_LEN as u32).to_le_bytes());
        b.extend(&f);
    }
    b
}

/// The frames of [`pcap_bytes`] as slices of it.
pub fn frames(pcap: &[u8]) -> Vec<&[u8]> {
    let mut at = 24;
    let mut v = Vec::with_capacity(FRAMES);
    while at < pcap.len() {
        let caplen = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        v.push(&pcap[at + 16..at + 16 + caplen]);
        at += 16 + caplen;
    }
    assert_eq!(v.len(), FRAMES);
    v
}

/// The capture written to a temp file (deleted when dropped).
pub fn pcap_file() -> (tempfile::NamedTempFile, u64) {
    let bytes = pcap_bytes();
    let mut f = tempfile::Builder::new()
        .prefix("ottr-bench-")
        .suffix(".pcap")
        .tempfile()
        .expect("temp file");
    f.write_all(&bytes).expect("write capture");
    f.flush().expect("flush capture");
    (f, bytes.len() as u64)
}

/// Flow records as the chunk workers build them.
pub fn flow_recs(frames: &[&[u8]]) -> Vec<FlowRec> {
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let p = net::decode(1, f);
            assert_eq!(p.outcome, Outcome::Decoded);
            let (ip, l4) = (p.ip.unwrap(), p.l4.unwrap());
            // The payload is not in a wave here: flows are counted, not parsed.
            FlowRec::new(
                &ip,
                &l4,
                p.vlan,
                i as u64 + 1,
                i as i64 * 250_000,
                f.len() as u32,
                p.src_mac,
                (0, 0),
            )
        })
        .collect()
}
