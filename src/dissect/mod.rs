//! Stateless dissectors: pure functions over a byte slice, zero-copy, that never panic.
//! `net` is the link/network/tunnel decoder every packet goes through; application
//! protocols get one file each.

pub mod modbus;
pub mod net;

/// Operation classes shared by every industrial protocol's outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpClass {
    Read,
    Write,
    Control,
    Program,
    Diagnostic,
    Identity,
    Session,
    Other,
}

impl OpClass {
    pub fn name(self) -> &'static str {
        match self {
            OpClass::Read => "read",
            OpClass::Write => "write",
            OpClass::Control => "control",
            OpClass::Program => "program",
            OpClass::Diagnostic => "diagnostic",
            OpClass::Identity => "identity",
            OpClass::Session => "session",
            OpClass::Other => "other",
        }
    }
}
