//! The EtherNet/IP dissector, alone and behind the TCP stream that feeds it: the first
//! byte splits the input into segments (some retransmitted, some with gaps), the rest
//! is the stream's bytes. The rest is also read directly as encapsulation messages, as
//! a UDP I/O datagram, as a bare CIP message and as an EPATH. Every message is
//! formatted with `Debug` (which walks its items, CIP messages and their embedded
//! messages), and its operations, names, classes and units are looked up.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::enip::{self, Cip, Encap, Identity, Path};

/// Everything a consumer can ask of one CIP message and those it carries.
fn touch_cip(m: &Cip<'_>, depth: u8) {
    assert!(!m.is_empty());
    assert_eq!(m.is_response(), m.general_status().is_some());
    assert_eq!(m.is_response(), m.path().is_none());
    let f = m.function();
    assert!((0x100..0x800).contains(&f));
    black_box((
        enip::function_name(f),
        enip::function_class(f).name(),
        enip::unit_text(m.unit()),
        m.name(),
        m.service().class_in(m.space()),
        m.general_status().map(|g| g.name()),
        m.additional_status(),
        m.data(),
        m.identity(),
    ));
    if let Some(p) = m.path() {
        touch_path(&p);
    }
    if depth >= enip::MAX_DEPTH {
        return;
    }
    let e = m.embedded();
    let announced = e.announced();
    let mut n = 0;
    for inner in e {
        n += 1;
        touch_cip(&inner, depth + 1);
    }
    assert!(n <= announced as usize);
    if let Some(u) = m.unconnected_send() {
        touch_cip(&u.message, depth + 1);
        if let Some(r) = u.route {
            touch_path(&r);
        }
    }
}

fn touch_path(p: &Path<'_>) {
    let n = p.segments().count();
    assert!(n <= p.bytes().len());
    black_box((
        p.class(),
        p.instance(),
        p.attribute(),
        p.member(),
        p.connection_point(),
        p.symbol(),
        p.fits(),
        format!("{p:?}"),
    ));
}

fn touch_identity(i: &Identity<'_>) {
    black_box((i.revision_text(), format!("{i:?}")));
}

/// Everything a consumer can ask of one encapsulation message; checks the invariants
/// that hold for any.
fn touch(e: &Encap<'_>, b: &[u8]) {
    assert!(e.len() <= b.len() && e.len() >= enip::HEADER_LEN && !e.is_empty());
    assert!(e.command().is_known() && e.options() == 0);
    assert_eq!(e.len(), enip::HEADER_LEN + e.length() as usize);
    let mut n = 0usize;
    let cip = e.message().is_some();
    enip::ops(e, |op| {
        n += 1;
        black_box((
            enip::function_name(op.function),
            enip::function_class(op.function).name(),
            enip::unit_text(op.unit),
        ));
        // Either CIP services (with their direction) or the one command.
        assert_eq!(cip, op.function >= 0x100);
        assert_eq!(cip, op.request.is_some());
        if !cip {
            assert_eq!(op.function, e.command().0);
        }
    });
    assert!(n >= 1 && n <= 1 + e.len());
    black_box((
        format!("{e:?}"),
        e.command().name(),
        e.command().class(),
        e.status().name(),
        e.session(),
        e.sender_context(),
        e.register_session(),
    ));
    if let Some(cpf) = e.cpf() {
        black_box((cpf.interface_handle(), cpf.timeout(), cpf.fits()));
        assert!(cpf.items().count() <= cpf.count() as usize);
        for i in cpf.items() {
            black_box((
                i.kind().name(),
                i.connection_id(),
                i.address_sequence(),
                i.sequence_count(),
                i.sockaddr(),
                i.list_service(),
                format!("{i:?}"),
            ));
            if let Some(id) = i.identity() {
                touch_identity(&id);
            }
        }
    }
    for m in e.messages() {
        touch_cip(&m, 0);
    }
    if let Some(id) = e.identity() {
        touch_identity(&id);
    }
}

mod segments;
use segments::Pdu;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let mut b = rest;
    while let Ok(e) = enip::parse(b) {
        touch(&e, b);
        b = &b[e.len()..];
    }
    if let Some(io) = enip::parse_io(rest) {
        assert!(io.data.len() <= rest.len());
        black_box(format!("{io:?}"));
    }
    if let Some(m) = Cip::parse(rest) {
        black_box(format!("{m:?}"));
        touch_cip(&m, 0);
    }
    touch_path(&Path::new(rest));
    for id in [
        Identity::from_attributes(rest),
        Identity::from_list_identity(rest),
    ]
    .into_iter()
    .flatten()
    {
        touch_identity(&id);
    }

    segments::feed(split, rest, |b| match enip::parse(b) {
        Ok(e) => {
            touch(&e, b);
            Pdu::Len(e.len())
        }
        Err(enip::Error::Short { .. }) => Pdu::Short,
        Err(_) => Pdu::NotMine,
    });
});
