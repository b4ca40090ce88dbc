//! The line-based and small cleartext parsers (FTP, POP3/IMAP/SMTP, Telnet, TFTP,
//! syslog, rexec/rlogin/rsh setup, base64 and SASL PLAIN) on the same input: lines
//! split as the flow glue splits them, every view formatted with `Debug`.
#![no_main]

use std::hint::black_box;

use libfuzzer_sys::fuzz_target;
use ottr::dissect::{ftp, mail, rsvc, syslog, telnet, textline, tftp};

fuzz_target!(|data: &[u8]| {
    let mut b = data;
    let mut buf = [0u8; 64];
    while let Some((l, n)) = textline::line(b) {
        assert!(n > 0 && n <= b.len());
        let f = ftp::parse(l);
        if let ftp::Line::Command { verb, arg } = f {
            let (v, k) = ftp::upper(verb);
            black_box((ftp::names_file(&v[..k]), textline::word(arg)));
        }
        black_box(format!("{f:?}"));
        if let Some((_, _, args)) = mail::imap_command(l) {
            black_box(mail::astring(args).map(|(_, r)| mail::astring(r)));
        }
        if let Some(n) = textline::base64(l, &mut buf) {
            black_box(textline::sasl_plain(&buf[..n]));
        }
        b = &b[n..];
    }
    let mut d = telnet::Decoder::default();
    black_box(d.data(data).count());
    black_box(format!("{:?} {:?}", tftp::parse(data), syslog::parse(data)));
    if let Ok(s) = rsvc::parse(data) {
        assert!(s.len() <= data.len());
        black_box(format!("{s:?}"));
    }
});
