//! Flow glue for SNMP: each datagram's PDU is an operation (function code = the PDU
//! tag: get, getnext and getbulk read, set writes, traps and informs are other,
//! response and report answer), the v1/v2c community is a secret (`snmp_community`,
//! once per flow and value, from whichever side sent it), v3 gives the account
//! (`user`) and its security level (`snmp_v3_security`), a set's first OID is noted
//! (`snmp_oid`), and a response's sysDescr.0 / sysName.0 become the agent's `product`
//! and `name`.

use super::{ItProto, ItState};
use crate::dissect::ber::{Class, Tag};
use crate::dissect::snmp::{self, PduType};
use crate::dissect::{Op, OpClass};
use crate::flow::app::{AppState, Pdu};

/// What an SNMP flow remembers: the last community recorded.
#[derive(Clone, Debug, Default)]
pub struct State {
    community: Option<Vec<u8>>,
}

/// Name of a function code (PDU tag).
pub(super) fn code_name(code: u16) -> &'static str {
    u8::try_from(code).map_or("unknown", |c| PduType(c).name())
}

/// Class of a function code (PDU tag).
pub(super) fn code_class(code: u16) -> OpClass {
    u8::try_from(code).map_or(OpClass::Other, |c| PduType(c).class())
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    let Ok(m) = snmp::parse(b) else {
        return Pdu::NotMine;
    };
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Snmp(st) => st,
        _ => State::default(),
    };
    if let Some(c) = m.community {
        if st.community.as_deref() != Some(c) {
            s.secret("snmp_community", dir == 0, b"", c);
            st.community = Some(c[..c.len().min(super::ftp::MAX_USER)].to_vec());
        }
    }
    s.it = ItState::Snmp(st);
    if let Some(user) = m.user {
        s.note("user", false, user, b"");
    }
    if let Some(level) = m.level {
        s.note("snmp_v3_security", dir == 1, level.name().as_bytes(), b"");
    }
    let mut op = None;
    let mut txn = None;
    if let Some(p) = m.pdu {
        if p.kind == PduType::SET {
            if let Some((oid, _)) = p.varbinds().next() {
                s.note("snmp_oid", false, oid.to_string().as_bytes(), b"set");
            }
        }
        if p.kind == PduType::RESPONSE && dir == 1 {
            for (oid, v) in p.varbinds().take(64) {
                let field = match oid.0 {
                    snmp::SYS_DESCR => "product",
                    snmp::SYS_NAME => "name",
                    _ => continue,
                };
                if v.tag.is(Class::Universal, Tag::OCTET_STRING) {
                    let frame = s.at().frame;
                    s.fact(true, field, v.value, frame);
                }
            }
        }
        let response = p.kind.is_response();
        op = Some(Op {
            unit: 0,
            function: p.kind.0 as u16,
            exception: response && p.error_status != 0,
            request: Some(!response),
        });
        // A v1 trap has no request id; informs and their responses pair.
        txn = (p.kind != PduType::TRAP_V1).then_some(p.request_id as u32);
    }
    Pdu::Done {
        len: b.len(),
        op,
        txn,
        counts: true,
    }
}
