//! Flow glue for Snmp: not decoded yet, so these flows count by port.

use super::ItProto;
use crate::flow::app::{AppState, Pdu};

pub(crate) fn pdu(_s: &mut AppState, _p: ItProto, _b: &[u8], _dir: usize) -> Pdu {
    Pdu::NotMine
}
