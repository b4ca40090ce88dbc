//! The flow glue of the remote-access protocols other than TLS and SSH (RDP, VNC, X11,
//! WinRM and TeamViewer), both directions, segments of the size the first byte sets.
//! The RDP, VNC and X11 dissectors alone have their own targets.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::flow::app::{AppProto, AppState};
use ottr::flow::it::ItProto;

fn flow(proto: ItProto, port: u16, split: u8, rest: &[u8]) {
    let mut app = AppState::new(AppProto::It(proto), true, port);
    let mut seq = [1000u32, 5000];
    let step = (split as usize % 64) + 1;
    for (i, seg) in rest.chunks(step).enumerate() {
        let from_server = split >> (i % 8) & 1 == 1;
        let d = from_server as usize;
        app.segment(from_server, seq[d], seg, i as i64, (0, i as u64), 60);
        seq[d] = seq[d].wrapping_add(seg.len() as u32);
    }
    black_box(format!("{:?}", app.notes));
    assert!(app.frames <= rest.len() as u64);
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    flow(ItProto::Rdp, 3389, split, rest);
    flow(ItProto::Vnc, 5900, split, rest);
    flow(ItProto::X11, 6000, split, rest);
    flow(ItProto::Winrm, 5985, split, rest);
    flow(ItProto::TeamViewer, 5938, split, rest);
    let mut app = AppState::new(AppProto::It(ItProto::TeamViewer), true, 5938);
    app.datagram(split & 1 == 1, rest, 0, (0, 0), 60);
});
