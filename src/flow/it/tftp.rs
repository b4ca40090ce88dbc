//! Flow glue for TFTP on port 69: a read or write request is an operation (RRQ reads,
//! WRQ writes) and names a file (`tftp_file`, detail `read`/`write`) and a transfer
//! mode (`tftp_mode`). The transfer itself runs between other ports, outside this
//! flow.

use super::ItProto;
use crate::dissect::tftp::{self, Opcode};
use crate::dissect::{Op, OpClass};
use crate::flow::app::{AppState, Pdu};

/// Name of a function code (opcode).
pub(super) fn code_name(code: u16) -> &'static str {
    Opcode(code).name()
}

/// Class of a function code (opcode).
pub(super) fn code_class(code: u16) -> OpClass {
    Opcode(code).class()
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], _dir: usize) -> Pdu {
    let Ok(p) = tftp::parse(b) else {
        return Pdu::NotMine;
    };
    let mut op = None;
    if p.opcode == Opcode::RRQ || p.opcode == Opcode::WRQ {
        let how: &[u8] = if p.opcode == Opcode::RRQ {
            b"read"
        } else {
            b"write"
        };
        s.note("tftp_file", false, p.file.unwrap_or(b""), how);
        s.note("tftp_mode", false, p.mode.unwrap_or(b""), b"");
        op = Some(Op {
            unit: 0,
            function: p.opcode.0,
            exception: false,
            request: Some(true),
        });
    }
    Pdu::Done {
        len: b.len(),
        op,
        txn: None,
        counts: true,
    }
}
