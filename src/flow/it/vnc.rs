//! Flow glue for VNC (RFB): both sides' protocol versions, the security types the
//! server offers and the one chosen (`none` is a finding), the security result and
//! the desktop name; then every byte whole (framebuffer traffic), as Wireshark counts
//! every segment of the connection as VNC. A VNC authentication challenge and response
//! are not secrets (DES of a challenge) and are skipped.

use super::{ItProto, ItState};
use crate::dissect::vnc;
use crate::flow::app::{AppState, Pdu};

/// What a side sends next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Next {
    #[default]
    Version,
    /// Server: its security message. Client: its security-type choice (3.7+).
    Security,
    /// The exchange of the chosen security type (VNC authentication: 16 bytes).
    Auth,
    /// Server: SecurityResult.
    Result,
    /// Server: ServerInit. Client: ClientInit.
    Init,
    /// Not read: bytes taken whole.
    Opaque,
}

#[derive(Clone, Debug, Default)]
pub struct Flow {
    next: [Next; 2],
    /// Minor version each side sent (the client's decides).
    minor: [u16; 2],
    /// Security type decided (3.3) or chosen (3.7+); 0 until known.
    chosen: u32,
}

pub(crate) fn pdu(s: &mut AppState, _p: ItProto, b: &[u8], dir: usize) -> Pdu {
    // The stream asks again after the last whole PDU.
    if b.is_empty() {
        return Pdu::Short;
    }
    let mut st = match std::mem::take(&mut s.it) {
        ItState::Vnc(f) => f,
        _ => Flow::default(),
    };
    let r = match st.step(s, b, dir) {
        Ok(len) => Pdu::plain(len, true),
        Err(vnc::Error::Short { .. }) => Pdu::Short,
        Err(vnc::Error::Malformed) => {
            // Not the handshake expected (a connection seen after its start, or a
            // security type's own exchange): the rest is taken whole.
            st.next[dir] = Next::Opaque;
            Pdu::plain(b.len(), true)
        }
    };
    s.it = ItState::Vnc(st);
    r
}

impl Flow {
    /// The minor version agreed: the client's, else the server's.
    fn minor(&self) -> u16 {
        if self.minor[0] != 0 {
            self.minor[0]
        } else {
            self.minor[1]
        }
    }

    fn step(&mut self, s: &mut AppState, b: &[u8], dir: usize) -> Result<usize, vnc::Error> {
        let by_server = dir == 1;
        let next = self.next[dir];
        let (len, then) = match (next, by_server) {
            (Next::Version, _) => {
                let v = vnc::version(b)?;
                s.note("vnc_version", by_server, v.to_string().as_bytes(), b"");
                // 3.3 clients receive the server's decision and choose nothing.
                self.minor[dir] = v.minor.max(1);
                let then = if by_server || v.minor >= 7 {
                    Next::Security
                } else {
                    Next::Auth
                };
                (vnc::VERSION_LEN, then)
            }
            (Next::Security, true) => {
                let (sec, len) = vnc::security(b, self.minor() < 7)?;
                let then = match sec {
                    vnc::Security::Offered(types) => {
                        for &t in types {
                            let t = t as u32;
                            s.note(
                                "vnc_security",
                                true,
                                vnc::security_name(t).as_bytes(),
                                t.to_string().as_bytes(),
                            );
                        }
                        Next::Auth
                    }
                    vnc::Security::Decided(t) => {
                        self.chosen = t;
                        s.note(
                            "vnc_security",
                            true,
                            vnc::security_name(t).as_bytes(),
                            t.to_string().as_bytes(),
                        );
                        Next::Auth
                    }
                    vnc::Security::Failed(reason) => {
                        s.note("vnc_security", true, b"failed", reason);
                        Next::Opaque
                    }
                };
                (len, then)
            }
            (Next::Security, false) => {
                let &t = b.first().ok_or(vnc::Error::Short { need: 1, have: 0 })?;
                self.chosen = t as u32;
                s.note(
                    "vnc_security",
                    false,
                    vnc::security_name(t as u32).as_bytes(),
                    t.to_string().as_bytes(),
                );
                (1, Next::Auth)
            }
            (Next::Auth, _) => match self.chosen {
                // VNC authentication: a 16-byte challenge, a 16-byte response.
                2 if b.len() >= 16 => (16, if by_server { Next::Result } else { Next::Init }),
                2 => {
                    return Err(vnc::Error::Short {
                        need: 16,
                        have: b.len(),
                    })
                }
                // None: a SecurityResult from 3.8 on, else straight to the init messages.
                1 if by_server && self.minor() >= 8 => {
                    return self.step_as(s, b, dir, Next::Result)
                }
                1 => return self.step_as(s, b, dir, Next::Init),
                _ => return Err(vnc::Error::Malformed),
            },
            (Next::Result, _) => {
                let (ok, reason, len) = vnc::security_result(b, self.minor() >= 8)?;
                let value: &[u8] = if ok { b"ok" } else { b"failed" };
                s.note("vnc_auth_result", true, value, reason);
                (len, if ok { Next::Init } else { Next::Opaque })
            }
            (Next::Init, true) => {
                let (init, len) = vnc::server_init(b)?;
                s.note("vnc_desktop", true, init.name, b"");
                (len, Next::Opaque)
            }
            (Next::Init, false) => (1, Next::Opaque),
            (Next::Opaque, _) => (b.len(), Next::Opaque),
        };
        if len > b.len() {
            return Err(vnc::Error::Short {
                need: len,
                have: b.len(),
            });
        }
        self.next[dir] = then;
        Ok(len)
    }

    fn step_as(
        &mut self,
        s: &mut AppState,
        b: &[u8],
        dir: usize,
        next: Next,
    ) -> Result<usize, vnc::Error> {
        self.next[dir] = next;
        self.step(s, b, dir)
    }
}

#[cfg(test)]
mod tests {
    use crate::flow::app::{AppProto, AppState};
    use crate::flow::it::ItProto;

    /// RFB 3.8 with security type None offered and chosen, then framebuffer bytes.
    #[test]
    fn none_security_and_desktop_name() {
        let mut a = AppState::new(AppProto::It(ItProto::Vnc), true, 5900);
        let (mut cs, mut ss) = (1u32, 1u32);
        let mut feed = |a: &mut AppState, server: bool, b: &[u8], f: u64| {
            let seq = if server { &mut ss } else { &mut cs };
            a.segment(server, *seq, b, 0, (0, f), 60);
            *seq += b.len() as u32;
        };
        feed(&mut a, true, b"RFB 003.008\n", 1);
        feed(&mut a, false, b"RFB 003.008\n", 2);
        feed(&mut a, true, &[2, 1, 2], 3);
        feed(&mut a, false, &[1], 4);
        feed(&mut a, true, &[0, 0, 0, 0], 5);
        feed(&mut a, false, &[1], 6);
        let mut init = vec![4, 0, 3, 0];
        init.extend_from_slice(&[0; 16]);
        init.extend_from_slice(&[0, 0, 0, 5]);
        init.extend_from_slice(b"hmi-1");
        feed(&mut a, true, &init, 7);
        feed(&mut a, true, &[0xff; 300], 8);
        let has = |kind: &str, server: bool, v: &str| {
            a.notes
                .list
                .iter()
                .any(|n| n.kind == kind && n.by_server == server && n.value == v)
        };
        assert!(has("vnc_security", true, "none") && has("vnc_security", false, "none"));
        assert!(has("vnc_auth_result", true, "ok") && has("vnc_desktop", true, "hmi-1"));
        assert!(has("vnc_version", false, "3.8"));
        assert_eq!((a.frames, a.errors), (8, 0));
    }
}
