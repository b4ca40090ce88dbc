//! The PNIO-CM dissector on one UDP datagram: the DCE/RPC connectionless header, the
//! PNIO arguments, blocks, record header, AR block, control command and the
//! operation with its name and class; the view is formatted with `Debug`, touching
//! every field.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::pnio_cm;

fuzz_target!(|data: &[u8]| {
    let Ok(p) = pnio_cm::parse(data) else {
        assert!(data.len() < pnio_cm::HEADER_LEN || data[0] != 4 || data[1] > 10);
        return;
    };
    assert!(p.body().len() <= data.len() - pnio_cm::HEADER_LEN);
    if let Some(x) = p.pnio() {
        assert!(x.blocks().count() <= 64);
        if let Some(ar) = x.ar() {
            assert!(ar.station_name.len() <= data.len());
        }
        black_box(x.responder_name());
    }
    if let Some(op) = pnio_cm::op(&p) {
        black_box((
            pnio_cm::function_name(op.function),
            pnio_cm::function_class(op.function),
        ));
    }
    black_box(p.txn());
    black_box(format!("{p:?}"));
});
