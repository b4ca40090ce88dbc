//! The GOOSE dissector on one ethertype payload, then the link-layer flow that keeps
//! its sequence state: the first byte splits the rest into frames of one publisher, so
//! stNum/sqNum checks run over successive frames. Every view is formatted with `Debug`.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::goose;

mod l2;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = goose::parse(data) {
        black_box(format!(
            "{f:?} {}",
            goose::function_name(goose::op(&f).function)
        ));
        assert!(f.header.length() as usize >= goose::HEADER_LEN);
        assert_eq!(goose::op(&f).unit, f.header.appid() as u64);
    }
    l2::flow(ottr::flow::l2::L2App::Goose, data);
});
