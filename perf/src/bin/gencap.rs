//! gencap: deterministic generator of a large, realistic OT plant capture.
//!
//! ```text
//! gencap --out FILE --size 2GiB [--seed N] [--hosts N] [--quiet]
//! ```
//!
//! Writes classic pcap (microsecond, little-endian, LINKTYPE_ETHERNET). The plant
//! (hosts, subnets, sessions, ports, flows) is a pure function of `--seed` and
//! `--hosts`; `--size` only decides where the simulation stops. A smaller file is
//! therefore a byte-exact prefix of a larger one with the same seed/hosts (modulo
//! the last record), and a 4x larger file has the same traffic mix, hosts and
//! 5-tuples, just 4x more of it.
//!
//! The simulation is event driven: every session (a Modbus poller, an IEC 104
//! link, a DNS client, ...) produces one "transaction" at a time (a poll cycle:
//! request, response, ACK), and a heap merges all sessions in timestamp order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use ottr_perf::parse_size;

/// 2024-03-11T06:00:00Z: the capture's first second.
const BASE_UNIX: u64 = 1_710_136_800;
const MS: u64 = 1_000;
const SEC: u64 = 1_000_000;
const MSS: usize = 1460;

// ------------------------------------------------------------------------------------------
// PRNG (splitmix64): small, fast, and fully specified here so output never depends on a
// crate's version.
// ------------------------------------------------------------------------------------------

#[derive(Clone)]
struct Rng(u64);

fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(mix64(seed ^ 0x005E_ED0F_077A_u64))
    }
    #[inline]
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when n == 0).
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    #[inline]
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    #[inline]
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    #[inline]
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.below(s.len() as u64) as usize]
    }
    /// Pick from `(value, weight)` pairs.
    fn weighted<T: Copy>(&mut self, s: &[(T, u32)]) -> T {
        let total: u32 = s.iter().map(|x| x.1).sum();
        let mut r = self.below(total as u64) as u32;
        for &(v, w) in s {
            if r < w {
                return v;
            }
            r -= w;
        }
        s[s.len() - 1].0
    }
    /// `period` with +-`frac` uniform jitter.
    fn jitter(&mut self, period: u64, frac: f64) -> u64 {
        let j = (period as f64 * frac) as u64;
        (period - j + self.below(2 * j + 1)).max(1)
    }
    /// Exponential with the given mean, clamped to `[lo, hi]`.
    fn exp(&mut self, mean: u64, lo: u64, hi: u64) -> u64 {
        let u = self.unit().max(1e-12);
        ((-u.ln() * mean as f64) as u64).clamp(lo, hi)
    }
    fn bytes(&mut self, out: &mut Vec<u8>, n: usize) {
        let mut left = n;
        while left >= 8 {
            out.extend_from_slice(&self.next().to_le_bytes());
            left -= 8;
        }
        if left > 0 {
            out.extend_from_slice(&self.next().to_le_bytes()[..left]);
        }
    }
    fn arr32(&mut self) -> [u8; 32] {
        let mut a = [0u8; 32];
        for c in a.chunks_mut(8) {
            c.copy_from_slice(&self.next().to_le_bytes());
        }
        a
    }
}

// ------------------------------------------------------------------------------------------
// Topology
// ------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Os {
    Windows,
    Linux,
    Plc,
    Router,
    Public,
    Bcast,
}

struct Host {
    ip: [u8; 4],
    mac: [u8; 6],
    subnet: usize,
    ttl: u8,
    win: u16,
    ip_id: u16,
    os: Os,
    name: String,
}

struct Subnet {
    net: [u8; 3],
    vlan: u16,
    router_mac: [u8; 6],
    bcast: usize,
}

const PUBLIC: usize = usize::MAX;

// A few real vendor OUIs so the MACs look like a plant floor.
const OUI_CISCO: [u8; 3] = [0x00, 0x1e, 0xbd];
const OUI_VMWARE: [u8; 3] = [0x00, 0x50, 0x56];
const OUI_DELL: [u8; 3] = [0x18, 0x66, 0xda];
const OUI_HP: [u8; 3] = [0x3c, 0xd9, 0x2b];
const OUI_ADVANTECH: [u8; 3] = [0x00, 0xd0, 0xc9];
const OUI_SIEMENS: [u8; 3] = [0x00, 0x1b, 0x1b];
const OUI_ROCKWELL: [u8; 3] = [0x00, 0x00, 0xbc];
const OUI_SCHNEIDER: [u8; 3] = [0x00, 0x80, 0xf4];
const OUI_WAGO: [u8; 3] = [0x00, 0x30, 0xde];
const OUI_SEL: [u8; 3] = [0x00, 0x30, 0xa7];
const OUI_ABB: [u8; 3] = [0x00, 0x0c, 0x01];
const OUI_MOXA: [u8; 3] = [0x00, 0x90, 0xe8];
const OUI_HIRSCHMANN: [u8; 3] = [0x00, 0x80, 0x63];
const OUI_BECKHOFF: [u8; 3] = [0x00, 0x01, 0x05];
const OUI_HONEYWELL: [u8; 3] = [0x00, 0x40, 0x84];

struct Net {
    hosts: Vec<Host>,
    subnets: Vec<Subnet>,
}

impl Net {
    fn mac(rng: &mut Rng, oui: [u8; 3]) -> [u8; 6] {
        let r = rng.next();
        [
            oui[0],
            oui[1],
            oui[2],
            r as u8,
            (r >> 8) as u8,
            (r >> 16) as u8,
        ]
    }

    fn add_subnet(&mut self, rng: &mut Rng, net: [u8; 3], vlan: u16) -> usize {
        let idx = self.subnets.len();
        let router_mac = Net::mac(rng, OUI_CISCO);
        let bcast = self.hosts.len();
        self.hosts.push(Host {
            ip: [net[0], net[1], net[2], 255],
            mac: [0xff; 6],
            subnet: idx,
            ttl: 0,
            win: 0,
            ip_id: 0,
            os: Os::Bcast,
            name: format!("{}.{}.{}.255", net[0], net[1], net[2]),
        });
        self.hosts.push(Host {
            ip: [net[0], net[1], net[2], 1],
            mac: router_mac,
            subnet: idx,
            ttl: 255,
            win: 4128,
            ip_id: rng.next() as u16,
            os: Os::Router,
            name: format!("gw-{}-{}", net[1], net[2]),
        });
        self.subnets.push(Subnet {
            net,
            vlan,
            router_mac,
            bcast,
        });
        idx
    }

    fn gw(&self, subnet: usize) -> usize {
        self.subnets[subnet].bcast + 1
    }

    fn add_host(
        &mut self,
        rng: &mut Rng,
        subnet: usize,
        last: u8,
        os: Os,
        oui: [u8; 3],
        name: &str,
    ) -> usize {
        let n = self.subnets[subnet].net;
        let (ttl, win) = match os {
            Os::Windows => (128, 64240),
            Os::Linux => (64, 64240),
            Os::Plc => (
                rng.pick(&[30u8, 60, 64, 64, 128]),
                rng.pick(&[2048u16, 4096, 8192, 8192, 5840]),
            ),
            _ => (64, 8192),
        };
        let idx = self.hosts.len();
        self.hosts.push(Host {
            ip: [n[0], n[1], n[2], last],
            mac: Net::mac(rng, oui),
            subnet,
            ttl,
            win,
            ip_id: rng.next() as u16,
            os,
            name: name.to_string(),
        });
        idx
    }

    fn add_public(&mut self, ip: [u8; 4], ttl: u8, name: &str) -> usize {
        let idx = self.hosts.len();
        self.hosts.push(Host {
            ip,
            mac: [0; 6],
            subnet: PUBLIC,
            ttl,
            win: 65535,
            ip_id: (idx as u16).wrapping_mul(7919),
            os: Os::Public,
            name: name.to_string(),
        });
        idx
    }
}

// ------------------------------------------------------------------------------------------
// Frame writer
// ------------------------------------------------------------------------------------------

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// TCP SYN options: MSS 1460, NOP, WS 8, NOP, NOP, SACK permitted (Windows style).
const SYN_OPTS_WIN: &[u8] = &[2, 4, 0x05, 0xb4, 1, 3, 3, 8, 1, 1, 4, 2];
/// TCP SYN options of a small embedded stack: MSS only.
const SYN_OPTS_MSS: &[u8] = &[2, 4, 0x05, 0xb4];

#[inline]
fn csum_add(mut sum: u64, data: &[u8]) -> u64 {
    let mut it = data.chunks_exact(2);
    for c in &mut it {
        sum += u16::from_be_bytes([c[0], c[1]]) as u64;
    }
    if let [x] = it.remainder() {
        sum += (*x as u64) << 8;
    }
    sum
}

#[inline]
fn csum_fold(mut sum: u64) -> u16 {
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Where one session's pending frames are built, then drained in time order.
struct Emit<'a> {
    hosts: &'a mut [Host],
    subnets: &'a [Subnet],
    arena: &'a mut Vec<u8>,
    queue: &'a mut Vec<(u64, u32, u32)>,
}

impl Emit<'_> {
    /// Ethernet (+ optional 802.1Q) header for a frame from host `a` to host `b` as seen by
    /// a SPAN port on the sender's segment.
    fn eth(&mut self, a: usize, b: usize, ethertype: u16) -> usize {
        let ha = &self.hosts[a];
        let hb = &self.hosts[b];
        let (src, dst, sn) = if hb.os == Os::Bcast {
            (ha.mac, [0xff; 6], ha.subnet)
        } else if ha.subnet == hb.subnet {
            (ha.mac, hb.mac, ha.subnet)
        } else if ha.subnet == PUBLIC {
            (self.subnets[hb.subnet].router_mac, hb.mac, hb.subnet)
        } else {
            (ha.mac, self.subnets[ha.subnet].router_mac, ha.subnet)
        };
        let vlan = self.subnets[sn].vlan;
        self.raw_eth(src, dst, vlan, ethertype)
    }

    fn raw_eth(&mut self, src: [u8; 6], dst: [u8; 6], vlan: u16, ethertype: u16) -> usize {
        let start = self.arena.len();
        self.arena.extend_from_slice(&dst);
        self.arena.extend_from_slice(&src);
        if vlan != 0 {
            self.arena.extend_from_slice(&[0x81, 0x00]);
            self.arena.extend_from_slice(&vlan.to_be_bytes());
        }
        self.arena.extend_from_slice(&ethertype.to_be_bytes());
        start
    }

    fn ipv4(&mut self, a: usize, b: usize, proto: u8, l4len: usize, df: bool) -> u64 {
        let (src, ttl, id) = {
            let h = &mut self.hosts[a];
            h.ip_id = h.ip_id.wrapping_add(1);
            (h.ip, h.ttl, h.ip_id)
        };
        let dst = self.hosts[b].ip;
        let tot = (20 + l4len) as u16;
        let mut hdr = [0u8; 20];
        hdr[0] = 0x45;
        hdr[2..4].copy_from_slice(&tot.to_be_bytes());
        hdr[4..6].copy_from_slice(&id.to_be_bytes());
        hdr[6] = if df { 0x40 } else { 0 };
        hdr[8] = ttl;
        hdr[9] = proto;
        hdr[12..16].copy_from_slice(&src);
        hdr[16..20].copy_from_slice(&dst);
        let c = csum_fold(csum_add(0, &hdr));
        hdr[10..12].copy_from_slice(&c.to_be_bytes());
        self.arena.extend_from_slice(&hdr);
        // pseudo-header sum for the L4 checksum
        let mut ps = csum_add(0, &src);
        ps = csum_add(ps, &dst);
        ps + proto as u64 + l4len as u64
    }

    fn finish(&mut self, ts: u64, start: usize) {
        if self.arena.len() - start < 60 {
            self.arena.resize(start + 60, 0);
        }
        self.queue
            .push((ts, start as u32, (self.arena.len() - start) as u32));
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp(
        &mut self,
        ts: u64,
        a: usize,
        b: usize,
        sport: u16,
        dport: u16,
        seq: u32,
        ack: u32,
        flags: u8,
        opts: &[u8],
        payload: &[u8],
    ) {
        let start = self.eth(a, b, 0x0800);
        let hl = 20 + opts.len();
        let ps = self.ipv4(a, b, 6, hl + payload.len(), true);
        let win = self.hosts[a].win;
        let t0 = self.arena.len();
        let ar = &mut *self.arena;
        ar.extend_from_slice(&sport.to_be_bytes());
        ar.extend_from_slice(&dport.to_be_bytes());
        ar.extend_from_slice(&seq.to_be_bytes());
        ar.extend_from_slice(&(if flags & ACK != 0 { ack } else { 0 }).to_be_bytes());
        ar.push(((hl / 4) as u8) << 4);
        ar.push(flags);
        ar.extend_from_slice(&win.to_be_bytes());
        ar.extend_from_slice(&[0, 0, 0, 0]);
        ar.extend_from_slice(opts);
        ar.extend_from_slice(payload);
        let c = csum_fold(csum_add(ps, &ar[t0..]));
        ar[t0 + 16..t0 + 18].copy_from_slice(&c.to_be_bytes());
        self.finish(ts, start);
    }

    fn udp(&mut self, ts: u64, a: usize, b: usize, sport: u16, dport: u16, payload: &[u8]) {
        let start = self.eth(a, b, 0x0800);
        let l = 8 + payload.len();
        let ps = self.ipv4(a, b, 17, l, self.hosts[a].os == Os::Linux);
        let t0 = self.arena.len();
        let ar = &mut *self.arena;
        ar.extend_from_slice(&sport.to_be_bytes());
        ar.extend_from_slice(&dport.to_be_bytes());
        ar.extend_from_slice(&(l as u16).to_be_bytes());
        ar.extend_from_slice(&[0, 0]);
        ar.extend_from_slice(payload);
        let mut c = csum_fold(csum_add(ps, &ar[t0..]));
        if c == 0 {
            c = 0xffff;
        }
        ar[t0 + 6..t0 + 8].copy_from_slice(&c.to_be_bytes());
        self.finish(ts, start);
    }

    #[allow(clippy::too_many_arguments)]
    fn icmp_echo(
        &mut self,
        ts: u64,
        a: usize,
        b: usize,
        typ: u8,
        id: u16,
        seq: u16,
        payload: &[u8],
    ) {
        let start = self.eth(a, b, 0x0800);
        self.ipv4(a, b, 1, 8 + payload.len(), self.hosts[a].os == Os::Linux);
        let t0 = self.arena.len();
        let ar = &mut *self.arena;
        ar.extend_from_slice(&[typ, 0, 0, 0]);
        ar.extend_from_slice(&id.to_be_bytes());
        ar.extend_from_slice(&seq.to_be_bytes());
        ar.extend_from_slice(payload);
        let c = csum_fold(csum_add(0, &ar[t0..]));
        ar[t0 + 2..t0 + 4].copy_from_slice(&c.to_be_bytes());
        self.finish(ts, start);
    }

    /// ARP request (broadcast, `a` asks for `b`) or reply (`a` answers `b`).
    fn arp(&mut self, ts: u64, a: usize, b: usize, reply: bool) {
        let (amac, aip, sn) = (self.hosts[a].mac, self.hosts[a].ip, self.hosts[a].subnet);
        let (bmac, bip) = (self.hosts[b].mac, self.hosts[b].ip);
        let vlan = self.subnets[sn].vlan;
        let start = self.raw_eth(amac, if reply { bmac } else { [0xff; 6] }, vlan, 0x0806);
        let ar = &mut *self.arena;
        ar.extend_from_slice(&[0, 1, 8, 0, 6, 4, 0, if reply { 2 } else { 1 }]);
        ar.extend_from_slice(&amac);
        ar.extend_from_slice(&aip);
        ar.extend_from_slice(if reply { &bmac } else { &[0u8; 6] });
        ar.extend_from_slice(&bip);
        self.finish(ts, start);
    }
}

/// State of one TCP connection between a client and a server host.
struct TcpConn {
    c: usize,
    s: usize,
    cp: u16,
    sp: u16,
    cseq: u32,
    sseq: u32,
    copts: &'static [u8],
    sopts: &'static [u8],
}

impl TcpConn {
    fn new(net: &Net, rng: &mut Rng, c: usize, s: usize, cp: u16, sp: u16) -> TcpConn {
        let opts = |os: Os| {
            if matches!(os, Os::Windows | Os::Linux | Os::Public) {
                SYN_OPTS_WIN
            } else {
                SYN_OPTS_MSS
            }
        };
        TcpConn {
            c,
            s,
            cp,
            sp,
            cseq: rng.next() as u32,
            sseq: rng.next() as u32,
            copts: opts(net.hosts[c].os),
            sopts: opts(net.hosts[s].os),
        }
    }

    /// New incarnation (new port from a pool, fresh ISNs) for connect-per-transaction clients.
    fn renew(&mut self, rng: &mut Rng, cp: u16) {
        self.cp = cp;
        self.cseq = rng.next() as u32;
        self.sseq = rng.next() as u32;
    }

    fn open(&mut self, em: &mut Emit, t: u64, rtt: u64) -> u64 {
        em.tcp(
            t,
            self.c,
            self.s,
            self.cp,
            self.sp,
            self.cseq,
            0,
            SYN,
            self.copts,
            &[],
        );
        self.cseq = self.cseq.wrapping_add(1);
        let t1 = t + rtt;
        em.tcp(
            t1,
            self.s,
            self.c,
            self.sp,
            self.cp,
            self.sseq,
            self.cseq,
            SYN | ACK,
            self.sopts,
            &[],
        );
        self.sseq = self.sseq.wrapping_add(1);
        let t2 = t1 + rtt / 4 + 30;
        em.tcp(
            t2,
            self.c,
            self.s,
            self.cp,
            self.sp,
            self.cseq,
            self.sseq,
            ACK,
            &[],
            &[],
        );
        t2
    }

    /// Send `payload` from one side, segmented by MSS; the receiver ACKs every second
    /// full segment. Returns the time of the last segment.
    fn send(&mut self, em: &mut Emit, t: u64, from_client: bool, payload: &[u8]) -> u64 {
        let (a, b, ap, bp) = if from_client {
            (self.c, self.s, self.cp, self.sp)
        } else {
            (self.s, self.c, self.sp, self.cp)
        };
        let mut ts = t;
        let n = payload.len().div_ceil(MSS);
        for (i, seg) in payload.chunks(MSS).enumerate() {
            let last = i + 1 == n;
            let (seq, ack) = if from_client {
                (self.cseq, self.sseq)
            } else {
                (self.sseq, self.cseq)
            };
            em.tcp(
                ts,
                a,
                b,
                ap,
                bp,
                seq,
                ack,
                if last { PSH | ACK } else { ACK },
                &[],
                seg,
            );
            if from_client {
                self.cseq = self.cseq.wrapping_add(seg.len() as u32);
            } else {
                self.sseq = self.sseq.wrapping_add(seg.len() as u32);
            }
            if !last {
                ts += 13; // ~1 Gb/s serialisation
                if i % 2 == 1 {
                    self.ack(em, ts + 40, !from_client);
                    ts += 60;
                }
            }
        }
        ts
    }

    fn ack(&mut self, em: &mut Emit, t: u64, from_client: bool) {
        if from_client {
            em.tcp(
                t,
                self.c,
                self.s,
                self.cp,
                self.sp,
                self.cseq,
                self.sseq,
                ACK,
                &[],
                &[],
            );
        } else {
            em.tcp(
                t,
                self.s,
                self.c,
                self.sp,
                self.cp,
                self.sseq,
                self.cseq,
                ACK,
                &[],
                &[],
            );
        }
    }

    /// Orderly close started by the client (or the server): FIN/ACK, FIN/ACK, ACK.
    fn close(&mut self, em: &mut Emit, t: u64, client_first: bool, rtt: u64) -> u64 {
        let (mut t1, first) = (t, client_first);
        for side in [first, !first] {
            if side {
                em.tcp(
                    t1,
                    self.c,
                    self.s,
                    self.cp,
                    self.sp,
                    self.cseq,
                    self.sseq,
                    FIN | ACK,
                    &[],
                    &[],
                );
                self.cseq = self.cseq.wrapping_add(1);
            } else {
                em.tcp(
                    t1,
                    self.s,
                    self.c,
                    self.sp,
                    self.cp,
                    self.sseq,
                    self.cseq,
                    FIN | ACK,
                    &[],
                    &[],
                );
                self.sseq = self.sseq.wrapping_add(1);
            }
            t1 += rtt;
        }
        self.ack(em, t1 - rtt + rtt / 4 + 20, first);
        t1
    }

    /// One request/response exchange; returns the time of the response's last segment.
    fn exchange(&mut self, em: &mut Emit, t: u64, req: &[u8], resp: &[u8], delay: u64) -> u64 {
        let t1 = self.send(em, t, true, req);
        self.send(em, t1 + delay, false, resp)
    }

    /// The client's ACK of the last response: immediate for some stacks, delayed for others
    /// (but always before the next poll).
    fn final_ack(&mut self, em: &mut Emit, t: u64, quick: bool, gap: u64, rng: &mut Rng) {
        if !quick && gap <= 200 * MS {
            // The delayed-ACK timer (200 ms) would not fire before the next request,
            // which carries the ACK.
            return;
        }
        let d = if quick {
            rng.range(20, 150)
        } else {
            rng.range(2 * MS, 200 * MS).min(gap / 2)
        };
        self.ack(em, t + d.max(20), true);
    }
}

/// A fixed pool of ephemeral ports for connect-per-transaction clients so the set of
/// 5-tuples in the capture does not grow with its length.
#[derive(Clone, Copy)]
struct PortPool {
    base: u16,
    n: u16,
    i: u32,
}

impl PortPool {
    fn new(rng: &mut Rng, n: u16) -> PortPool {
        PortPool {
            base: rng.range(49152, 65535 - n as u64) as u16,
            n,
            i: 0,
        }
    }
    fn next(&mut self) -> u16 {
        let p = self.base + (self.i % self.n as u32) as u16;
        self.i += 1;
        p
    }
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// OPC UA DateTime / Windows FILETIME (100 ns since 1601).
fn filetime(t: u64) -> u64 {
    (BASE_UNIX * SEC + t) * 10 + 116_444_736_000_000_000
}

/// NTP 64-bit timestamp.
fn ntp_ts(t: u64) -> [u8; 8] {
    let us = BASE_UNIX * SEC + t;
    let secs = us / SEC + 2_208_988_800;
    let frac = ((us % SEC) << 32) / SEC;
    let mut o = [0u8; 8];
    o[..4].copy_from_slice(&(secs as u32).to_be_bytes());
    o[4..].copy_from_slice(&(frac as u32).to_be_bytes());
    o
}

// ------------------------------------------------------------------------------------------
// Protocol sessions
// ------------------------------------------------------------------------------------------

/// Per-device response latency: a device has a typical delay with some spread and an
/// occasional slow scan.
#[derive(Clone, Copy)]
struct Delay(u64);
impl Delay {
    fn draw(self, rng: &mut Rng) -> u64 {
        let base = self.0 as f64 * (0.7 + 0.6 * rng.unit());
        let spike = if rng.chance(0.01) { 4.0 } else { 1.0 };
        (base * spike) as u64 + 30
    }
}

// ---- Modbus/TCP ----

struct Modbus {
    conn: TcpConn,
    open: bool,
    pool: Option<PortPool>,
    period: u64,
    delay: Delay,
    quick_ack: bool,
    tid: u16,
    unit: u8,
    blocks: Vec<(u8, u16, u16)>,
    write_every: u64,
    regs: [u16; 16],
}

fn mbap(p: &mut Vec<u8>, tid: u16, unit: u8, pdu_len: usize) {
    p.extend_from_slice(&tid.to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(&((pdu_len + 1) as u16).to_be_bytes());
    p.push(unit);
}

impl Modbus {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.jitter(self.period, 0.03);
        let mut t = t0;
        if let Some(pool) = self.pool.as_mut() {
            let port = pool.next();
            self.conn.renew(rng, port);
            t = self.conn.open(em, t, rng.range(150, 600)) + rng.range(100, 900);
        } else if !self.open {
            t = self.conn.open(em, t, rng.range(150, 900)) + rng.range(1000, 20_000);
            self.open = true;
        }
        for i in 0..self.blocks.len() {
            let (fc, addr, qty) = self.blocks[i];
            self.tid = self.tid.wrapping_add(1);
            pa.clear();
            mbap(pa, self.tid, self.unit, 5);
            pa.push(fc);
            pa.extend_from_slice(&addr.to_be_bytes());
            pa.extend_from_slice(&qty.to_be_bytes());
            pb.clear();
            if rng.chance(0.0004) {
                // Illegal data address exception.
                mbap(pb, self.tid, self.unit, 2);
                pb.extend_from_slice(&[fc | 0x80, 0x02]);
            } else {
                let bc = if fc <= 2 { qty.div_ceil(8) } else { qty * 2 } as usize;
                mbap(pb, self.tid, self.unit, 2 + bc);
                pb.push(fc);
                pb.push(bc as u8);
                if fc <= 2 {
                    for _ in 0..bc {
                        pb.push(rng.next() as u8 & 0x0f);
                    }
                } else {
                    for r in 0..qty {
                        let v = self.regs[(r as usize + addr as usize) & 15]
                            .wrapping_add((r * 37) ^ (rng.next() as u16 & 0x3));
                        pb.extend_from_slice(&v.to_be_bytes());
                    }
                }
            }
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(60, 500);
        }
        if self.write_every > 0 && rng.below(self.write_every) == 0 {
            self.tid = self.tid.wrapping_add(1);
            let (addr, val) = (rng.range(0, 99) as u16 + 400, rng.below(1000) as u16);
            pa.clear();
            if rng.chance(0.7) {
                mbap(pa, self.tid, self.unit, 5);
                pa.push(6);
                pa.extend_from_slice(&addr.to_be_bytes());
                pa.extend_from_slice(&val.to_be_bytes());
                pb.clear();
                pb.extend_from_slice(pa);
            } else {
                let q = rng.range(2, 8) as u16;
                mbap(pa, self.tid, self.unit, 6 + 2 * q as usize);
                pa.push(16);
                pa.extend_from_slice(&addr.to_be_bytes());
                pa.extend_from_slice(&q.to_be_bytes());
                pa.push((2 * q) as u8);
                for k in 0..q {
                    pa.extend_from_slice(&(val + k).to_be_bytes());
                }
                pb.clear();
                mbap(pb, self.tid, self.unit, 5);
                pb.push(16);
                pb.extend_from_slice(&addr.to_be_bytes());
                pb.extend_from_slice(&q.to_be_bytes());
            }
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(60, 500);
        }
        if self.pool.is_some() {
            self.conn.close(em, t, true, rng.range(150, 600));
        } else {
            self.conn.final_ack(em, t, self.quick_ack, gap, rng);
        }
        t0 + gap
    }
}

// ---- S7comm over TPKT/COTP ----

struct S7 {
    conn: TcpConn,
    open: bool,
    period: u64,
    delay: Delay,
    quick_ack: bool,
    pduref: u16,
    reqs: Vec<Vec<(u8, u16, u32, u16)>>,
    rack_slot: u8,
}

fn tpkt_cotp_dt(p: &mut Vec<u8>, s7_len: usize) {
    let l = (4 + 3 + s7_len) as u16;
    p.extend_from_slice(&[3, 0]);
    p.extend_from_slice(&l.to_be_bytes());
    p.extend_from_slice(&[0x02, 0xf0, 0x80]);
}

impl S7 {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.jitter(self.period, 0.05);
        let mut t = t0;
        if !self.open {
            self.open = true;
            t = self.conn.open(em, t, rng.range(150, 900)) + rng.range(500, 3000);
            // COTP connection request / confirm
            pa.clear();
            pa.extend_from_slice(&[
                3,
                0,
                0,
                22,
                17,
                0xe0,
                0,
                0,
                0,
                1,
                0,
                0xc1,
                2,
                1,
                0,
                0xc2,
                2,
                3,
                self.rack_slot,
                0xc0,
                1,
                0x0a,
            ]);
            pb.clear();
            pb.extend_from_slice(&[
                3,
                0,
                0,
                22,
                17,
                0xd0,
                0,
                1,
                0x44,
                0x31,
                0,
                0xc0,
                1,
                0x0a,
                0xc1,
                2,
                1,
                0,
                0xc2,
                2,
                3,
                self.rack_slot,
            ]);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(100, 500);
            // S7 setup communication
            self.pduref = self.pduref.wrapping_add(1);
            pa.clear();
            tpkt_cotp_dt(pa, 18);
            pa.extend_from_slice(&[0x32, 1, 0, 0]);
            pa.extend_from_slice(&self.pduref.to_be_bytes());
            pa.extend_from_slice(&[0, 8, 0, 0, 0xf0, 0, 0, 1, 0, 1, 0x01, 0xe0]);
            pb.clear();
            tpkt_cotp_dt(pb, 20);
            pb.extend_from_slice(&[0x32, 3, 0, 0]);
            pb.extend_from_slice(&self.pduref.to_be_bytes());
            pb.extend_from_slice(&[0, 8, 0, 0, 0, 0, 0xf0, 0, 0, 1, 0, 1, 0x00, 0xf0]);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(500, 5000);
        }
        for i in 0..self.reqs.len() {
            let items = &self.reqs[i];
            self.pduref = self.pduref.wrapping_add(1);
            let plen = 2 + 12 * items.len();
            pa.clear();
            tpkt_cotp_dt(pa, 10 + plen);
            pa.extend_from_slice(&[0x32, 1, 0, 0]);
            pa.extend_from_slice(&self.pduref.to_be_bytes());
            pa.extend_from_slice(&(plen as u16).to_be_bytes());
            pa.extend_from_slice(&[0, 0, 0x04, items.len() as u8]);
            for &(area, db, start, len) in items {
                pa.extend_from_slice(&[0x12, 0x0a, 0x10, 0x02]);
                pa.extend_from_slice(&len.to_be_bytes());
                pa.extend_from_slice(&db.to_be_bytes());
                pa.push(area);
                let bit = start * 8;
                pa.extend_from_slice(&[(bit >> 16) as u8, (bit >> 8) as u8, bit as u8]);
            }
            let n = items.len();
            let dlen: usize = items
                .iter()
                .enumerate()
                .map(|(k, it)| 4 + it.3 as usize + usize::from(it.3 % 2 == 1 && k + 1 < n))
                .sum();
            pb.clear();
            tpkt_cotp_dt(pb, 12 + 2 + dlen);
            pb.extend_from_slice(&[0x32, 3, 0, 0]);
            pb.extend_from_slice(&self.pduref.to_be_bytes());
            pb.extend_from_slice(&[0, 2]);
            pb.extend_from_slice(&(dlen as u16).to_be_bytes());
            pb.extend_from_slice(&[0, 0, 0x04, n as u8]);
            for (k, &(_, _, _, len)) in items.iter().enumerate() {
                pb.extend_from_slice(&[0xff, 0x04]);
                pb.extend_from_slice(&(len * 8).to_be_bytes());
                for j in 0..len {
                    pb.push(if j % 4 == 3 {
                        rng.next() as u8
                    } else {
                        (j as u8).wrapping_mul(17)
                    });
                }
                if len % 2 == 1 && k + 1 < n {
                    pb.push(0);
                }
            }
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(80, 600);
        }
        self.conn.final_ack(em, t, self.quick_ack, gap, rng);
        t0 + gap
    }
}

// ---- DNP3 over TCP ----

static DNP_CRC_TABLE: std::sync::OnceLock<[u16; 256]> = std::sync::OnceLock::new();

fn dnp_crc(data: &[u8]) -> u16 {
    let table = DNP_CRC_TABLE.get_or_init(|| {
        let mut t = [0u16; 256];
        for (i, e) in t.iter_mut().enumerate() {
            let mut c = i as u16;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0xA6BC
                } else {
                    c >> 1
                };
            }
            *e = c;
        }
        t
    });
    let mut crc: u16 = 0;
    for &b in data {
        crc = (crc >> 8) ^ table[((crc ^ b as u16) & 0xff) as usize];
    }
    !crc
}

/// A DNP3 link-layer frame: header block and 16-byte data blocks, each with its CRC.
fn dnp_frame(p: &mut Vec<u8>, ctrl: u8, dst: u16, src: u16, user: &[u8]) {
    assert!(user.len() <= 250);
    let d = dst.to_le_bytes();
    let s = src.to_le_bytes();
    let hdr = [
        0x05,
        0x64,
        (5 + user.len()) as u8,
        ctrl,
        d[0],
        d[1],
        s[0],
        s[1],
    ];
    p.extend_from_slice(&hdr);
    p.extend_from_slice(&dnp_crc(&hdr).to_le_bytes());
    for blk in user.chunks(16) {
        p.extend_from_slice(blk);
        p.extend_from_slice(&dnp_crc(blk).to_le_bytes());
    }
}

struct Dnp3 {
    conn: TcpConn,
    open: bool,
    period: u64,
    delay: Delay,
    master: u16,
    outst: u16,
    m_tseq: u8,
    o_tseq: u8,
    aseq: u8,
    polls: u64,
    integrity_every: u64,
    n_bi: u8,
    n_ai: u8,
    ai: [i32; 16],
}

impl Dnp3 {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.jitter(self.period, 0.02);
        let mut t = t0;
        if !self.open {
            self.open = true;
            t = self.conn.open(em, t, rng.range(200, 1500)) + rng.range(1000, 10_000);
        }
        let integrity = self.polls % self.integrity_every == 0;
        self.polls += 1;
        let mut user: Vec<u8> = Vec::with_capacity(256);
        // request
        user.push(0xc0 | (self.m_tseq & 0x3f));
        self.m_tseq = self.m_tseq.wrapping_add(1);
        let aseq = self.aseq & 0x0f;
        self.aseq = self.aseq.wrapping_add(1);
        user.extend_from_slice(&[0xc0 | aseq, 0x01]);
        for class in [2u8, 3, 4] {
            user.extend_from_slice(&[0x3c, class, 0x06]);
        }
        if integrity {
            user.extend_from_slice(&[0x3c, 0x01, 0x06]);
        }
        pa.clear();
        dnp_frame(pa, 0xc4, self.outst, self.master, &user);
        // response
        user.clear();
        user.push(0xc0 | (self.o_tseq & 0x3f));
        self.o_tseq = self.o_tseq.wrapping_add(1);
        let events = if integrity {
            0
        } else {
            [0u8, 0, 0, 1, 1, 2, 3][rng.below(7) as usize]
        };
        let con = events > 0;
        user.extend_from_slice(&[
            0xc0 | if con { 0x20 } else { 0 } | aseq,
            0x81,
            if rng.chance(0.02) { 0x10 } else { 0 },
            0x00,
        ]);
        for v in self.ai.iter_mut() {
            *v += rng.below(21) as i32 - 10;
        }
        if integrity {
            user.extend_from_slice(&[0x01, 0x02, 0x00, 0x00, self.n_bi - 1]);
            for k in 0..self.n_bi {
                user.push(
                    0x01 | if (k as u64 + self.polls / 7) % 5 == 0 {
                        0x80
                    } else {
                        0
                    },
                );
            }
            user.extend_from_slice(&[0x1e, 0x01, 0x00, 0x00, self.n_ai - 1]);
            for k in 0..self.n_ai as usize {
                user.push(0x01);
                user.extend_from_slice(&self.ai[k % 16].to_le_bytes());
            }
        } else if events > 0 {
            if rng.chance(0.6) {
                user.extend_from_slice(&[0x20, 0x01, 0x17, events]);
                for _ in 0..events {
                    let k = rng.below(self.n_ai as u64) as u8;
                    user.extend_from_slice(&[k, 0x01]);
                    user.extend_from_slice(&self.ai[k as usize % 16].to_le_bytes());
                }
            } else {
                user.extend_from_slice(&[0x02, 0x01, 0x17, events]);
                for _ in 0..events {
                    user.extend_from_slice(&[
                        rng.below(self.n_bi as u64) as u8,
                        0x01 | (rng.next() as u8 & 0x80),
                    ]);
                }
            }
        }
        pb.clear();
        dnp_frame(pb, 0x44, self.master, self.outst, &user);
        t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng));
        if con {
            user.clear();
            user.push(0xc0 | (self.m_tseq & 0x3f));
            self.m_tseq = self.m_tseq.wrapping_add(1);
            user.extend_from_slice(&[0xc0 | aseq, 0x00]);
            pa.clear();
            dnp_frame(pa, 0xc4, self.outst, self.master, &user);
            t = self.conn.send(em, t + rng.range(200, 2000), true, pa);
            self.conn
                .ack(em, t + self.delay.draw(rng).min(gap / 3), false);
        } else {
            self.conn.final_ack(em, t, false, gap, rng);
        }
        t0 + gap
    }
}

// ---- IEC 60870-5-104 ----

struct Iec104 {
    conn: TcpConn,
    open: bool,
    mean_gap: u64,
    delay: Delay,
    rtu_ns: u16,
    ctl_ns: u16,
    unacked: u16,
    ca: u16,
    n_points: u16,
    next_testfr: u64,
    next_gi: u64,
    vals: [f32; 8],
}

fn iec_i(p: &mut Vec<u8>, ns: u16, nr: u16, asdu: &[u8]) {
    p.push(0x68);
    p.push((4 + asdu.len()) as u8);
    p.extend_from_slice(&((ns & 0x7fff) << 1).to_le_bytes());
    p.extend_from_slice(&((nr & 0x7fff) << 1).to_le_bytes());
    p.extend_from_slice(asdu);
}

fn iec_s(p: &mut Vec<u8>, nr: u16) {
    p.extend_from_slice(&[0x68, 4, 1, 0]);
    p.extend_from_slice(&((nr & 0x7fff) << 1).to_le_bytes());
}

fn iec_u(p: &mut Vec<u8>, code: u8) {
    p.extend_from_slice(&[0x68, 4, code, 0, 0, 0]);
}

fn asdu_head(a: &mut Vec<u8>, typ: u8, vsq: u8, cot: u8, ca: u16) {
    a.extend_from_slice(&[typ, vsq, cot, 0]);
    a.extend_from_slice(&ca.to_le_bytes());
}

fn ioa(a: &mut Vec<u8>, x: u32) {
    a.extend_from_slice(&[x as u8, (x >> 8) as u8, (x >> 16) as u8]);
}

fn cp56(a: &mut Vec<u8>, t: u64) {
    let us = BASE_UNIX * SEC + t;
    let secs = us / SEC;
    let ms = ((secs % 60) * 1000 + (us % SEC) / 1000) as u16;
    let days = (secs / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    let dow = ((days + 3).rem_euclid(7) + 1) as u8; // 1 = Monday
    a.extend_from_slice(&ms.to_le_bytes());
    a.push(((secs / 60) % 60) as u8);
    a.push(((secs / 3600) % 24) as u8);
    a.push(d as u8 | (dow << 5));
    a.push(m as u8);
    a.push((y % 100) as u8);
}

impl Iec104 {
    /// The controlling station ACKs the RTU's I-frames with an S-frame every 8 frames,
    /// otherwise with a delayed TCP ACK.
    fn rtu_iframe(&mut self, em: &mut Emit, t: u64, asdu: &[u8], pa: &mut Vec<u8>) -> u64 {
        pa.clear();
        iec_i(pa, self.rtu_ns, self.ctl_ns, asdu);
        self.rtu_ns = (self.rtu_ns + 1) & 0x7fff;
        self.unacked += 1;
        self.conn.send(em, t, false, pa)
    }

    fn ctl_sframe(&mut self, em: &mut Emit, t: u64, pa: &mut Vec<u8>) -> u64 {
        pa.clear();
        iec_s(pa, self.rtu_ns);
        self.unacked = 0;
        self.conn.send(em, t, true, pa)
    }

    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.exp(self.mean_gap, 20 * MS, 20 * SEC);
        let mut t = t0;
        if !self.open {
            self.open = true;
            t = self.conn.open(em, t, rng.range(200, 1500)) + rng.range(500, 3000);
            pa.clear();
            iec_u(pa, 0x07);
            pb.clear();
            iec_u(pb, 0x0b);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(1000, 5000);
            self.next_testfr = t + 30 * SEC;
            self.next_gi = t;
        }
        if t >= self.next_testfr {
            self.next_testfr = t + rng.jitter(30 * SEC, 0.01);
            pa.clear();
            iec_u(pa, 0x43);
            pb.clear();
            iec_u(pb, 0x83);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng));
            self.conn
                .ack(em, t + rng.range(MS, 40 * MS).min(gap / 3), true);
            t += rng.range(MS, 50 * MS).min(gap / 3);
        }
        if t >= self.next_gi {
            // General interrogation: act, actcon, data (COT 20), actterm.
            self.next_gi = t + rng.jitter(900 * SEC, 0.05);
            let mut a = Vec::with_capacity(240);
            asdu_head(&mut a, 100, 1, 6, self.ca);
            ioa(&mut a, 0);
            a.push(20);
            pa.clear();
            iec_i(pa, self.ctl_ns, self.rtu_ns, &a);
            self.ctl_ns = (self.ctl_ns + 1) & 0x7fff;
            t = self.conn.send(em, t, true, pa) + self.delay.draw(rng);
            a[2] = 7;
            t = self.rtu_iframe(em, t, &a, pa) + rng.range(200, 2000);
            let mut left = self.n_points;
            let mut base = 1001u32;
            while left > 0 {
                let n = left.min(30);
                a.clear();
                asdu_head(&mut a, 13, 0x80 | n as u8, 20, self.ca);
                ioa(&mut a, base);
                for k in 0..n {
                    a.extend_from_slice(&self.vals[k as usize % 8].to_le_bytes());
                    a.push(0);
                }
                t = self.rtu_iframe(em, t, &a, pa) + rng.range(100, 1500);
                left -= n;
                base += n as u32;
            }
            a.clear();
            asdu_head(&mut a, 100, 1, 10, self.ca);
            ioa(&mut a, 0);
            a.push(20);
            t = self.rtu_iframe(em, t, &a, pa) + rng.range(MS, 5 * MS);
            t = self.ctl_sframe(em, t, pa) + rng.range(MS, 20 * MS).min(gap / 3);
        }
        // Spontaneous data.
        for v in self.vals.iter_mut() {
            *v += (rng.unit() as f32 - 0.5) * 0.2;
        }
        let mut a = Vec::with_capacity(64);
        let kind = rng.below(10);
        let n = rng.range(1, 3) as u8;
        if kind < 5 {
            asdu_head(&mut a, 13, n, 3, self.ca);
            for k in 0..n {
                ioa(&mut a, 1001 + rng.below(self.n_points as u64) as u32);
                a.extend_from_slice(&self.vals[k as usize].to_le_bytes());
                a.push(0);
            }
        } else if kind < 8 {
            asdu_head(&mut a, 36, n, 3, self.ca);
            for k in 0..n {
                ioa(&mut a, 1001 + rng.below(self.n_points as u64) as u32);
                a.extend_from_slice(&self.vals[k as usize + 3].to_le_bytes());
                a.push(0);
                cp56(&mut a, t);
            }
        } else {
            asdu_head(&mut a, 1, n, 3, self.ca);
            for _ in 0..n {
                ioa(&mut a, 1 + rng.below(64) as u32);
                a.push(rng.below(2) as u8);
            }
        }
        t = self.rtu_iframe(em, t, &a, pa);
        if self.unacked >= 8 {
            self.ctl_sframe(em, t + rng.range(500, 5 * MS).min(gap / 3), pa);
        } else {
            self.conn
                .ack(em, t + rng.range(MS, 200 * MS).min(gap / 2), true);
        }
        t0 + gap
    }
}

// ---- EtherNet/IP explicit messaging (TCP 44818) ----

fn enip_hdr(p: &mut Vec<u8>, cmd: u16, len: usize, session: u32, ctx: u64) {
    p.extend_from_slice(&cmd.to_le_bytes());
    p.extend_from_slice(&(len as u16).to_le_bytes());
    p.extend_from_slice(&session.to_le_bytes());
    p.extend_from_slice(&0u32.to_le_bytes());
    p.extend_from_slice(&ctx.to_le_bytes());
    p.extend_from_slice(&0u32.to_le_bytes());
}

fn enip_rr(p: &mut Vec<u8>, session: u32, ctx: u64, cip: &[u8]) {
    enip_hdr(p, 0x6f, 16 + cip.len(), session, ctx);
    p.extend_from_slice(&[0, 0, 0, 0, 0x0a, 0, 2, 0, 0, 0, 0, 0, 0xb2, 0]);
    p.extend_from_slice(&(cip.len() as u16).to_le_bytes());
    p.extend_from_slice(cip);
}

struct Enip {
    conn: TcpConn,
    open: bool,
    period: u64,
    delay: Delay,
    quick_ack: bool,
    session: u32,
    ctx: u64,
    /// (assembly instance, data bytes)
    reads: Vec<(u8, u16)>,
}

impl Enip {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.jitter(self.period, 0.05);
        let mut t = t0;
        if !self.open {
            self.open = true;
            t = self.conn.open(em, t, rng.range(150, 900)) + rng.range(500, 3000);
            self.ctx += 1;
            pa.clear();
            enip_hdr(pa, 0x65, 4, 0, self.ctx);
            pa.extend_from_slice(&[1, 0, 0, 0]);
            pb.clear();
            enip_hdr(pb, 0x65, 4, self.session, self.ctx);
            pb.extend_from_slice(&[1, 0, 0, 0]);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(300, 3000);
        }
        let mut cip = Vec::with_capacity(128);
        for i in 0..self.reads.len() {
            let (inst, n) = self.reads[i];
            self.ctx += 1;
            cip.clear();
            cip.extend_from_slice(&[0x0e, 0x03, 0x20, 0x04, 0x24, inst, 0x30, 0x03]);
            pa.clear();
            enip_rr(pa, self.session, self.ctx, &cip);
            cip.clear();
            cip.extend_from_slice(&[0x8e, 0, 0, 0]);
            for k in 0..n {
                cip.push(if k % 8 == 0 {
                    rng.next() as u8
                } else {
                    k as u8
                });
            }
            pb.clear();
            enip_rr(pb, self.session, self.ctx, &cip);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(80, 600);
        }
        self.conn.final_ack(em, t, self.quick_ack, gap, rng);
        t0 + gap
    }
}

// ---- EtherNet/IP class 1 implicit I/O (UDP 2222) ----

struct EnipIo {
    scanner: usize,
    adapter: usize,
    rpi: u64,
    phase: u64,
    o2t_id: u32,
    t2o_id: u32,
    o2t_seq: u32,
    t2o_seq: u32,
    o2t_len: u16,
    t2o_len: u16,
}

fn cpf_io(p: &mut Vec<u8>, conn: u32, seq: u32, run_idle: bool, data_len: u16, rng: &mut Rng) {
    let dlen = 2 + if run_idle { 4 } else { 0 } + data_len;
    p.extend_from_slice(&[2, 0, 0x02, 0x80, 8, 0]);
    p.extend_from_slice(&conn.to_le_bytes());
    p.extend_from_slice(&seq.to_le_bytes());
    p.extend_from_slice(&[0xb1, 0]);
    p.extend_from_slice(&dlen.to_le_bytes());
    p.extend_from_slice(&(seq as u16).to_le_bytes());
    if run_idle {
        p.extend_from_slice(&[1, 0, 0, 0]);
    }
    let r = rng.next();
    for k in 0..data_len {
        p.push(if k < 2 {
            (r >> (k * 8)) as u8
        } else {
            (k as u8) & 0x3
        });
    }
}

impl EnipIo {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        let gap = rng.jitter(self.rpi, 0.01);
        self.o2t_seq = self.o2t_seq.wrapping_add(1);
        pa.clear();
        cpf_io(pa, self.o2t_id, self.o2t_seq, true, self.o2t_len, rng);
        em.udp(t0, self.scanner, self.adapter, 2222, 2222, pa);
        self.t2o_seq = self.t2o_seq.wrapping_add(1);
        pa.clear();
        cpf_io(pa, self.t2o_id, self.t2o_seq, false, self.t2o_len, rng);
        em.udp(
            t0 + self.phase + rng.below(200),
            self.adapter,
            self.scanner,
            2222,
            2222,
            pa,
        );
        t0 + gap
    }
}

// ---- EtherNet/IP ListIdentity (UDP 44818, unicast browse by an engineering station) ----

struct EnipList {
    client: usize,
    devices: Vec<(usize, u16, &'static str, u32)>,
    port: u16,
    period: u64,
}

impl EnipList {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        hosts_ip: &[[u8; 4]],
    ) -> u64 {
        let mut t = t0;
        for &(dev, devtype, name, serial) in &self.devices {
            pa.clear();
            enip_hdr(pa, 0x63, 0, 0, 0);
            em.udp(t, self.client, dev, self.port, 44818, pa);
            let item_len = 2 + 16 + 2 + 2 + 2 + 2 + 2 + 4 + 1 + name.len() + 1;
            pa.clear();
            enip_hdr(pa, 0x63, 2 + 4 + item_len, 0, 0);
            pa.extend_from_slice(&[1, 0, 0x0c, 0]);
            pa.extend_from_slice(&(item_len as u16).to_le_bytes());
            pa.extend_from_slice(&[1, 0, 0, 2, 0xaf, 0x12]);
            pa.extend_from_slice(&hosts_ip[dev]);
            pa.extend_from_slice(&[0; 8]);
            pa.extend_from_slice(&1u16.to_le_bytes()); // Rockwell
            pa.extend_from_slice(&devtype.to_le_bytes());
            pa.extend_from_slice(&(if devtype == 0x0e { 166u16 } else { 108 }).to_le_bytes());
            pa.extend_from_slice(&[33, 11]);
            pa.extend_from_slice(&0x0060u16.to_le_bytes());
            pa.extend_from_slice(&serial.to_le_bytes());
            pa.push(name.len() as u8);
            pa.extend_from_slice(name.as_bytes());
            pa.push(3);
            em.udp(
                t + rng.range(300, 3000),
                dev,
                self.client,
                44818,
                self.port,
                pa,
            );
            t += rng.range(5 * MS, 20 * MS);
        }
        t0 + rng.jitter(self.period, 0.02)
    }
}

// ---- BACnet/IP (UDP 47808) ----

struct Bacnet {
    client: usize,
    dev: usize,
    period: u64,
    delay: Delay,
    invoke: u8,
    objects: Vec<(u16, u32)>,
    next_obj: usize,
    per_cycle: usize,
}

fn bvlc(p: &mut Vec<u8>, func: u8, npdu_apdu: &[u8]) {
    p.extend_from_slice(&[0x81, func]);
    p.extend_from_slice(&((4 + npdu_apdu.len()) as u16).to_be_bytes());
    p.extend_from_slice(npdu_apdu);
}

impl Bacnet {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.jitter(self.period, 0.05);
        let mut t = t0;
        let mut apdu = Vec::with_capacity(32);
        for _ in 0..self.per_cycle {
            let (typ, inst) = self.objects[self.next_obj % self.objects.len()];
            self.next_obj += 1;
            self.invoke = self.invoke.wrapping_add(1);
            let oid = ((typ as u32) << 22) | inst;
            apdu.clear();
            apdu.extend_from_slice(&[0x01, 0x04, 0x00, 0x05, self.invoke, 0x0c, 0x0c]);
            apdu.extend_from_slice(&oid.to_be_bytes());
            apdu.extend_from_slice(&[0x19, 0x55]);
            pa.clear();
            bvlc(pa, 0x0a, &apdu);
            em.udp(t, self.client, self.dev, 47808, 47808, pa);
            apdu.clear();
            apdu.extend_from_slice(&[0x01, 0x00, 0x30, self.invoke, 0x0c, 0x0c]);
            apdu.extend_from_slice(&oid.to_be_bytes());
            apdu.extend_from_slice(&[0x19, 0x55, 0x3e]);
            if typ == 3 || typ == 4 || typ == 5 {
                apdu.extend_from_slice(&[0x91, rng.below(2) as u8]);
            } else {
                let v = 20.0f32 + (inst % 17) as f32 + rng.unit() as f32;
                apdu.push(0x44);
                apdu.extend_from_slice(&v.to_be_bytes());
            }
            apdu.push(0x3f);
            pb.clear();
            bvlc(pb, 0x0a, &apdu);
            t += self.delay.draw(rng);
            em.udp(t, self.dev, self.client, 47808, 47808, pb);
            t += rng.range(200, 3000);
        }
        t0 + gap
    }
}

struct BacnetWhoIs {
    client: usize,
    bcast: usize,
    devices: Vec<(usize, u32, u16)>,
    period: u64,
}

impl BacnetWhoIs {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        pa.clear();
        bvlc(pa, 0x0b, &[0x01, 0x20, 0xff, 0xff, 0x00, 0xff, 0x10, 0x08]);
        em.udp(t0, self.client, self.bcast, 47808, 47808, pa);
        let mut replies: Vec<(u64, usize)> = self
            .devices
            .iter()
            .enumerate()
            .map(|(i, _)| (t0 + rng.range(2 * MS, 400 * MS), i))
            .collect();
        replies.sort();
        for (t, i) in replies {
            let (dev, inst, vendor) = self.devices[i];
            let oid = (8u32 << 22) | inst;
            let mut a = vec![0x01, 0x20, 0xff, 0xff, 0x00, 0xff, 0x10, 0x00, 0xc4];
            a.extend_from_slice(&oid.to_be_bytes());
            a.extend_from_slice(&[0x22, 0x05, 0xc4, 0x91, 0x03, 0x21, vendor as u8]);
            pa.clear();
            bvlc(pa, 0x0b, &a);
            em.udp(t, dev, self.bcast, 47808, 47808, pa);
        }
        t0 + rng.jitter(self.period, 0.01)
    }
}

// ---- OPC UA binary (TCP 4840) ----

fn ua_string(p: &mut Vec<u8>, s: &str) {
    p.extend_from_slice(&(s.len() as i32).to_le_bytes());
    p.extend_from_slice(s.as_bytes());
}

fn ua_null(p: &mut Vec<u8>) {
    p.extend_from_slice(&(-1i32).to_le_bytes());
}

fn ua_req_header(p: &mut Vec<u8>, t: u64, handle: u32, auth: u32) {
    if auth == 0 {
        p.extend_from_slice(&[0, 0]);
    } else {
        p.extend_from_slice(&[2, 1, 0]); // numeric NodeId (ns 1, u32 id)
        p.extend_from_slice(&auth.to_le_bytes());
    }
    p.extend_from_slice(&filetime(t).to_le_bytes());
    p.extend_from_slice(&handle.to_le_bytes());
    p.extend_from_slice(&0u32.to_le_bytes());
    ua_null(p);
    p.extend_from_slice(&10_000u32.to_le_bytes());
    p.extend_from_slice(&[0, 0, 0]);
}

fn ua_resp_header(p: &mut Vec<u8>, t: u64, handle: u32) {
    p.extend_from_slice(&filetime(t).to_le_bytes());
    p.extend_from_slice(&handle.to_le_bytes());
    p.extend_from_slice(&0u32.to_le_bytes());
    p.push(0);
    p.extend_from_slice(&0i32.to_le_bytes());
    p.extend_from_slice(&[0, 0, 0]);
}

/// Fill in the 4-byte message size at offset 4 of an OPC UA chunk.
fn ua_seal(p: &mut [u8]) {
    let n = p.len() as u32;
    p[4..8].copy_from_slice(&n.to_le_bytes());
}

const UA_POLICY_NONE: &str = "http://opcfoundation.org/UA/SecurityPolicy#None";

struct OpcUa {
    conn: TcpConn,
    open: bool,
    period: u64,
    delay: Delay,
    quick_ack: bool,
    channel: u32,
    token: u32,
    seq_c: u32,
    seq_s: u32,
    req_id: u32,
    handle: u32,
    auth: u32,
    url: String,
    nodes: Vec<u16>,
    vals: Vec<f64>,
}

impl OpcUa {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.jitter(self.period, 0.02);
        let mut t = t0;
        if !self.open {
            self.open = true;
            t = self.conn.open(em, t, rng.range(150, 900)) + rng.range(500, 3000);
            pa.clear();
            pa.extend_from_slice(b"HELF\0\0\0\0");
            for v in [0u32, 65535, 65535, 16_777_216, 5000] {
                pa.extend_from_slice(&v.to_le_bytes());
            }
            ua_string(pa, &self.url);
            ua_seal(pa);
            pb.clear();
            pb.extend_from_slice(b"ACKF\0\0\0\0");
            for v in [0u32, 65535, 65535, 16_777_216, 5000] {
                pb.extend_from_slice(&v.to_le_bytes());
            }
            ua_seal(pb);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(200, 2000);
            // OpenSecureChannel (SecurityPolicy None)
            self.seq_c += 1;
            self.req_id += 1;
            self.handle += 1;
            pa.clear();
            pa.extend_from_slice(b"OPNF\0\0\0\0");
            pa.extend_from_slice(&0u32.to_le_bytes());
            ua_string(pa, UA_POLICY_NONE);
            ua_null(pa);
            ua_null(pa);
            pa.extend_from_slice(&self.seq_c.to_le_bytes());
            pa.extend_from_slice(&self.req_id.to_le_bytes());
            pa.extend_from_slice(&[0x01, 0x00, 0xbe, 0x01]);
            ua_req_header(pa, t, self.handle, 0);
            pa.extend_from_slice(&0u32.to_le_bytes()); // protocol version
            pa.extend_from_slice(&0u32.to_le_bytes()); // Issue
            pa.extend_from_slice(&1u32.to_le_bytes()); // None
            pa.extend_from_slice(&0i32.to_le_bytes()); // empty nonce
            pa.extend_from_slice(&3_600_000u32.to_le_bytes());
            ua_seal(pa);
            let d = self.delay.draw(rng);
            self.seq_s += 1;
            pb.clear();
            pb.extend_from_slice(b"OPNF\0\0\0\0");
            pb.extend_from_slice(&self.channel.to_le_bytes());
            ua_string(pb, UA_POLICY_NONE);
            ua_null(pb);
            ua_null(pb);
            pb.extend_from_slice(&self.seq_s.to_le_bytes());
            pb.extend_from_slice(&self.req_id.to_le_bytes());
            pb.extend_from_slice(&[0x01, 0x00, 0xc1, 0x01]);
            ua_resp_header(pb, t + d, self.handle);
            pb.extend_from_slice(&0u32.to_le_bytes());
            pb.extend_from_slice(&self.channel.to_le_bytes());
            pb.extend_from_slice(&self.token.to_le_bytes());
            pb.extend_from_slice(&filetime(t + d).to_le_bytes());
            pb.extend_from_slice(&3_600_000u32.to_le_bytes());
            pb.extend_from_slice(&0i32.to_le_bytes());
            ua_seal(pb);
            t = self.conn.exchange(em, t, pa, pb, d) + rng.range(1000, 5000);
        }
        // ReadRequest / ReadResponse
        self.seq_c += 1;
        self.req_id += 1;
        self.handle += 1;
        pa.clear();
        pa.extend_from_slice(b"MSGF\0\0\0\0");
        pa.extend_from_slice(&self.channel.to_le_bytes());
        pa.extend_from_slice(&self.token.to_le_bytes());
        pa.extend_from_slice(&self.seq_c.to_le_bytes());
        pa.extend_from_slice(&self.req_id.to_le_bytes());
        pa.extend_from_slice(&[0x01, 0x00, 0x77, 0x02]);
        ua_req_header(pa, t, self.handle, self.auth);
        pa.extend_from_slice(&0f64.to_le_bytes());
        pa.extend_from_slice(&0u32.to_le_bytes()); // Source timestamps
        pa.extend_from_slice(&(self.nodes.len() as i32).to_le_bytes());
        for &n in &self.nodes {
            pa.extend_from_slice(&[0x01, 0x02]);
            pa.extend_from_slice(&n.to_le_bytes());
            pa.extend_from_slice(&13u32.to_le_bytes());
            ua_null(pa);
            pa.extend_from_slice(&[0, 0]);
            ua_null(pa);
        }
        ua_seal(pa);
        let d = self.delay.draw(rng);
        self.seq_s += 1;
        pb.clear();
        pb.extend_from_slice(b"MSGF\0\0\0\0");
        pb.extend_from_slice(&self.channel.to_le_bytes());
        pb.extend_from_slice(&self.token.to_le_bytes());
        pb.extend_from_slice(&self.seq_s.to_le_bytes());
        pb.extend_from_slice(&self.req_id.to_le_bytes());
        pb.extend_from_slice(&[0x01, 0x00, 0x7a, 0x02]);
        ua_resp_header(pb, t + d, self.handle);
        pb.extend_from_slice(&(self.nodes.len() as i32).to_le_bytes());
        let src_ts = filetime(t.saturating_sub(rng.range(1000, 500_000)));
        for k in 0..self.nodes.len() {
            self.vals[k] += rng.unit() - 0.5;
            pb.push(0x05);
            pb.push(0x0b);
            pb.extend_from_slice(&self.vals[k].to_le_bytes());
            pb.extend_from_slice(&src_ts.to_le_bytes());
        }
        pb.extend_from_slice(&0i32.to_le_bytes());
        ua_seal(pb);
        t = self.conn.exchange(em, t, pa, pb, d);
        self.conn.final_ack(em, t, self.quick_ack, gap, rng);
        t0 + gap
    }
}

// ---- DNS (UDP 53) ----

struct Dns {
    client: usize,
    server: usize,
    pool: PortPool,
    mean_gap: u64,
    rtt: u64,
    names: Vec<(&'static str, [u8; 4])>,
}

fn dns_name(p: &mut Vec<u8>, name: &str) {
    for label in name.split('.') {
        p.push(label.len() as u8);
        p.extend_from_slice(label.as_bytes());
    }
    p.push(0);
}

impl Dns {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.exp(self.mean_gap, SEC, 20 * self.mean_gap);
        let (name, addr) = self.names[rng.below(self.names.len() as u64) as usize];
        let id = rng.next() as u16;
        let port = self.pool.next();
        pa.clear();
        pa.extend_from_slice(&id.to_be_bytes());
        pa.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        dns_name(pa, name);
        pa.extend_from_slice(&[0, 1, 0, 1]);
        em.udp(t0, self.client, self.server, port, 53, pa);
        pb.clear();
        pb.extend_from_slice(pa);
        let nx = addr == [0, 0, 0, 0];
        pb[2] = 0x81;
        pb[3] = if nx { 0x83 } else { 0x80 };
        if !nx {
            let n = if addr[0] == 10 || addr[0] == 172 {
                1
            } else {
                2
            };
            pb[7] = n;
            for k in 0..n {
                pb.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1]);
                pb.extend_from_slice(&(if n == 1 { 1200u32 } else { 300 }).to_be_bytes());
                pb.extend_from_slice(&[0, 4, addr[0], addr[1], addr[2], addr[3].wrapping_add(k)]);
            }
        }
        let d = rng.jitter(self.rtt, 0.3);
        em.udp(t0 + d, self.server, self.client, 53, port, pb);
        t0 + gap
    }
}

// ---- NTP (UDP 123) ----

struct Ntp {
    client: usize,
    server: usize,
    period: u64,
    rtt: u64,
    stratum: u8,
    refid: [u8; 4],
}

impl Ntp {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        let tx = ntp_ts(t0.saturating_sub(rng.range(0, 300)));
        pa.clear();
        pa.extend_from_slice(&[0x23, 0, 6, 0xec]);
        pa.extend_from_slice(&[0; 36]);
        pa.extend_from_slice(&tx);
        em.udp(t0, self.client, self.server, 123, 123, pa);
        let d = rng.jitter(self.rtt, 0.2);
        let rx = t0 + d / 2;
        pa.clear();
        pa.extend_from_slice(&[0x24, self.stratum, 6, 0xe9]);
        pa.extend_from_slice(&(0x0000_0300u32 + (self.stratum as u32) * 0x100).to_be_bytes());
        pa.extend_from_slice(&0x0000_0450u32.to_be_bytes());
        pa.extend_from_slice(&self.refid);
        pa.extend_from_slice(&ntp_ts(t0 - (t0 % (64 * SEC)).min(t0)));
        pa.extend_from_slice(&tx);
        pa.extend_from_slice(&ntp_ts(rx));
        pa.extend_from_slice(&ntp_ts(rx + 25));
        em.udp(t0 + d, self.server, self.client, 123, 123, pa);
        t0 + rng.jitter(self.period, 0.02)
    }
}

// ---- ARP ----

struct Arp {
    asker: usize,
    target: usize,
    period: u64,
}

impl Arp {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit) -> u64 {
        em.arp(t0, self.asker, self.target, false);
        em.arp(t0 + rng.range(80, 1500), self.target, self.asker, true);
        t0 + rng.jitter(self.period, 0.2)
    }
}

// ---- ICMP echo ----

struct Icmp {
    src: usize,
    dst: usize,
    period: u64,
    id: u16,
    seq: u16,
    linux: bool,
    delay: Delay,
}

impl Icmp {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        self.seq = self.seq.wrapping_add(1);
        pa.clear();
        if self.linux {
            let us = BASE_UNIX * SEC + t0;
            pa.extend_from_slice(&(us / SEC).to_le_bytes());
            pa.extend_from_slice(&(us % SEC).to_le_bytes());
            pa.extend((0x10u8..0x38).take(40));
        } else {
            pa.extend_from_slice(b"abcdefghijklmnopqrstuvwabcdefghi");
        }
        em.icmp_echo(t0, self.src, self.dst, 8, self.id, self.seq, pa);
        em.icmp_echo(
            t0 + self.delay.draw(rng),
            self.dst,
            self.src,
            0,
            self.id,
            self.seq,
            pa,
        );
        t0 + rng.jitter(self.period, 0.01)
    }
}

// ---- HTTP (TCP 80), connect per request ----

struct Http {
    conn: TcpConn,
    pool: PortPool,
    period: u64,
    delay: Delay,
    host: String,
    paths: &'static [&'static str],
}

impl Http {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let port = self.pool.next();
        self.conn.renew(rng, port);
        let rtt = rng.range(200, 900);
        let mut t = self.conn.open(em, t0, rtt) + rng.range(50, 400);
        let path = self.paths[rng.below(self.paths.len() as u64) as usize];
        pa.clear();
        write!(
            pa,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)\r\nAccept: text/html,*/*\r\nConnection: close\r\n\r\n",
            self.host
        )
        .unwrap();
        let mut body = Vec::with_capacity(2048);
        body.extend_from_slice(b"<html><head><title>Device status</title></head><body><table>\n");
        let rows = rng.range(4, 30);
        for r in 0..rows {
            writeln!(
                body,
                "<tr><td>Tag{r:04}</td><td>{}.{}</td></tr>",
                rng.below(1000),
                rng.below(10)
            )
            .unwrap();
        }
        body.extend_from_slice(b"</table></body></html>\n");
        pb.clear();
        write!(pb, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
        pb.extend_from_slice(&body);
        t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng));
        // server closes
        self.conn.close(em, t + rng.range(50, 500), false, rtt);
        t0 + rng.jitter(self.period, 0.3)
    }
}

// ---- TLS 1.3 (TCP 443), connect per session ----

struct Tls {
    conn: TcpConn,
    pool: PortPool,
    period: u64,
    delay: Delay,
    sni: String,
}

fn tls_client_hello(p: &mut Vec<u8>, rng: &mut Rng, sni: &str, sid: &[u8; 32]) {
    let mut ext = Vec::with_capacity(256);
    ext.extend_from_slice(&[0, 0]);
    ext.extend_from_slice(&((sni.len() + 5) as u16).to_be_bytes());
    ext.extend_from_slice(&((sni.len() + 3) as u16).to_be_bytes());
    ext.push(0);
    ext.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    ext.extend_from_slice(sni.as_bytes());
    ext.extend_from_slice(&[0, 0x0b, 0, 2, 1, 0]);
    ext.extend_from_slice(&[0, 0x0a, 0, 8, 0, 6, 0, 0x1d, 0, 0x17, 0, 0x18]);
    ext.extend_from_slice(&[0, 0x23, 0, 0]);
    ext.extend_from_slice(&[0, 0x17, 0, 0]);
    ext.extend_from_slice(&[0, 0x0d, 0, 0x0c, 0, 0x0a, 4, 3, 8, 4, 4, 1, 5, 3, 8, 5]);
    ext.extend_from_slice(&[0, 0x2b, 0, 5, 4, 3, 4, 3, 3]);
    ext.extend_from_slice(&[0, 0x2d, 0, 2, 1, 1]);
    ext.extend_from_slice(&[0, 0x33, 0, 0x26, 0, 0x24, 0, 0x1d, 0, 0x20]);
    ext.extend_from_slice(&rng.arr32());
    let mut hs = Vec::with_capacity(512);
    hs.extend_from_slice(&[3, 3]);
    hs.extend_from_slice(&rng.arr32());
    hs.push(32);
    hs.extend_from_slice(sid);
    let suites: [u16; 16] = [
        0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
        0x009c, 0x009d, 0x002f, 0x0035, 0x000a,
    ];
    hs.extend_from_slice(&32u16.to_be_bytes());
    for s in suites {
        hs.extend_from_slice(&s.to_be_bytes());
    }
    hs.extend_from_slice(&[1, 0]);
    hs.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    hs.extend_from_slice(&ext);
    p.extend_from_slice(&[0x16, 3, 1]);
    p.extend_from_slice(&((hs.len() + 4) as u16).to_be_bytes());
    p.push(1);
    p.extend_from_slice(&(hs.len() as u32).to_be_bytes()[1..]);
    p.extend_from_slice(&hs);
}

fn tls_app(p: &mut Vec<u8>, rng: &mut Rng, n: usize) {
    p.extend_from_slice(&[0x17, 3, 3]);
    p.extend_from_slice(&(n as u16).to_be_bytes());
    rng.bytes(p, n);
}

impl Tls {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let port = self.pool.next();
        self.conn.renew(rng, port);
        let rtt = rng.range(200, 1200);
        let mut t = self.conn.open(em, t0, rtt) + rng.range(100, 600);
        let sid = rng.arr32();
        pa.clear();
        tls_client_hello(pa, rng, &self.sni, &sid);
        pb.clear();
        // ServerHello
        let mut sh = Vec::with_capacity(128);
        sh.extend_from_slice(&[3, 3]);
        sh.extend_from_slice(&rng.arr32());
        sh.push(32);
        sh.extend_from_slice(&sid);
        sh.extend_from_slice(&[0x13, 0x01, 0]);
        sh.extend_from_slice(&46u16.to_be_bytes());
        sh.extend_from_slice(&[0, 0x2b, 0, 2, 3, 4, 0, 0x33, 0, 0x24, 0, 0x1d, 0, 0x20]);
        sh.extend_from_slice(&rng.arr32());
        pb.extend_from_slice(&[0x16, 3, 3]);
        pb.extend_from_slice(&((sh.len() + 4) as u16).to_be_bytes());
        pb.push(2);
        pb.extend_from_slice(&(sh.len() as u32).to_be_bytes()[1..]);
        pb.extend_from_slice(&sh);
        pb.extend_from_slice(&[0x14, 3, 3, 0, 1, 1]);
        let n = rng.range(1800, 3200) as usize;
        tls_app(pb, rng, n);
        t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng));
        pa.clear();
        pa.extend_from_slice(&[0x14, 3, 3, 0, 1, 1]);
        tls_app(pa, rng, 53);
        t = self.conn.send(em, t + rng.range(300, 2000), true, pa) + rng.range(50, 300);
        for _ in 0..rng.range(1, 4) {
            pa.clear();
            let n = rng.range(120, 700) as usize;
            tls_app(pa, rng, n);
            pb.clear();
            let n = rng.range(200, 2600) as usize;
            tls_app(pb, rng, n);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(200, 3000);
        }
        pa.clear();
        tls_app(pa, rng, 19);
        t = self.conn.send(em, t, true, pa) + 30;
        self.conn.close(em, t, true, rtt);
        t0 + rng.jitter(self.period, 0.3)
    }
}

// ---- SSH (TCP 22), one long interactive session ----

struct Ssh {
    conn: TcpConn,
    open: bool,
    delay: Delay,
}

fn ssh_string(p: &mut Vec<u8>, s: &[u8]) {
    p.extend_from_slice(&(s.len() as u32).to_be_bytes());
    p.extend_from_slice(s);
}

fn ssh_packet(p: &mut Vec<u8>, payload: &[u8]) {
    let mut pad = 8 - (5 + payload.len()) % 8;
    if pad < 4 {
        pad += 8;
    }
    p.extend_from_slice(&((1 + payload.len() + pad) as u32).to_be_bytes());
    p.push(pad as u8);
    p.extend_from_slice(payload);
    p.extend(std::iter::repeat_n(0u8, pad));
}

fn ssh_kexinit(p: &mut Vec<u8>, rng: &mut Rng) {
    let mut k = vec![20u8];
    rng.bytes(&mut k, 16);
    let lists: [&str; 10] = [
        "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256",
        "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256",
        "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr",
        "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr",
        "hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
        "hmac-sha2-256-etm@openssh.com,hmac-sha2-256",
        "none,zlib@openssh.com",
        "none,zlib@openssh.com",
        "",
        "",
    ];
    for l in lists {
        ssh_string(&mut k, l.as_bytes());
    }
    k.extend_from_slice(&[0, 0, 0, 0, 0]);
    ssh_packet(p, &k);
}

/// An encrypted aes256-gcm packet: cleartext length, ciphertext, 16-byte tag.
fn ssh_enc(p: &mut Vec<u8>, rng: &mut Rng, blocks: usize) {
    p.extend_from_slice(&((blocks * 16) as u32).to_be_bytes());
    rng.bytes(p, blocks * 16 + 16);
}

impl Ssh {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let mut t = t0;
        if !self.open {
            self.open = true;
            t = self.conn.open(em, t, rng.range(200, 800));
            pb.clear();
            pb.extend_from_slice(b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n");
            t = self.conn.send(em, t + rng.range(2 * MS, 8 * MS), false, pb);
            pa.clear();
            pa.extend_from_slice(b"SSH-2.0-PuTTY_Release_0.78\r\n");
            t = self.conn.send(em, t + rng.range(300, 2000), true, pa);
            pa.clear();
            ssh_kexinit(pa, rng);
            pb.clear();
            ssh_kexinit(pb, rng);
            t = self
                .conn
                .exchange(em, t + rng.range(100, 500), pa, pb, self.delay.draw(rng));
            let mut m = vec![30u8];
            ssh_string(&mut m, &rng.arr32());
            pa.clear();
            ssh_packet(pa, &m);
            let mut blob = Vec::with_capacity(51);
            ssh_string(&mut blob, b"ssh-ed25519");
            ssh_string(&mut blob, &rng.arr32());
            let mut sig = Vec::with_capacity(83);
            ssh_string(&mut sig, b"ssh-ed25519");
            let mut s64 = rng.arr32().to_vec();
            s64.extend_from_slice(&rng.arr32());
            ssh_string(&mut sig, &s64);
            m.clear();
            m.push(31);
            ssh_string(&mut m, &blob);
            ssh_string(&mut m, &rng.arr32());
            ssh_string(&mut m, &sig);
            pb.clear();
            ssh_packet(pb, &m);
            ssh_packet(pb, &[21]);
            t = self.conn.exchange(
                em,
                t + rng.range(100, 500),
                pa,
                pb,
                self.delay.draw(rng) + 2 * MS,
            );
            pa.clear();
            ssh_packet(pa, &[21]);
            ssh_enc(pa, rng, 2); // service request
            pb.clear();
            ssh_enc(pb, rng, 2);
            t = self
                .conn
                .exchange(em, t + rng.range(200, 900), pa, pb, self.delay.draw(rng));
            // auth
            pa.clear();
            let n = rng.range(4, 8) as usize;
            ssh_enc(pa, rng, n);
            pb.clear();
            ssh_enc(pb, rng, 2);
            t = self.conn.exchange(
                em,
                t + rng.range(100 * MS, 900 * MS),
                pa,
                pb,
                self.delay.draw(rng) + 5 * MS,
            );
            self.conn.ack(em, t + 40 * MS, true);
            return t + SEC;
        }
        // Human at a terminal: a keystroke and its echo, sometimes a command's output.
        pa.clear();
        ssh_enc(pa, rng, 1);
        pb.clear();
        let output = rng.chance(0.08);
        let n = if output {
            rng.range(8, 200) as usize
        } else {
            1
        };
        ssh_enc(pb, rng, n);
        t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng));
        let gap = if rng.chance(0.05) {
            rng.range(5 * SEC, 60 * SEC)
        } else {
            rng.range(120 * MS, 600 * MS)
        };
        self.conn.final_ack(em, t, false, gap, rng);
        t0 + gap
    }
}

// ---- LLDP ----

struct Lldp {
    src: [u8; 6],
    chassis: [u8; 6],
    vlan: u16,
    sysname: String,
    port: String,
    descr: &'static str,
    mgmt: [u8; 4],
    caps: u16,
    period: u64,
}

fn lldp_tlv(p: &mut Vec<u8>, typ: u8, val: &[u8]) {
    p.extend_from_slice(&(((typ as u16) << 9) | val.len() as u16).to_be_bytes());
    p.extend_from_slice(val);
}

impl Lldp {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        pa.clear();
        let mut v = vec![4u8];
        v.extend_from_slice(&self.chassis);
        lldp_tlv(pa, 1, &v);
        v.clear();
        v.push(5);
        v.extend_from_slice(self.port.as_bytes());
        lldp_tlv(pa, 2, &v);
        lldp_tlv(pa, 3, &120u16.to_be_bytes());
        lldp_tlv(pa, 4, self.port.as_bytes());
        lldp_tlv(pa, 5, self.sysname.as_bytes());
        lldp_tlv(pa, 6, self.descr.as_bytes());
        let mut caps = self.caps.to_be_bytes().to_vec();
        caps.extend_from_slice(&self.caps.to_be_bytes());
        lldp_tlv(pa, 7, &caps);
        if self.mgmt != [0; 4] {
            let mut m = vec![5u8, 1];
            m.extend_from_slice(&self.mgmt);
            m.push(2);
            m.extend_from_slice(&1u32.to_be_bytes());
            m.push(0);
            lldp_tlv(pa, 8, &m);
        }
        lldp_tlv(pa, 0, &[]);
        let start = em.raw_eth(self.src, [0x01, 0x80, 0xc2, 0, 0, 0x0e], self.vlan, 0x88cc);
        em.arena.extend_from_slice(pa);
        em.finish(t0, start);
        t0 + rng.jitter(self.period, 0.005)
    }
}

// ---- IEC 61850: MMS over ISO (TCP 102), GOOSE, Sampled Values ----

/// A BER TLV with a one-byte tag (every tag used here is below 31).
fn ber(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
}

fn ber_v(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(content.len() + 4);
    ber(&mut v, tag, content);
    v
}

/// An unsigned value as a minimal BER INTEGER body.
fn ber_uint(x: u64) -> Vec<u8> {
    let b = x.to_be_bytes();
    let mut i = b.iter().position(|&v| v != 0).unwrap_or(7);
    if b[i] & 0x80 != 0 {
        i -= 1;
    }
    b[i..].to_vec()
}

/// A session parameter (PI/PGI): one-byte length below 255, else 0xff and two bytes.
fn spdu_param(out: &mut Vec<u8>, code: u8, content: &[u8]) {
    out.push(code);
    if content.len() < 255 {
        out.push(content.len() as u8);
    } else {
        out.push(0xff);
        out.extend_from_slice(&(content.len() as u16).to_be_bytes());
    }
    out.extend_from_slice(content);
}

fn tpkt_cotp(p: &mut Vec<u8>, user: &[u8]) {
    tpkt_cotp_dt(p, user.len());
    p.extend_from_slice(user);
}

/// Presentation user data (fully encoded, one PDV) for a presentation context.
fn pres_user_data(ctx: u8, pdu: &[u8]) -> Vec<u8> {
    let mut pdv = vec![0x02, 0x01, ctx];
    ber(&mut pdv, 0xa0, pdu);
    ber_v(0x61, &ber_v(0x30, &pdv))
}

/// An MMS PDU in a session DATA TRANSFER (GIVE TOKENS first), presentation context 3.
fn iso_mms(p: &mut Vec<u8>, mms: &[u8]) {
    let mut user = vec![0x01, 0x00, 0x01, 0x00];
    user.extend_from_slice(&pres_user_data(3, mms));
    tpkt_cotp(p, &user);
}

/// Initiate-Request (0xa8) or Initiate-Response (0xa9) with the usual IEC 61850 values.
fn mms_initiate(tag: u8) -> Vec<u8> {
    let mut d = Vec::new();
    ber(&mut d, 0x80, &[0x00, 0xfd, 0xe8]);
    ber(&mut d, 0x81, &[0x05]);
    ber(&mut d, 0x82, &[0x05]);
    ber(&mut d, 0x83, &[0x0a]);
    let mut det = Vec::new();
    ber(&mut det, 0x80, &[0x01]);
    ber(&mut det, 0x81, &[0x05, 0xf1, 0x00]);
    ber(
        &mut det,
        0x82,
        &[
            0x03, 0xee, 0x1c, 0x00, 0x00, 0x04, 0x08, 0x00, 0x00, 0x79, 0xef, 0x18,
        ],
    );
    ber(&mut d, 0xa4, &det);
    ber_v(tag, &d)
}

/// ACSE user information: one EXTERNAL for presentation context 3.
fn acse_user_info(mms: &[u8]) -> Vec<u8> {
    let mut ext = vec![0x02, 0x01, 0x03];
    ber(&mut ext, 0xa0, mms);
    ber_v(0xbe, &ber_v(0x28, &ext))
}

const MMS_APP_CONTEXT: [u8; 9] = [0xa1, 0x07, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x03];

/// Session CONNECT carrying presentation CP, ACSE AARQ and MMS Initiate-Request.
fn mms_connect(p: &mut Vec<u8>) {
    let mut aarq = MMS_APP_CONTEXT.to_vec();
    aarq.extend_from_slice(&acse_user_info(&mms_initiate(0xa8)));
    let aarq = ber_v(0x60, &aarq);
    let mut ctx = Vec::new();
    ber(
        &mut ctx,
        0x30,
        &[
            0x02, 0x01, 0x01, 0x06, 0x04, 0x52, 0x01, 0x00, 0x01, 0x30, 0x04, 0x06, 0x02, 0x51,
            0x01,
        ],
    );
    ber(
        &mut ctx,
        0x30,
        &[
            0x02, 0x01, 0x03, 0x06, 0x05, 0x28, 0xca, 0x22, 0x02, 0x01, 0x30, 0x04, 0x06, 0x02,
            0x51, 0x01,
        ],
    );
    let mut normal = vec![0x81, 0x04, 0, 0, 0, 1, 0x82, 0x04, 0, 0, 0, 1];
    ber(&mut normal, 0xa4, &ctx);
    normal.extend_from_slice(&pres_user_data(1, &aarq));
    let mut cp = vec![0xa0, 0x03, 0x80, 0x01, 0x01];
    ber(&mut cp, 0xa2, &normal);
    let cp = ber_v(0x31, &cp);
    let mut params = Vec::new();
    spdu_param(&mut params, 0x05, &[0x13, 0x01, 0x00, 0x16, 0x01, 0x02]);
    spdu_param(&mut params, 0x14, &[0x00, 0x02]);
    spdu_param(&mut params, 0x33, &[0x00, 0x01]);
    spdu_param(&mut params, 0x34, &[0x00, 0x01]);
    spdu_param(&mut params, 0xc1, &cp);
    let mut spdu = Vec::new();
    spdu_param(&mut spdu, 0x0d, &params);
    tpkt_cotp(p, &spdu);
}

/// Session ACCEPT carrying presentation CPA, ACSE AARE and MMS Initiate-Response.
fn mms_accept(p: &mut Vec<u8>) {
    let mut aare = MMS_APP_CONTEXT.to_vec();
    aare.extend_from_slice(&[0xa2, 0x03, 0x02, 0x01, 0x00]);
    aare.extend_from_slice(&[0xa3, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x00]);
    aare.extend_from_slice(&acse_user_info(&mms_initiate(0xa9)));
    let aare = ber_v(0x61, &aare);
    let mut results = Vec::new();
    for _ in 0..2 {
        ber(
            &mut results,
            0x30,
            &[0x80, 0x01, 0x00, 0x81, 0x02, 0x51, 0x01],
        );
    }
    let mut normal = vec![0x83, 0x04, 0, 0, 0, 1];
    ber(&mut normal, 0xa5, &results);
    normal.extend_from_slice(&pres_user_data(1, &aare));
    let mut cpa = vec![0xa0, 0x03, 0x80, 0x01, 0x01];
    ber(&mut cpa, 0xa2, &normal);
    let cpa = ber_v(0x31, &cpa);
    let mut params = Vec::new();
    spdu_param(&mut params, 0x05, &[0x13, 0x01, 0x00, 0x16, 0x01, 0x02]);
    spdu_param(&mut params, 0x14, &[0x00, 0x02]);
    spdu_param(&mut params, 0xc1, &cpa);
    let mut spdu = Vec::new();
    spdu_param(&mut spdu, 0x0e, &params);
    tpkt_cotp(p, &spdu);
}

/// A domain-specific object name: `[1] { domainId, itemId }`.
fn mms_name(domain: &str, item: &str) -> Vec<u8> {
    let mut n = Vec::new();
    ber(&mut n, 0x1a, domain.as_bytes());
    ber(&mut n, 0x1a, item.as_bytes());
    ber_v(0xa1, &n)
}

/// A listOfVariable access specification (`[0]`) naming each item of a domain.
fn mms_var_list(domain: &str, items: &[&str]) -> Vec<u8> {
    let mut l = Vec::new();
    for it in items {
        ber(&mut l, 0x30, &ber_v(0xa0, &mms_name(domain, it)));
    }
    ber_v(0xa0, &l)
}

/// A confirmed-RequestPDU (`tag` 0xa0) or confirmed-ResponsePDU (0xa1).
fn mms_confirmed(tag: u8, invoke: u32, service: &[u8]) -> Vec<u8> {
    let mut c = Vec::new();
    ber(&mut c, 0x02, &ber_uint(invoke as u64));
    c.extend_from_slice(service);
    ber_v(tag, &c)
}

/// A measured value as MMS Data: structure { float, quality bit string, utc time }.
fn mms_measurement(v: f32, t: u64) -> Vec<u8> {
    let mut f = vec![0x08];
    f.extend_from_slice(&v.to_be_bytes());
    let mut s = Vec::new();
    ber(&mut s, 0x87, &f);
    ber(&mut s, 0x84, &[0x03, 0x00, 0x00]);
    let mut ts = ((t / SEC) as u32 + 1_700_000_000).to_be_bytes().to_vec();
    ts.extend_from_slice(&[((t % SEC) * 256 / SEC) as u8, 0, 0, 0x0a]);
    ber(&mut s, 0x91, &ts);
    ber_v(0xa2, &s)
}

const MMS_ITEMS: [&str; 8] = [
    "MMXU1$MX$TotW",
    "MMXU1$MX$TotVAr",
    "MMXU1$MX$Hz",
    "MMXU1$MX$PhV",
    "MMXU1$MX$A",
    "XCBR1$ST$Pos",
    "PTOC1$ST$Op",
    "LLN0$ST$Mod",
];

struct Mms {
    conn: TcpConn,
    open: bool,
    period: u64,
    delay: Delay,
    quick_ack: bool,
    invoke: u32,
    domain: String,
    items: usize,
    vendor: &'static str,
    model: &'static str,
    vals: [f32; 8],
}

impl Mms {
    fn step(
        &mut self,
        t0: u64,
        rng: &mut Rng,
        em: &mut Emit,
        pa: &mut Vec<u8>,
        pb: &mut Vec<u8>,
    ) -> u64 {
        let gap = rng.jitter(self.period, 0.03);
        let mut t = t0;
        if !self.open {
            self.open = true;
            t = self.conn.open(em, t, rng.range(150, 900)) + rng.range(300, 2000);
            pa.clear();
            pa.extend_from_slice(&[
                3, 0, 0, 22, 17, 0xe0, 0, 0, 0, 1, 0, 0xc0, 1, 0x0d, 0xc1, 2, 0, 1, 0xc2, 2, 0, 1,
            ]);
            pb.clear();
            pb.extend_from_slice(&[
                3, 0, 0, 22, 17, 0xd0, 0, 1, 0x51, 0x07, 0, 0xc0, 1, 0x0d, 0xc1, 2, 0, 1, 0xc2, 2,
                0, 1,
            ]);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(100, 500);
            pa.clear();
            mms_connect(pa);
            pb.clear();
            mms_accept(pb);
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(200, 900);
            // Identify, then the logical devices, as SCADA clients do after connecting.
            self.invoke += 1;
            pa.clear();
            iso_mms(pa, &mms_confirmed(0xa0, self.invoke, &[0x82, 0x00]));
            let mut id = Vec::new();
            ber(&mut id, 0x80, self.vendor.as_bytes());
            ber(&mut id, 0x81, self.model.as_bytes());
            ber(&mut id, 0x82, b"2.1.4");
            pb.clear();
            iso_mms(pb, &mms_confirmed(0xa1, self.invoke, &ber_v(0xa2, &id)));
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(200, 900);
            self.invoke += 1;
            let gnl = [
                0xa1, 0x09, 0xa0, 0x03, 0x80, 0x01, 0x09, 0xa1, 0x02, 0x80, 0x00,
            ];
            pa.clear();
            iso_mms(pa, &mms_confirmed(0xa0, self.invoke, &gnl));
            let mut names = Vec::new();
            ber(&mut names, 0x1a, self.domain.as_bytes());
            let mut r = Vec::new();
            ber(&mut r, 0xa0, &names);
            ber(&mut r, 0x81, &[0x00]);
            pb.clear();
            iso_mms(pb, &mms_confirmed(0xa1, self.invoke, &ber_v(0xa1, &r)));
            t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng)) + rng.range(200, 900);
        }
        self.invoke = self.invoke.wrapping_add(1);
        let items = &MMS_ITEMS[..self.items];
        if rng.chance(0.005) {
            // An operator command: write the breaker's control value.
            let mut w = mms_var_list(&self.domain, &["CSWI1$CO$Pos$Oper"]);
            ber(&mut w, 0xa0, &[0x83, 0x01, 0xff]);
            pa.clear();
            iso_mms(pa, &mms_confirmed(0xa0, self.invoke, &ber_v(0xa5, &w)));
            pb.clear();
            iso_mms(
                pb,
                &mms_confirmed(0xa1, self.invoke, &[0xa5, 0x02, 0x81, 0x00]),
            );
        } else {
            let spec = ber_v(0xa1, &mms_var_list(&self.domain, items));
            pa.clear();
            iso_mms(pa, &mms_confirmed(0xa0, self.invoke, &ber_v(0xa4, &spec)));
            let mut data = Vec::new();
            for (k, v) in self.vals.iter_mut().take(items.len()).enumerate() {
                *v += (rng.unit() as f32 - 0.5) * (k as f32 + 1.0);
                data.extend_from_slice(&mms_measurement(*v, t));
            }
            pb.clear();
            iso_mms(
                pb,
                &mms_confirmed(0xa1, self.invoke, &ber_v(0xa4, &ber_v(0xa1, &data))),
            );
        }
        t = self.conn.exchange(em, t, pa, pb, self.delay.draw(rng));
        self.conn.final_ack(em, t, self.quick_ack, gap, rng);
        t0 + gap
    }
}

/// The 8-byte header every IEC 61850-8-1/9-2 frame starts with: APPID, length (from the
/// APPID on), two reserved words.
fn iec61850_frame(
    em: &mut Emit,
    src: [u8; 6],
    dst: [u8; 6],
    vlan: u16,
    et: u16,
    appid: u16,
    pdu: &[u8],
) -> usize {
    let start = em.raw_eth(src, dst, vlan, et);
    em.arena.extend_from_slice(&appid.to_be_bytes());
    em.arena
        .extend_from_slice(&((8 + pdu.len()) as u16).to_be_bytes());
    em.arena.extend_from_slice(&[0, 0, 0, 0]);
    em.arena.extend_from_slice(pdu);
    start
}

struct Goose {
    src: [u8; 6],
    dst: [u8; 6],
    vlan: u16,
    appid: u16,
    gocb: String,
    datset: String,
    goid: String,
    st_num: u32,
    sq_num: u32,
    /// Time of the next frame of a retransmission burst after a change, doubling from 2 ms.
    burst: u64,
    state: bool,
}

impl Goose {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        let heartbeat = SEC;
        if self.burst == 0 && rng.chance(0.002) {
            self.state = !self.state;
            self.st_num = self.st_num.wrapping_add(1);
            self.sq_num = 0;
            self.burst = 2 * MS;
        }
        let ttl = if self.burst > 0 {
            2 * self.burst
        } else {
            2 * heartbeat
        };
        pa.clear();
        ber(pa, 0x80, self.gocb.as_bytes());
        ber(pa, 0x81, &ber_uint(ttl / MS));
        ber(pa, 0x82, self.datset.as_bytes());
        ber(pa, 0x83, self.goid.as_bytes());
        let mut ts = ((t0 / SEC) as u32 + 1_700_000_000).to_be_bytes().to_vec();
        ts.extend_from_slice(&[((t0 % SEC) * 256 / SEC) as u8, 0, 0, 0x0a]);
        ber(pa, 0x84, &ts);
        ber(pa, 0x85, &ber_uint(self.st_num as u64));
        ber(pa, 0x86, &ber_uint(self.sq_num as u64));
        ber(pa, 0x87, &[0x00]);
        ber(pa, 0x88, &[0x01]);
        ber(pa, 0x89, &[0x00]);
        ber(pa, 0x8a, &[0x04]);
        let mut all = Vec::new();
        ber(&mut all, 0x83, &[self.state as u8]);
        ber(&mut all, 0x84, &[0x03, 0x00, 0x00]);
        ber(&mut all, 0x83, &[!self.state as u8]);
        ber(&mut all, 0x84, &[0x03, 0x00, 0x00]);
        ber(pa, 0xab, &all);
        let pdu = ber_v(0x61, pa);
        let start = iec61850_frame(em, self.src, self.dst, self.vlan, 0x88b8, self.appid, &pdu);
        em.finish(t0, start);
        self.sq_num = self.sq_num.wrapping_add(1);
        if self.burst > 0 {
            let d = self.burst;
            self.burst = if d >= 512 * MS { 0 } else { d * 2 };
            t0 + d
        } else {
            t0 + rng.jitter(heartbeat, 0.001)
        }
    }
}

struct Sv {
    src: [u8; 6],
    dst: [u8; 6],
    vlan: u16,
    appid: u16,
    sv_id: String,
    smp_cnt: u16,
    /// Samples per second; each frame carries `asdus` consecutive samples.
    rate: u64,
    asdus: u16,
}

impl Sv {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        pa.clear();
        let mut seq = Vec::new();
        for _ in 0..self.asdus {
            let mut a = Vec::new();
            ber(&mut a, 0x80, self.sv_id.as_bytes());
            ber(&mut a, 0x82, &self.smp_cnt.to_be_bytes());
            ber(&mut a, 0x83, &1u32.to_be_bytes());
            ber(&mut a, 0x85, &[0x02]);
            let mut data = [0u8; 64];
            for ch in data.chunks_exact_mut(8) {
                ch[..4].copy_from_slice(&(rng.below(20_000) as i32 - 10_000).to_be_bytes());
            }
            ber(&mut a, 0x87, &data);
            ber(&mut seq, 0x30, &a);
            self.smp_cnt = (self.smp_cnt + 1) % self.rate as u16;
        }
        ber(pa, 0x80, &ber_uint(self.asdus as u64));
        ber(pa, 0xa2, &seq);
        let pdu = ber_v(0x60, pa);
        let start = iec61850_frame(em, self.src, self.dst, self.vlan, 0x88ba, self.appid, &pdu);
        em.finish(t0, start);
        t0 + SEC * self.asdus as u64 / self.rate
    }
}

// ---- PROFINET: RT cyclic I/O and DCP ----

struct PnRt {
    /// (source, destination, frame id) of each direction.
    flows: [([u8; 6], [u8; 6], u16); 2],
    vlan: u16,
    cycle: u64,
    data_len: usize,
    counter: u16,
}

impl PnRt {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        // Cycle counter in 31.25 us units, as the specification counts it.
        self.counter = self.counter.wrapping_add((self.cycle * 32 / MS) as u16);
        for (k, &(src, dst, fid)) in self.flows.iter().enumerate() {
            pa.clear();
            pa.extend_from_slice(&fid.to_be_bytes());
            for _ in 0..self.data_len {
                pa.push(if rng.chance(0.1) {
                    rng.next() as u8
                } else {
                    0x80
                });
            }
            pa.extend_from_slice(&self.counter.to_be_bytes());
            pa.extend_from_slice(&[0x35, 0x00]);
            let start = em.raw_eth(src, dst, self.vlan, 0x8892);
            em.arena.extend_from_slice(pa);
            em.finish(t0 + k as u64 * rng.range(50, 400), start);
        }
        t0 + self.cycle
    }
}

/// A DCP station: (MAC, name of station, type of station, vendor id, device id, role, ip,
/// mask, gateway).
type PnStation = (
    [u8; 6],
    String,
    &'static str,
    u16,
    u16,
    u8,
    [u8; 4],
    [u8; 4],
    [u8; 4],
);

struct Dcp {
    requester: [u8; 6],
    vlan: u16,
    xid: u32,
    devices: Vec<PnStation>,
    period: u64,
}

fn dcp_block(p: &mut Vec<u8>, opt: u8, sub: u8, info: Option<u16>, data: &[u8]) {
    let len = data.len() + if info.is_some() { 2 } else { 0 };
    p.extend_from_slice(&[opt, sub]);
    p.extend_from_slice(&(len as u16).to_be_bytes());
    if let Some(i) = info {
        p.extend_from_slice(&i.to_be_bytes());
    }
    p.extend_from_slice(data);
    if len % 2 == 1 {
        p.push(0);
    }
}

impl Dcp {
    fn step(&mut self, t0: u64, rng: &mut Rng, em: &mut Emit, pa: &mut Vec<u8>) -> u64 {
        self.xid = self.xid.wrapping_add(1);
        pa.clear();
        pa.extend_from_slice(&[0xfe, 0xfe, 0x05, 0x00]);
        pa.extend_from_slice(&self.xid.to_be_bytes());
        pa.extend_from_slice(&[0x00, 0x01, 0x00, 0x04, 0xff, 0xff, 0x00, 0x00]);
        let start = em.raw_eth(
            self.requester,
            [0x01, 0x0e, 0xcf, 0, 0, 0],
            self.vlan,
            0x8892,
        );
        em.arena.extend_from_slice(pa);
        em.finish(t0, start);
        for d in &self.devices {
            let mut b = Vec::new();
            dcp_block(&mut b, 2, 1, Some(0), d.2.as_bytes());
            dcp_block(&mut b, 2, 2, Some(0), d.1.as_bytes());
            let mut id = d.3.to_be_bytes().to_vec();
            id.extend_from_slice(&d.4.to_be_bytes());
            dcp_block(&mut b, 2, 3, Some(0), &id);
            dcp_block(&mut b, 2, 4, Some(0), &[d.5, 0]);
            let ip = [d.6, d.7, d.8].concat();
            dcp_block(&mut b, 1, 2, Some(1), &ip);
            pa.clear();
            pa.extend_from_slice(&[0xfe, 0xff, 0x05, 0x01]);
            pa.extend_from_slice(&self.xid.to_be_bytes());
            pa.extend_from_slice(&[0x00, 0x00]);
            pa.extend_from_slice(&(b.len() as u16).to_be_bytes());
            pa.extend_from_slice(&b);
            let start = em.raw_eth(d.0, self.requester, self.vlan, 0x8892);
            em.arena.extend_from_slice(pa);
            em.finish(t0 + rng.range(400, 40 * MS), start);
        }
        t0 + rng.jitter(self.period, 0.01)
    }
}

// ---- dispatch ----

enum Proto {
    Modbus(Modbus),
    S7(S7),
    Dnp3(Dnp3),
    Iec104(Iec104),
    Enip(Enip),
    EnipIo(EnipIo),
    EnipList(EnipList),
    Bacnet(Bacnet),
    BacnetWhoIs(BacnetWhoIs),
    OpcUa(OpcUa),
    Dns(Dns),
    Ntp(Ntp),
    Arp(Arp),
    Icmp(Icmp),
    Http(Http),
    Tls(Tls),
    Ssh(Ssh),
    Lldp(Lldp),
    Mms(Mms),
    Goose(Goose),
    Sv(Sv),
    PnRt(PnRt),
    Dcp(Dcp),
}

impl Proto {
    fn name(&self) -> &'static str {
        match self {
            Proto::Modbus(_) => "modbus",
            Proto::S7(_) => "s7comm",
            Proto::Dnp3(_) => "dnp3",
            Proto::Iec104(_) => "iec104",
            Proto::Enip(_) => "enip-explicit",
            Proto::EnipIo(_) => "enip-io",
            Proto::EnipList(_) => "enip-listidentity",
            Proto::Bacnet(_) => "bacnet",
            Proto::BacnetWhoIs(_) => "bacnet-whois",
            Proto::OpcUa(_) => "opcua",
            Proto::Dns(_) => "dns",
            Proto::Ntp(_) => "ntp",
            Proto::Arp(_) => "arp",
            Proto::Icmp(_) => "icmp",
            Proto::Http(_) => "http",
            Proto::Tls(_) => "tls",
            Proto::Ssh(_) => "ssh",
            Proto::Lldp(_) => "lldp",
            Proto::Mms(_) => "mms",
            Proto::Goose(_) => "goose",
            Proto::Sv(_) => "sv",
            Proto::PnRt(_) => "profinet-rt",
            Proto::Dcp(_) => "profinet-dcp",
        }
    }
}

struct Session {
    next: u64,
    rng: Rng,
    proto: Proto,
    arena: Vec<u8>,
    queue: Vec<(u64, u32, u32)>,
    qpos: usize,
}

// ------------------------------------------------------------------------------------------
// The plant
// ------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dev {
    Modbus,
    S7,
    Enip,
    Dnp3,
    Iec104,
    Bacnet,
    OpcUa,
    Iec61850,
}

struct Plant {
    net: Net,
    sessions: Vec<Session>,
}

fn build(seed: u64, nhosts: usize) -> Plant {
    let mut rng = Rng::new(seed);
    let mut net = Net {
        hosts: Vec::new(),
        subnets: Vec::new(),
    };
    let mut protos: Vec<Proto> = Vec::new();

    // Zones.
    let cc = net.add_subnet(&mut rng, [10, 10, 10], 0);
    let it = net.add_subnet(&mut rng, [172, 16, 20], 0);
    let bldg = net.add_subnet(&mut rng, [192, 168, 50], 50);

    // Control centre.
    let dc = net.add_host(&mut rng, cc, 5, Os::Windows, OUI_VMWARE, "dc01");
    let scada = [
        net.add_host(&mut rng, cc, 11, Os::Windows, OUI_VMWARE, "scada01"),
        net.add_host(&mut rng, cc, 12, Os::Windows, OUI_VMWARE, "scada02"),
    ];
    let hist = net.add_host(&mut rng, cc, 20, Os::Windows, OUI_VMWARE, "hist01");
    let eng = [
        net.add_host(&mut rng, cc, 31, Os::Windows, OUI_DELL, "eng01"),
        net.add_host(&mut rng, cc, 32, Os::Windows, OUI_HP, "eng02"),
    ];
    let jump = net.add_host(&mut rng, cc, 40, Os::Linux, OUI_VMWARE, "jump01");
    let n_hmi = (nhosts / 50).clamp(2, 8);
    let hmis: Vec<usize> = (0..n_hmi)
        .map(|i| {
            net.add_host(
                &mut rng,
                cc,
                51 + i as u8,
                Os::Windows,
                if i % 2 == 0 { OUI_DELL } else { OUI_ADVANTECH },
                &format!("hmi{:02}", i + 1),
            )
        })
        .collect();
    // IT / DMZ.
    let web = net.add_host(&mut rng, it, 10, Os::Linux, OUI_VMWARE, "histweb");
    let ws: Vec<usize> = (0..4)
        .map(|i| {
            net.add_host(
                &mut rng,
                it,
                101 + i as u8,
                Os::Windows,
                OUI_HP,
                &format!("ws{:02}", i + 1),
            )
        })
        .collect();
    let bms = net.add_host(&mut rng, bldg, 10, Os::Windows, OUI_HONEYWELL, "bms01");
    // Internet.
    let g_dns = net.add_public([8, 8, 8, 8], 117, "dns.google");
    let c_dns = net.add_public([1, 1, 1, 1], 57, "one.one.one.one");
    let c_ntp = net.add_public([162, 159, 200, 123], 56, "time.cloudflare.com");
    let n_ntp = net.add_public([129, 6, 15, 28], 49, "time-a-g.nist.gov");

    let fixed = net
        .hosts
        .iter()
        .filter(|h| !matches!(h.os, Os::Router | Os::Bcast))
        .count()
        + 1;
    let n_field = nhosts.saturating_sub(fixed).max(8);
    let kinds: Vec<Dev> = (0..n_field)
        .map(|_| {
            rng.weighted(&[
                (Dev::Modbus, 30),
                (Dev::S7, 20),
                (Dev::Enip, 16),
                (Dev::Dnp3, 8),
                (Dev::Iec104, 7),
                (Dev::Bacnet, 10),
                (Dev::OpcUa, 6),
                (Dev::Iec61850, 6),
            ])
        })
        .collect();
    // The building zone is one /24: beyond 150 BACnet devices, make them Modbus PLCs.
    let mut n_bac = 0;
    let kinds: Vec<Dev> = kinds
        .into_iter()
        .map(|k| {
            if k == Dev::Bacnet {
                n_bac += 1;
                if n_bac > 150 {
                    return Dev::Modbus;
                }
            }
            k
        })
        .collect();
    let n_cell_dev = kinds.iter().filter(|&&k| k != Dev::Bacnet).count();
    let per_cell = 40;
    let n_cells = n_cell_dev.div_ceil(per_cell).max(1);
    let mut cells = Vec::new();
    let mut panels = Vec::new();
    for c in 0..n_cells {
        let vlan = if c % 3 == 1 { 100 + c as u16 + 1 } else { 0 };
        let sn = net.add_subnet(&mut rng, [10, 20, c as u8 + 1], vlan);
        cells.push(sn);
        panels.push(net.add_host(
            &mut rng,
            sn,
            200,
            Os::Windows,
            OUI_ADVANTECH,
            &format!("panel{:02}", c + 1),
        ));
    }
    let mut devs: Vec<(usize, Dev)> = Vec::new();
    let (mut cell_i, mut bldg_i) = (0usize, 0usize);
    for &k in &kinds {
        let (sn, last) = if k == Dev::Bacnet {
            bldg_i += 1;
            (bldg, 99 + bldg_i)
        } else {
            let c = cell_i / per_cell;
            cell_i += 1;
            (cells[c], 10 + (cell_i - 1) % per_cell)
        };
        let (oui, os) = match k {
            Dev::Modbus => (
                rng.pick(&[OUI_SCHNEIDER, OUI_WAGO, OUI_MOXA, OUI_BECKHOFF]),
                Os::Plc,
            ),
            Dev::S7 => (OUI_SIEMENS, Os::Plc),
            Dev::Enip => (OUI_ROCKWELL, Os::Plc),
            Dev::Dnp3 => (OUI_SEL, Os::Plc),
            Dev::Iec104 => (OUI_ABB, Os::Plc),
            Dev::Bacnet => (OUI_HONEYWELL, Os::Plc),
            Dev::OpcUa => (OUI_MOXA, Os::Linux),
            Dev::Iec61850 => (rng.pick(&[OUI_ABB, OUI_SEL, OUI_SIEMENS]), Os::Plc),
        };
        let name = format!(
            "{}{:03}",
            match k {
                Dev::Modbus => "mb",
                Dev::S7 => "s7",
                Dev::Enip => "cl",
                Dev::Dnp3 => "rtu",
                Dev::Iec104 => "iec",
                Dev::Bacnet => "bac",
                Dev::OpcUa => "gw",
                Dev::Iec61850 => "ied",
            },
            devs.len() + 1
        );
        let h = net.add_host(&mut rng, sn, last as u8, os, oui, &name);
        devs.push((h, k));
    }

    let eph = |rng: &mut Rng| rng.range(49152, 65000) as u16;
    let delay_plc = |rng: &mut Rng| Delay(rng.pick(&[400u64, 800, 1500, 2500, 4000, 6000]));
    let mut enip_by_cell: Vec<Vec<usize>> = vec![Vec::new(); net.subnets.len()];
    let mut enip_list = Vec::new();
    let mut bacnet_devs = Vec::new();
    let mut web_targets = Vec::new();
    let mut pn_by_cell: Vec<Vec<PnStation>> = vec![Vec::new(); net.subnets.len()];
    let mut n_sv = 0;
    for (i, &(h, k)) in devs.iter().enumerate() {
        let sn = net.hosts[h].subnet;
        let panel = cells.iter().position(|&c| c == sn).map(|c| panels[c]);
        match k {
            Dev::Modbus => {
                let unit = rng.pick(&[1u8, 1, 1, 255, 0]);
                let mk_blocks = |rng: &mut Rng, n: usize| -> Vec<(u8, u16, u16)> {
                    (0..n)
                        .map(|_| {
                            let fc = rng.weighted(&[(3u8, 70), (4, 15), (1, 10), (2, 5)]);
                            let qty = if fc <= 2 {
                                rng.pick(&[8u16, 16, 16, 32, 64, 128])
                            } else {
                                rng.weighted(&[
                                    (2u16, 1),
                                    (4, 2),
                                    (8, 4),
                                    (10, 6),
                                    (16, 8),
                                    (20, 8),
                                    (32, 10),
                                    (50, 12),
                                    (64, 14),
                                    (100, 16),
                                    (125, 14),
                                ])
                            };
                            (fc, rng.below(40) as u16 * 10, qty)
                        })
                        .collect()
                };
                let mut regs = [0u16; 16];
                for r in regs.iter_mut() {
                    *r = rng.below(3000) as u16;
                }
                let m = scada[i % 2];
                let nb = rng.range(1, 3) as usize;
                protos.push(Proto::Modbus(Modbus {
                    conn: {
                        let cp = eph(&mut rng);
                        TcpConn::new(&net, &mut rng, m, h, cp, 502)
                    },
                    open: false,
                    pool: None,
                    period: rng.weighted(&[
                        (100 * MS, 2),
                        (200 * MS, 3),
                        (250 * MS, 3),
                        (500 * MS, 5),
                        (1000 * MS, 5),
                    ]),
                    delay: delay_plc(&mut rng),
                    quick_ack: rng.chance(0.4),
                    tid: rng.next() as u16,
                    unit,
                    blocks: mk_blocks(&mut rng, nb),
                    write_every: rng.pick(&[0u64, 200, 1000, 5000]),
                    regs,
                }));
                if let Some(p) = panel.filter(|_| rng.chance(0.4)) {
                    protos.push(Proto::Modbus(Modbus {
                        conn: {
                            let cp = eph(&mut rng);
                            TcpConn::new(&net, &mut rng, p, h, cp, 502)
                        },
                        open: false,
                        pool: None,
                        period: rng.pick(&[250 * MS, 500 * MS, 1000 * MS]),
                        delay: delay_plc(&mut rng),
                        quick_ack: rng.chance(0.5),
                        tid: 0,
                        unit,
                        blocks: mk_blocks(&mut rng, 1),
                        write_every: rng.pick(&[0u64, 50, 300]),
                        regs,
                    }));
                }
                if rng.chance(0.12) {
                    // historian logger that connects for every sample
                    protos.push(Proto::Modbus(Modbus {
                        conn: TcpConn::new(&net, &mut rng, hist, h, 0, 502),
                        open: false,
                        pool: Some(PortPool::new(&mut rng, 8)),
                        period: rng.pick(&[5 * SEC, 10 * SEC, 30 * SEC, 60 * SEC]),
                        delay: delay_plc(&mut rng),
                        quick_ack: true,
                        tid: 0,
                        unit,
                        blocks: mk_blocks(&mut rng, 1),
                        write_every: 0,
                        regs,
                    }));
                }
                if rng.chance(0.15) {
                    web_targets.push(h);
                }
            }
            Dev::S7 => {
                let mk = |rng: &mut Rng| -> Vec<Vec<(u8, u16, u32, u16)>> {
                    (0..rng.range(1, 2))
                        .map(|_| {
                            (0..rng.weighted(&[(1u64, 4), (2, 3), (3, 2), (4, 1)]))
                                .map(|_| {
                                    let area = rng.weighted(&[
                                        (0x84u8, 8),
                                        (0x83, 2),
                                        (0x81, 1),
                                        (0x82, 1),
                                    ]);
                                    let db = if area == 0x84 {
                                        rng.range(1, 200) as u16
                                    } else {
                                        0
                                    };
                                    let len = rng.weighted(&[
                                        (1u16, 1),
                                        (2, 3),
                                        (4, 4),
                                        (8, 4),
                                        (16, 5),
                                        (32, 5),
                                        (64, 5),
                                        (100, 4),
                                        (200, 3),
                                    ]);
                                    (area, db, rng.below(512) as u32 * 2, len)
                                })
                                .collect()
                        })
                        .collect()
                };
                let m = hmis[i % hmis.len()];
                protos.push(Proto::S7(S7 {
                    conn: {
                        let cp = eph(&mut rng);
                        TcpConn::new(&net, &mut rng, m, h, cp, 102)
                    },
                    open: false,
                    period: rng.weighted(&[
                        (100 * MS, 1),
                        (250 * MS, 3),
                        (500 * MS, 4),
                        (1000 * MS, 3),
                    ]),
                    delay: Delay(rng.pick(&[1500u64, 3000, 5000, 8000])),
                    quick_ack: rng.chance(0.3),
                    pduref: rng.next() as u16,
                    reqs: mk(&mut rng),
                    rack_slot: rng.pick(&[1u8, 2, 2]),
                }));
                if let Some(p) = panel.filter(|_| rng.chance(0.3)) {
                    protos.push(Proto::S7(S7 {
                        conn: {
                            let cp = eph(&mut rng);
                            TcpConn::new(&net, &mut rng, p, h, cp, 102)
                        },
                        open: false,
                        period: rng.pick(&[500 * MS, 1000 * MS]),
                        delay: Delay(rng.pick(&[1500u64, 3000, 5000])),
                        quick_ack: rng.chance(0.5),
                        pduref: 0,
                        reqs: mk(&mut rng),
                        rack_slot: 2,
                    }));
                }
                // A PROFINET IO controller: itself and, for some, an IO device in cyclic
                // exchange; both answer DCP.
                let vlan = net.subnets[sn].vlan;
                let (hm, hip, hname) =
                    (net.hosts[h].mac, net.hosts[h].ip, net.hosts[h].name.clone());
                let gw = net.hosts[net.gw(sn)].ip;
                pn_by_cell[sn].push((
                    hm,
                    hname.clone(),
                    "S7-1500",
                    0x002a,
                    0x010e,
                    2,
                    hip,
                    [255, 255, 255, 0],
                    gw,
                ));
                if rng.chance(0.3) {
                    let dm = Net::mac(&mut rng, OUI_SIEMENS);
                    let k = pn_by_cell[sn].len() as u8;
                    let dip = [hip[0], hip[1], hip[2], 150 + k];
                    pn_by_cell[sn].push((
                        dm,
                        format!("{hname}-et200sp"),
                        "ET 200SP",
                        0x002a,
                        0x0313,
                        1,
                        dip,
                        [255, 255, 255, 0],
                        gw,
                    ));
                    let fid = 0x8000 + rng.below(0x3000) as u16;
                    protos.push(Proto::PnRt(PnRt {
                        flows: [(hm, dm, fid), (dm, hm, fid + 1)],
                        vlan,
                        cycle: rng.pick(&[128 * MS, 256 * MS, 512 * MS]),
                        data_len: rng.pick(&[40usize, 40, 64, 100]),
                        counter: rng.next() as u16,
                    }));
                }
                // PROFINET devices announce themselves with LLDP.
                let hh = &net.hosts[h];
                protos.push(Proto::Lldp(Lldp {
                    src: hh.mac,
                    chassis: hh.mac,
                    vlan: net.subnets[sn].vlan,
                    sysname: hh.name.clone(),
                    port: "port-001".to_string(),
                    descr: "Siemens, SIMATIC S7, CPU 1515-2 PN, 6ES7 515-2AM02-0AB0, HW: 3, FW: V2.9.4",
                    mgmt: hh.ip,
                    caps: 0x0080,
                    period: 30 * SEC,
                }));
                if rng.chance(0.15) {
                    web_targets.push(h);
                }
            }
            Dev::Enip => {
                let m = hmis[(i + 1) % hmis.len()];
                let reads = (0..rng.range(1, 2))
                    .map(|_| {
                        (
                            rng.pick(&[0x64u8, 0x65, 0x66, 0x96]),
                            rng.pick(&[16u16, 32, 64, 128, 200]),
                        )
                    })
                    .collect();
                protos.push(Proto::Enip(Enip {
                    conn: {
                        let cp = eph(&mut rng);
                        TcpConn::new(&net, &mut rng, m, h, cp, 44818)
                    },
                    open: false,
                    period: rng.pick(&[250 * MS, 500 * MS, 1000 * MS, 2000 * MS]),
                    delay: delay_plc(&mut rng),
                    quick_ack: rng.chance(0.4),
                    session: rng.next() as u32,
                    ctx: 0,
                    reads,
                }));
                let cellmates = &mut enip_by_cell[sn];
                let is_adapter = !cellmates.is_empty() && rng.chance(0.6);
                if is_adapter {
                    let scanner = cellmates[0];
                    let rpi =
                        rng.weighted(&[(20 * MS, 1), (50 * MS, 3), (100 * MS, 4), (200 * MS, 2)]);
                    protos.push(Proto::EnipIo(EnipIo {
                        scanner,
                        adapter: h,
                        rpi,
                        phase: rng.range(200, rpi / 2),
                        o2t_id: rng.next() as u32,
                        t2o_id: rng.next() as u32,
                        o2t_seq: 0,
                        t2o_seq: 0,
                        o2t_len: rng.pick(&[4u16, 8, 16, 32, 64]),
                        t2o_len: rng.pick(&[20u16, 40, 64, 100, 128, 200]),
                    }));
                } else {
                    cellmates.push(h);
                }
                let (dt, name) = if is_adapter {
                    (0x0cu16, "1734-AENT/A POINT I/O")
                } else {
                    (0x0e, "1756-L83E/B")
                };
                enip_list.push((h, dt, name, rng.next() as u32));
            }
            Dev::Dnp3 => {
                protos.push(Proto::Dnp3(Dnp3 {
                    conn: {
                        let cp = eph(&mut rng);
                        TcpConn::new(&net, &mut rng, scada[0], h, cp, 20000)
                    },
                    open: false,
                    period: rng.pick(&[SEC, 2 * SEC, 2 * SEC, 5 * SEC]),
                    delay: Delay(rng.pick(&[3000u64, 8000, 20_000])),
                    master: 1,
                    outst: 10 + i as u16,
                    m_tseq: rng.below(64) as u8,
                    o_tseq: rng.below(64) as u8,
                    aseq: 0,
                    polls: 0,
                    integrity_every: rng.range(30, 120),
                    n_bi: rng.range(8, 32) as u8,
                    n_ai: rng.range(4, 16) as u8,
                    ai: std::array::from_fn(|_| rng.below(20_000) as i32),
                }));
            }
            Dev::Iec104 => {
                protos.push(Proto::Iec104(Iec104 {
                    conn: {
                        let cp = eph(&mut rng);
                        TcpConn::new(&net, &mut rng, scada[1], h, cp, 2404)
                    },
                    open: false,
                    mean_gap: rng.pick(&[300 * MS, 700 * MS, 1500 * MS, 3000 * MS]),
                    delay: Delay(rng.pick(&[2000u64, 5000, 10_000])),
                    rtu_ns: 0,
                    ctl_ns: 0,
                    unacked: 0,
                    ca: 1 + i as u16,
                    n_points: rng.range(16, 90) as u16,
                    next_testfr: 0,
                    next_gi: 0,
                    vals: std::array::from_fn(|k| 50.0 + k as f32 * 3.5),
                }));
            }
            Dev::Bacnet => {
                let objects = (0..rng.range(3, 10))
                    .map(|k| {
                        (
                            rng.weighted(&[(0u16, 4), (1, 1), (2, 2), (3, 3), (4, 1), (5, 1)]),
                            1 + k as u32,
                        )
                    })
                    .collect();
                let inst = 10_000 + i as u32;
                protos.push(Proto::Bacnet(Bacnet {
                    client: bms,
                    dev: h,
                    period: rng.pick(&[SEC, 2 * SEC, 5 * SEC, 10 * SEC]),
                    delay: Delay(rng.pick(&[3000u64, 8000, 15_000])),
                    invoke: rng.next() as u8,
                    objects,
                    next_obj: 0,
                    per_cycle: rng.range(1, 3) as usize,
                }));
                bacnet_devs.push((h, inst, rng.pick(&[5u16, 17, 24, 36])));
            }
            Dev::Iec61850 => {
                let hh = &net.hosts[h];
                let (mac, vlan) = (hh.mac, net.subnets[sn].vlan);
                let ld = format!("{}LD0", hh.name.to_uppercase());
                let (vendor, model) = match hh.mac[..3] {
                    [0x00, 0x0c, 0x01] => ("ABB", "REF615"),
                    [0x00, 0x30, 0xa7] => ("SEL", "SEL-451"),
                    _ => ("SIEMENS", "7SJ82"),
                };
                protos.push(Proto::Mms(Mms {
                    conn: {
                        let cp = eph(&mut rng);
                        TcpConn::new(&net, &mut rng, scada[i % 2], h, cp, 102)
                    },
                    open: false,
                    period: rng.pick(&[SEC, 2 * SEC, 2 * SEC, 5 * SEC]),
                    delay: Delay(rng.pick(&[2000u64, 5000, 10_000])),
                    quick_ack: rng.chance(0.5),
                    invoke: 0,
                    domain: ld.clone(),
                    items: rng.range(2, 8) as usize,
                    vendor,
                    model,
                    vals: std::array::from_fn(|k| 50.0 + k as f32 * 7.0),
                }));
                let appid = 0x0001 + i as u16;
                protos.push(Proto::Goose(Goose {
                    src: mac,
                    dst: [0x01, 0x0c, 0xcd, 0x01, 0x00, appid as u8],
                    vlan,
                    appid,
                    gocb: format!("{ld}/LLN0$GO$gcbTrip"),
                    datset: format!("{ld}/LLN0$dsTrip"),
                    goid: format!("{}_Trip", hh.name),
                    st_num: 1,
                    sq_num: 0,
                    burst: 0,
                    state: false,
                }));
                // One merging unit's stream, thinned to 400 samples/s (eight per frame)
                // so the plant's mix stays a plant's: a 4000 samples/s process bus
                // stream alone would be half the capture.
                if n_sv == 0 {
                    n_sv += 1;
                    protos.push(Proto::Sv(Sv {
                        src: mac,
                        dst: [0x01, 0x0c, 0xcd, 0x04, 0x00, 0x01],
                        vlan,
                        appid: 0x4001,
                        sv_id: format!("{}MU01", hh.name.to_uppercase()),
                        smp_cnt: 0,
                        rate: 400,
                        asdus: 8,
                    }));
                }
            }
            Dev::OpcUa => {
                let n = rng.range(3, 20) as usize;
                let url = format!("opc.tcp://{}:4840", net.hosts[h].name);
                protos.push(Proto::OpcUa(OpcUa {
                    conn: {
                        let cp = eph(&mut rng);
                        TcpConn::new(&net, &mut rng, hist, h, cp, 4840)
                    },
                    open: false,
                    period: rng.pick(&[500 * MS, 1000 * MS, 1000 * MS, 2000 * MS]),
                    delay: Delay(rng.pick(&[800u64, 2000, 5000])),
                    quick_ack: rng.chance(0.3),
                    channel: rng.range(1, 1 << 20) as u32,
                    token: 1,
                    seq_c: rng.range(1, 1000) as u32,
                    seq_s: rng.range(1, 1000) as u32,
                    req_id: 0,
                    handle: 0,
                    auth: rng.next() as u32,
                    url,
                    nodes: (0..n).map(|k| 1000 + k as u16 * 3).collect(),
                    vals: (0..n).map(|k| k as f64 * 10.0).collect(),
                }));
                if rng.chance(0.5) {
                    web_targets.push(h);
                }
            }
        }
        if rng.chance(0.25) {
            protos.push(Proto::Icmp(Icmp {
                src: jump,
                dst: h,
                period: rng.pick(&[10 * SEC, 30 * SEC, 60 * SEC]),
                id: rng.next() as u16,
                seq: 0,
                linux: true,
                delay: Delay(400),
            }));
        }
    }
    if !enip_list.is_empty() {
        protos.push(Proto::EnipList(EnipList {
            client: eng[0],
            devices: enip_list,
            port: eph(&mut rng),
            period: 300 * SEC,
        }));
    }
    if !bacnet_devs.is_empty() {
        let bcast = net.subnets[bldg].bcast;
        protos.push(Proto::BacnetWhoIs(BacnetWhoIs {
            client: bms,
            bcast,
            devices: bacnet_devs,
            period: 300 * SEC,
        }));
    }
    for (k, &h) in web_targets.iter().enumerate() {
        let host = format!(
            "{}.{}.{}.{}",
            net.hosts[h].ip[0], net.hosts[h].ip[1], net.hosts[h].ip[2], net.hosts[h].ip[3]
        );
        protos.push(Proto::Http(Http {
            conn: TcpConn::new(&net, &mut rng, eng[k % 2], h, 0, 80),
            pool: PortPool::new(&mut rng, 8),
            period: rng.pick(&[120 * SEC, 300 * SEC, 600 * SEC]),
            delay: Delay(rng.pick(&[2000u64, 8000, 20_000])),
            host,
            paths: &[
                "/",
                "/status.html",
                "/diag.htm",
                "/Portal/Portal.mwsl",
                "/home.asp",
            ],
        }));
    }
    // HTTPS to the historian web front-end.
    let mut tls_clients = ws.clone();
    tls_clients.extend_from_slice(&eng);
    tls_clients.push(hist);
    for &c in &tls_clients {
        protos.push(Proto::Tls(Tls {
            conn: TcpConn::new(&net, &mut rng, c, web, 0, 443),
            pool: PortPool::new(&mut rng, 16),
            period: rng.pick(&[30 * SEC, 60 * SEC, 120 * SEC]),
            delay: Delay(rng.pick(&[3000u64, 10_000, 30_000])),
            sni: "historian.plant.local".to_string(),
        }));
    }
    // SSH from the engineering stations to the jump host.
    for &e in &eng {
        protos.push(Proto::Ssh(Ssh {
            conn: {
                let cp = eph(&mut rng);
                TcpConn::new(&net, &mut rng, e, jump, cp, 22)
            },
            open: false,
            delay: Delay(1500),
        }));
    }
    // Monitoring pings of the servers.
    for &s in scada.iter().chain([hist, dc].iter()) {
        protos.push(Proto::Icmp(Icmp {
            src: eng[0],
            dst: s,
            period: 5 * SEC,
            id: rng.next() as u16,
            seq: 0,
            linux: false,
            delay: Delay(300),
        }));
    }
    // DNS and NTP.
    let internal_names: Vec<(&'static str, [u8; 4])> = vec![
        ("dc01.plant.local", net.hosts[dc].ip),
        ("scada01.plant.local", net.hosts[scada[0]].ip),
        ("scada02.plant.local", net.hosts[scada[1]].ip),
        ("hist01.plant.local", net.hosts[hist].ip),
        ("historian.plant.local", net.hosts[web].ip),
        ("_ldap._tcp.dc._msdcs.plant.local", [0, 0, 0, 0]),
        ("wpad.plant.local", [0, 0, 0, 0]),
        ("time.windows.com", [20, 101, 57, 9]),
        ("ctldl.windowsupdate.com", [93, 184, 215, 201]),
        ("www.msftconnecttest.com", [13, 107, 4, 52]),
        ("settings-win.data.microsoft.com", [52, 167, 17, 97]),
    ];
    let external_names: Vec<(&'static str, [u8; 4])> = vec![
        ("time.windows.com", [20, 101, 57, 9]),
        ("ctldl.windowsupdate.com", [93, 184, 215, 201]),
        ("www.msftconnecttest.com", [13, 107, 4, 52]),
        ("settings-win.data.microsoft.com", [52, 167, 17, 97]),
        ("download.windowsupdate.com", [23, 32, 29, 48]),
        ("support.industry.siemens.com", [23, 56, 12, 89]),
    ];
    let mut win_clients: Vec<usize> = vec![scada[0], scada[1], hist, eng[0], eng[1], bms];
    win_clients.extend_from_slice(&hmis);
    win_clients.extend_from_slice(&ws);
    win_clients.extend_from_slice(&panels);
    for &c in &win_clients {
        protos.push(Proto::Dns(Dns {
            client: c,
            server: dc,
            pool: PortPool::new(&mut rng, 16),
            mean_gap: rng.pick(&[10 * SEC, 30 * SEC, 60 * SEC]),
            rtt: 400,
            names: internal_names.clone(),
        }));
        protos.push(Proto::Ntp(Ntp {
            client: c,
            server: dc,
            period: rng.pick(&[64 * SEC, 128 * SEC, 256 * SEC, 512 * SEC]),
            rtt: 500,
            stratum: 3,
            refid: net.hosts[c_ntp].ip,
        }));
    }
    for &s in &[g_dns, c_dns] {
        protos.push(Proto::Dns(Dns {
            client: dc,
            server: s,
            pool: PortPool::new(&mut rng, 32),
            mean_gap: 20 * SEC,
            rtt: 12 * MS,
            names: external_names.clone(),
        }));
    }
    protos.push(Proto::Ntp(Ntp {
        client: dc,
        server: c_ntp,
        period: 64 * SEC,
        rtt: 14 * MS,
        stratum: 3,
        refid: [10, 21, 8, 12],
    }));
    protos.push(Proto::Ntp(Ntp {
        client: dc,
        server: n_ntp,
        period: 128 * SEC,
        rtt: 38 * MS,
        stratum: 1,
        refid: *b"NIST",
    }));
    protos.push(Proto::Ntp(Ntp {
        client: jump,
        server: dc,
        period: 64 * SEC,
        rtt: 400,
        stratum: 3,
        refid: net.hosts[c_ntp].ip,
    }));

    // DCP: an engineering laptop on each PROFINET cell identifies its stations.
    for (c, &sn) in cells.iter().enumerate() {
        let devices = std::mem::take(&mut pn_by_cell[sn]);
        if !devices.is_empty() {
            protos.push(Proto::Dcp(Dcp {
                requester: net.hosts[panels[c]].mac,
                vlan: net.subnets[sn].vlan,
                xid: rng.next() as u32,
                devices,
                period: 300 * SEC,
            }));
        }
    }

    // LLDP from one access switch per zone (two uplink ports each).
    for (sn, subnet) in net.subnets.iter().enumerate() {
        let chassis = Net::mac(&mut rng, OUI_HIRSCHMANN);
        for port in 1..=2u8 {
            let mut src = chassis;
            src[5] = src[5].wrapping_add(port);
            protos.push(Proto::Lldp(Lldp {
                src,
                chassis,
                vlan: subnet.vlan,
                sysname: format!("sw-{}-{}-{}", subnet.net[0], subnet.net[1], subnet.net[2]),
                port: format!("1/{}", port + 4 * (sn as u8 % 3)),
                descr: "Hirschmann Railswitch RSP35 HiOS-3S-09.1.00",
                mgmt: [subnet.net[0], subnet.net[1], subnet.net[2], 2],
                caps: 0x0004,
                period: 30 * SEC,
            }));
        }
    }

    // ARP: every pair of hosts in one subnet that talk, plus each host and its gateway.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut talkers: Vec<usize> = Vec::new();
    for p in &protos {
        let (a, b) = match p {
            Proto::Modbus(x) => (x.conn.c, x.conn.s),
            Proto::S7(x) => (x.conn.c, x.conn.s),
            Proto::Dnp3(x) => (x.conn.c, x.conn.s),
            Proto::Iec104(x) => (x.conn.c, x.conn.s),
            Proto::Enip(x) => (x.conn.c, x.conn.s),
            Proto::EnipIo(x) => (x.scanner, x.adapter),
            Proto::Bacnet(x) => (x.client, x.dev),
            Proto::OpcUa(x) => (x.conn.c, x.conn.s),
            Proto::Mms(x) => (x.conn.c, x.conn.s),
            Proto::Dns(x) => (x.client, x.server),
            Proto::Ntp(x) => (x.client, x.server),
            Proto::Icmp(x) => (x.src, x.dst),
            Proto::Http(x) => (x.conn.c, x.conn.s),
            Proto::Tls(x) => (x.conn.c, x.conn.s),
            Proto::Ssh(x) => (x.conn.c, x.conn.s),
            Proto::EnipList(_)
            | Proto::BacnetWhoIs(_)
            | Proto::Arp(_)
            | Proto::Lldp(_)
            | Proto::Goose(_)
            | Proto::Sv(_)
            | Proto::PnRt(_)
            | Proto::Dcp(_) => continue,
        };
        let (sa, sb) = (net.hosts[a].subnet, net.hosts[b].subnet);
        if sa == sb {
            pairs.push((a, b));
        } else {
            for (x, s) in [(a, sa), (b, sb)] {
                if s != PUBLIC {
                    talkers.push(x);
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    talkers.sort_unstable();
    talkers.dedup();
    for &(a, b) in &pairs {
        protos.push(Proto::Arp(Arp {
            asker: a,
            target: b,
            period: rng.pick(&[60 * SEC, 120 * SEC, 300 * SEC]),
        }));
    }
    for &h in &talkers {
        let gw = net.gw(net.hosts[h].subnet);
        protos.push(Proto::Arp(Arp {
            asker: h,
            target: gw,
            period: rng.pick(&[60 * SEC, 120 * SEC, 300 * SEC]),
        }));
        protos.push(Proto::Arp(Arp {
            asker: gw,
            target: h,
            period: rng.pick(&[240 * SEC, 600 * SEC]),
        }));
    }

    // Sessions with their own random streams and initial phases.
    let sessions = protos
        .into_iter()
        .enumerate()
        .map(|(i, proto)| {
            let mut srng = Rng::new(mix64(seed) ^ mix64(0x1000 + i as u64));
            let first_span = match &proto {
                Proto::Modbus(m) if m.pool.is_none() => 3 * SEC,
                Proto::S7(_)
                | Proto::Dnp3(_)
                | Proto::Iec104(_)
                | Proto::Enip(_)
                | Proto::OpcUa(_)
                | Proto::Mms(_)
                | Proto::Ssh(_) => 3 * SEC,
                Proto::EnipIo(x) => x.rpi + 2 * SEC,
                Proto::Modbus(m) => m.period,
                Proto::Bacnet(x) => x.period,
                Proto::BacnetWhoIs(_) | Proto::EnipList(_) => 60 * SEC,
                Proto::Dns(x) => x.mean_gap,
                Proto::Ntp(x) => x.period,
                Proto::Arp(x) => x.period,
                Proto::Icmp(x) => x.period,
                Proto::Http(x) => x.period,
                Proto::Tls(x) => x.period,
                Proto::Lldp(x) => x.period,
                Proto::Goose(_) => SEC,
                Proto::Sv(_) => 2 * MS,
                Proto::PnRt(x) => x.cycle,
                Proto::Dcp(_) => 60 * SEC,
            };
            let next = 1000 + srng.below(first_span);
            Session {
                next,
                rng: srng,
                proto,
                arena: Vec::with_capacity(1024),
                queue: Vec::with_capacity(16),
                qpos: 0,
            }
        })
        .collect();
    Plant { net, sessions }
}

impl Session {
    /// Produce this session's next transaction into its queue.
    fn generate(&mut self, net: &mut Net, ips: &[[u8; 4]], pa: &mut Vec<u8>, pb: &mut Vec<u8>) {
        self.arena.clear();
        self.queue.clear();
        self.qpos = 0;
        let t = self.next;
        let rng = &mut self.rng;
        let mut em = Emit {
            hosts: &mut net.hosts,
            subnets: &net.subnets,
            arena: &mut self.arena,
            queue: &mut self.queue,
        };
        let next = match &mut self.proto {
            Proto::Modbus(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::S7(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Dnp3(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Iec104(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Enip(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::EnipIo(x) => x.step(t, rng, &mut em, pa),
            Proto::EnipList(x) => x.step(t, rng, &mut em, pa, ips),
            Proto::Bacnet(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::BacnetWhoIs(x) => x.step(t, rng, &mut em, pa),
            Proto::OpcUa(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Dns(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Ntp(x) => x.step(t, rng, &mut em, pa),
            Proto::Arp(x) => x.step(t, rng, &mut em),
            Proto::Icmp(x) => x.step(t, rng, &mut em, pa),
            Proto::Http(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Tls(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Ssh(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Lldp(x) => x.step(t, rng, &mut em, pa),
            Proto::Mms(x) => x.step(t, rng, &mut em, pa, pb),
            Proto::Goose(x) => x.step(t, rng, &mut em, pa),
            Proto::Sv(x) => x.step(t, rng, &mut em, pa),
            Proto::PnRt(x) => x.step(t, rng, &mut em, pa),
            Proto::Dcp(x) => x.step(t, rng, &mut em, pa),
        };
        // Frames of one transaction are built in causal order; keep them in time order.
        self.queue.sort_by_key(|q| q.0);
        let last = self.queue.last().map_or(t, |q| q.0);
        self.next = next.max(last + 1).max(t + 1);
    }
}

// ------------------------------------------------------------------------------------------
// main
// ------------------------------------------------------------------------------------------

struct Args {
    out: String,
    size: u64,
    seed: u64,
    hosts: usize,
    quiet: bool,
}

fn usage() -> ! {
    eprintln!("usage: gencap --out FILE --size SIZE [--seed N] [--hosts N] [--quiet]\n  SIZE like 2GiB, 64MiB, 100MB; default seed 1, hosts 256");
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        out: String::new(),
        size: 0,
        seed: 1,
        hosts: 256,
        quiet: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = |name: &str| {
            it.next().unwrap_or_else(|| {
                eprintln!("gencap: {name} needs a value");
                usage()
            })
        };
        match arg.as_str() {
            "--out" | "-o" => a.out = val("--out"),
            "--size" | "-s" => {
                a.size = parse_size(&val("--size")).unwrap_or_else(|e| {
                    eprintln!("gencap: {e}");
                    usage()
                })
            }
            "--seed" => a.seed = val("--seed").parse().unwrap_or_else(|_| usage()),
            "--hosts" => a.hosts = val("--hosts").parse().unwrap_or_else(|_| usage()),
            "--quiet" | "-q" => a.quiet = true,
            "--help" | "-h" => usage(),
            _ => {
                eprintln!("gencap: unknown argument {arg:?}");
                usage()
            }
        }
    }
    if a.out.is_empty() || a.size < 24 {
        usage();
    }
    if a.hosts > 1000 {
        eprintln!("gencap: --hosts is limited to 1000");
        std::process::exit(2);
    }
    a
}

fn main() -> std::io::Result<()> {
    let args = parse_args();
    let started = Instant::now();
    let Plant {
        mut net,
        mut sessions,
    } = build(args.seed, args.hosts);
    let ips: Vec<[u8; 4]> = net.hosts.iter().map(|h| h.ip).collect();

    let file = File::create(&args.out)?;
    let mut w = BufWriter::with_capacity(8 << 20, file);
    let mut gh = [0u8; 24];
    gh[0..4].copy_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    gh[4..6].copy_from_slice(&2u16.to_le_bytes());
    gh[6..8].copy_from_slice(&4u16.to_le_bytes());
    gh[16..20].copy_from_slice(&65535u32.to_le_bytes());
    gh[20..24].copy_from_slice(&1u32.to_le_bytes());
    w.write_all(&gh)?;

    let mut heap: BinaryHeap<Reverse<(u64, u32)>> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| Reverse((s.next, i as u32)))
        .collect();
    let mut pa = Vec::with_capacity(8192);
    let mut pb = Vec::with_capacity(8192);
    let mut written: u64 = 24;
    let mut packets: u64 = 0;
    let mut frame_bytes: u64 = 0;
    let mut last_ts: u64 = 0;
    let mut per_proto: Vec<(u64, u64)> = vec![(0, 0); sessions.len()];
    let mut next_report = 256u64 << 20;
    while let Some(Reverse((_, i))) = heap.pop() {
        let s = &mut sessions[i as usize];
        if s.qpos >= s.queue.len() {
            s.generate(&mut net, &ips, &mut pa, &mut pb);
            let t = s.queue.first().map_or(s.next, |q| q.0);
            heap.push(Reverse((t, i)));
            continue;
        }
        let (ts, off, len) = s.queue[s.qpos];
        s.qpos += 1;
        if written + 16 + len as u64 > args.size {
            break;
        }
        debug_assert!(ts >= last_ts);
        last_ts = ts;
        let abs = BASE_UNIX * SEC + ts;
        let mut rec = [0u8; 16];
        rec[0..4].copy_from_slice(&((abs / SEC) as u32).to_le_bytes());
        rec[4..8].copy_from_slice(&((abs % SEC) as u32).to_le_bytes());
        rec[8..12].copy_from_slice(&len.to_le_bytes());
        rec[12..16].copy_from_slice(&len.to_le_bytes());
        w.write_all(&rec)?;
        w.write_all(&s.arena[off as usize..(off + len) as usize])?;
        written += 16 + len as u64;
        packets += 1;
        frame_bytes += len as u64;
        per_proto[i as usize].0 += 1;
        per_proto[i as usize].1 += len as u64;
        let nt = if s.qpos < s.queue.len() {
            s.queue[s.qpos].0
        } else {
            s.next
        };
        heap.push(Reverse((nt, i)));
        if !args.quiet && written >= next_report {
            next_report += 256 << 20;
            eprint!(
                "\rgencap: {} MiB, {} packets, {:.0} s of traffic ",
                written >> 20,
                packets,
                ts as f64 / 1e6
            );
        }
    }
    w.flush()?;
    drop(w);
    let wall = started.elapsed().as_secs_f64();
    if !args.quiet {
        eprintln!();
        let mut by: Vec<(&str, u64, u64, usize)> = Vec::new();
        for (s, &(p, b)) in sessions.iter().zip(&per_proto) {
            let n = s.proto.name();
            match by.iter_mut().find(|x| x.0 == n) {
                Some(x) => {
                    x.1 += p;
                    x.2 += b;
                    x.3 += 1;
                }
                None => by.push((n, p, b, 1)),
            }
        }
        by.sort_by_key(|x| Reverse(x.1));
        eprintln!(
            "{:<20} {:>9} {:>12} {:>8} {:>8}",
            "session kind", "sessions", "packets", "pkt %", "mean len"
        );
        for (n, p, b, c) in by {
            eprintln!(
                "{:<20} {:>9} {:>12} {:>7.2}% {:>8.1}",
                n,
                c,
                p,
                100.0 * p as f64 / packets.max(1) as f64,
                b as f64 / p.max(1) as f64
            );
        }
    }
    let hosts = net
        .hosts
        .iter()
        .filter(|h| !matches!(h.os, Os::Bcast | Os::Router))
        .count();
    println!(
        "{{\"out\":\"{}\",\"seed\":{},\"hosts_arg\":{},\"hosts\":{},\"sessions\":{},\"bytes\":{},\"packets\":{},\"mean_frame_len\":{:.1},\"capture_duration_s\":{:.3},\"gen_wall_s\":{:.3},\"gen_mib_per_s\":{:.1}}}",
        args.out.replace('\\', "\\\\").replace('"', "\\\""),
        args.seed,
        args.hosts,
        hosts,
        sessions.len(),
        written,
        packets,
        frame_bytes as f64 / packets.max(1) as f64,
        last_ts as f64 / 1e6,
        wall,
        written as f64 / wall / (1 << 20) as f64
    );
    Ok(())
}
