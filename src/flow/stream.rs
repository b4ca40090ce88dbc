//! One direction of a TCP connection, in order: segments are trimmed against what was
//! already delivered (retransmissions), a gap drops any partial PDU, and a bounded
//! carry buffer joins a PDU split across segments. Out-of-order segments are not
//! buffered: after a gap the stream resumes at the next segment.

/// Most bytes carried between segments (a PDU split across them).
pub const MAX_CARRY: usize = 64 * 1024;

#[derive(Clone, Debug, Default)]
pub struct Stream {
    next_seq: Option<u32>,
    carry: Vec<u8>,
    /// Gaps seen (lost or not captured data).
    pub gaps: u32,
}

impl Stream {
    /// Delivers a segment's new bytes to `parse`, which returns how many bytes it
    /// consumed (whole PDUs) or `None` when the bytes are not this protocol (the
    /// stream then drops what it carries). Returns true when every byte had been
    /// delivered before (a retransmission).
    pub fn push(
        &mut self,
        seq: u32,
        payload: &[u8],
        mut parse: impl FnMut(&[u8]) -> Option<usize>,
    ) -> bool {
        let mut data = payload;
        if let Some(next) = self.next_seq {
            let ahead = seq.wrapping_sub(next) as i32;
            if ahead < 0 {
                // Already delivered (retransmission or overlap): keep only the new part.
                let seen = ahead.unsigned_abs() as usize;
                if seen >= data.len() {
                    return true;
                }
                data = &data[seen..];
            } else if ahead > 0 {
                self.gaps += 1;
                self.carry.clear();
            }
        }
        self.next_seq = Some(seq.wrapping_add(payload.len() as u32));
        if data.is_empty() {
            return false;
        }
        if self.carry.is_empty() {
            match parse(data) {
                Some(used) if used < data.len() => self.keep(&data[used..]),
                Some(_) => {}
                None => {}
            }
        } else {
            self.carry.extend_from_slice(data);
            let buf = std::mem::take(&mut self.carry);
            match parse(&buf) {
                Some(used) if used < buf.len() => self.keep(&buf[used..]),
                _ => {}
            }
        }
        false
    }

    /// Takes a segment without its bytes when it is exactly the next one expected and
    /// nothing is carried: the caller already knows what it holds.
    pub fn skip_in_order(&mut self, seq: u32, len: usize) -> bool {
        let in_order = self.next_seq.is_none_or(|n| n == seq);
        if in_order && self.carry.is_empty() {
            self.next_seq = Some(seq.wrapping_add(len as u32));
            true
        } else {
            false
        }
    }

    fn keep(&mut self, rest: &[u8]) {
        if rest.len() <= MAX_CARRY {
            self.carry.clear();
            self.carry.extend_from_slice(rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy protocol: a length byte then that many bytes.
    fn pdus(out: &mut Vec<Vec<u8>>) -> impl FnMut(&[u8]) -> Option<usize> + '_ {
        move |mut b: &[u8]| {
            let mut used = 0;
            while let Some(&n) = b.first() {
                let Some(p) = b.get(1..1 + n as usize) else {
                    break;
                };
                out.push(p.to_vec());
                used += 1 + n as usize;
                b = &b[1 + n as usize..];
            }
            Some(used)
        }
    }

    #[test]
    fn split_pdus_join_and_retransmissions_are_dropped() {
        let mut s = Stream::default();
        let mut got = Vec::new();
        s.push(100, &[3, 1, 2], pdus(&mut got));
        s.push(103, &[3, 2, 1], pdus(&mut got));
        s.push(103, &[3, 2, 1], pdus(&mut got)); // retransmission
                                                 // Bytes so far: 3 1 2 3 2 1 | this segment overlaps the last two.
        s.push(104, &[2, 1, 2, 9], pdus(&mut got));
        assert_eq!(got, vec![vec![1, 2, 3], vec![1, 2]]);
        assert_eq!(s.gaps, 0);
    }

    #[test]
    fn a_gap_drops_the_partial_pdu() {
        let mut s = Stream::default();
        let mut got = Vec::new();
        s.push(1, &[5, 1, 2], pdus(&mut got));
        s.push(50, &[1, 7], pdus(&mut got));
        assert_eq!(got, vec![vec![7]]);
        assert_eq!(s.gaps, 1);
    }
}
