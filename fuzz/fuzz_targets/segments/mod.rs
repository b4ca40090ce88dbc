//! The TCP stream driver the stream-dissector targets share: the input is cut into
//! segments (their size from a byte), every fifth is sent twice (a retransmission),
//! every seventh skips ahead (a gap), and a `Stream` delivers the bytes to a PDU parser
//! as the flow layer does.

use ottr::flow::stream::Stream;

/// What one PDU parse found.
pub enum Pdu {
    /// A PDU of this many bytes.
    Len(usize),
    /// More bytes are needed.
    Short,
    /// Not this protocol.
    NotMine,
}

pub fn feed(split: u8, rest: &[u8], mut pdu: impl FnMut(&[u8]) -> Pdu) {
    let step = (split as usize % 64) + 1;
    let mut s = Stream::default();
    let mut seq = 1000u32;
    for (i, seg) in rest.chunks(step).enumerate() {
        if i % 7 == 6 {
            seq = seq.wrapping_add(3);
        }
        for _ in 0..1 + (i % 5 == 4) as usize {
            s.push(seq, seg, |mut b| {
                let mut used = 0;
                loop {
                    match pdu(b) {
                        // A PDU is never empty; guard anyway so the loop always ends.
                        Pdu::Len(0) => return Some(used),
                        Pdu::Len(n) => {
                            let n = n.min(b.len());
                            used += n;
                            b = &b[n..];
                        }
                        Pdu::Short => return Some(used),
                        Pdu::NotMine => return if used > 0 { Some(used) } else { None },
                    }
                }
            });
        }
        seq = seq.wrapping_add(seg.len() as u32);
    }
}
