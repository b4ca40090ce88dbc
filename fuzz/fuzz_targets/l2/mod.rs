//! Shared by the link-layer targets: feeds frames split from the input to one
//! link-layer flow and checks what it counted.

use std::hint::black_box;

use ottr::flow::l2::{L2App, L2Key, L2Rec, L2Table};

/// The first byte sets the frame size (0: the whole input is one frame).
pub fn flow(app: L2App, data: &[u8]) {
    let Some((&size, rest)) = data.split_first() else {
        return;
    };
    let key = L2Key {
        src: [0, 1, 2, 3, 4, 5],
        dst: [1, 0x0c, 0xcd, 1, 0, 0],
        vlan: 0,
        app,
    };
    let size = if size == 0 {
        rest.len().max(1)
    } else {
        size as usize
    };
    let mut t = L2Table::default();
    let mut n = 0u64;
    let mut off = 0usize;
    while off < rest.len() {
        let len = size.min(rest.len() - off);
        n += 1;
        let r = L2Rec {
            key,
            hash: key.hash(),
            frame: n,
            ts_ns: n as i64,
            wire_len: len as u32,
            payload_off: off as u32,
            payload_len: len as u32,
        };
        t.update(&r, 0, 0, rest);
        off += len;
    }
    let flows = t.into_flows();
    if n > 0 {
        assert_eq!(flows.len(), 1);
        let f = &flows[0];
        assert_eq!(f.frames, n);
        assert!(f.ops.iter().map(|(_, s)| s.pdus).sum::<u64>() <= n);
        for g in &f.goose {
            assert!(g.sq_anomalies + g.st_jumps + g.st_without_sq_reset < g.frames.max(1));
        }
        black_box(format!("{f:?}"));
        black_box(ottr::flow::l2::op_rows(&flows));
    }
}
