//! The traffic timeline: packets per minute per protocol group.
//!
//! Counted where each packet is already in hand, one add per packet: a flow packet in
//! its shard's [`crate::flow::ShardTable`] under the group its conversation holds (the
//! protocol its dissector speaks, by port or by content, else the catalog entry of its
//! ports; a flow recognised by content after its first packets counts those under the
//! port's group), and every other frame with a timestamp (decoded link-layer frames,
//! ARP, LLDP, fragments, broken transport headers) in the chunk's
//! [`super::Counters`]. A reassembled datagram is not counted again: its fragments
//! were. Unreadable records and pcapng custom blocks have no timestamp and are left
//! out. Adding is a compare against the cached bucket and one increment; a new bucket
//! costs one hash lookup.
//!
//! Invariants: a bucket is an absolute minute since the epoch (UTC), so merging is a
//! sum and the result is the same for any thread count or shard split. Memory is
//! bounded: a table holding more than [`MAX_ROWS`] buckets doubles its bucket width
//! (summing pairs), and merged tables take the coarsest width, then coarsen until the
//! union fits. The final width is the smallest power of two at which the union of all
//! minutes fits, whatever the split, so the result stays deterministic.

use std::sync::OnceLock;

use hashbrown::HashMap;

/// Protocol groups, in the order of the series (industrial families first).
pub const GROUPS: [&str; 20] = [
    "s7",
    "modbus",
    "enip_cip",
    "dnp3",
    "iec104",
    "bacnet",
    "opcua",
    "profinet",
    "iec61850",
    "other_industrial",
    "http",
    "tls",
    "remote_access",
    "smb_netbios",
    "dns",
    "ntp",
    "discovery",
    "arp_icmp",
    "vpn",
    "other",
];

/// Number of groups.
pub const G: usize = GROUPS.len();
/// Index of the first non-industrial group.
pub const FIRST_IT: u8 = 10;
/// Index of `other`.
pub const OTHER: u8 = (G - 1) as u8;
const ARP_ICMP: u8 = 17;

/// Buckets a table keeps before it doubles its width (65536 minutes: 45 days).
pub const MAX_ROWS: usize = 1 << 16;

const MINUTE_NS: i64 = 60_000_000_000;

/// The group of a protocol id (a dissector's or the catalog's); `category` is the
/// catalog's category, used for ids not named here.
pub fn group_of(id: &str, category: &str) -> u8 {
    let g: u8 = match id {
        "s7comm" | "s7comm_plus" | "cotp" => 0,
        "modbus" | "modbus_tls" => 1,
        "enip" | "cip_io" | "cip_security" => 2,
        "dnp3" => 3,
        "iec104" | "iec104_tls" => 4,
        "bacnet" => 5,
        "opcua" => 6,
        "profinet_cm" | "profinet_dcp" | "profinet_rt" | "profinet_ptcp" | "profinet_alarm" => 7,
        "goose" | "sv" | "mms" | "gse_management" => 8,
        "http" => 10,
        "tls" => 11,
        "ssh" | "rdp" | "vnc" | "x11" | "winrm" | "teamviewer" | "anydesk" | "telnet"
        | "rlogin" | "rsh" | "rexec" => 12,
        "smb" | "smb2" | "netbios" | "nbdgm" => 13,
        "dns" => 14,
        "ntp" | "ptp" => 15,
        "mdns" | "llmnr" | "ssdp" | "nbns" | "lldp" | "cdp" | "ws_discovery" => 16,
        "arp" | "rarp" | "icmp" | "icmpv6" => 17,
        "isakmp" | "ipsec_nat_t" | "openvpn" | "wireguard" | "l2tp" | "pptp" | "esp" | "ah" => 18,
        _ => match category {
            "industrial" | "building" | "utility" => 9,
            "vpn" => 18,
            "discovery" => 16,
            _ => OTHER,
        },
    };
    g
}

/// The group of a link-layer protocol id (frames without IP).
pub fn group_of_l2(id: &str) -> u8 {
    group_of(id, embedded().1.get(id).copied().unwrap_or("other"))
}

/// The group of a packet outside any conversation, by its IP protocol.
pub fn group_of_ip_proto(proto: u8) -> u8 {
    match proto {
        1 | 58 => ARP_ICMP,
        50 | 51 => 18,
        _ => OTHER,
    }
}

/// Port to group for TCP and UDP from the embedded catalog (0xff: no entry), and
/// catalog id to category.
type Embedded = (
    Box<[[u8; 65536]; 2]>,
    std::collections::HashMap<String, &'static str>,
);

fn embedded() -> &'static Embedded {
    static T: OnceLock<Embedded> = OnceLock::new();
    T.get_or_init(|| {
        let cat = crate::catalog::Catalog::parse(crate::catalog::PROTOCOLS_TSV)
            .expect("embedded catalog parses");
        let mut ports = Box::new([[0xffu8; 65536]; 2]);
        let mut cats = std::collections::HashMap::new();
        for p in &cat.protocols {
            cats.insert(p.id.clone(), p.category);
            let g = group_of(&p.id, p.category);
            for &(t, lo, hi) in &p.ports {
                let table = &mut ports[(t == 17) as usize];
                for port in lo..=hi {
                    // The first protocol registered on a port keeps it, as in the catalog.
                    if table[port as usize] == 0xff {
                        table[port as usize] = g;
                    }
                }
            }
        }
        (ports, cats)
    })
}

/// The group of a flow nothing decoded: the catalog entry of its lower registered
/// port, else by transport.
pub fn group_of_ports(proto: u8, lo_port: u16, hi_port: u16) -> u8 {
    let t = match proto {
        6 => 0,
        17 => 1,
        p => return group_of_ip_proto(p),
    };
    let table = &embedded().0[t];
    let (a, b) = (table[lo_port as usize], table[hi_port as usize]);
    match (a, b) {
        (0xff, 0xff) => OTHER,
        (0xff, g) => g,
        (g, 0xff) => g,
        (g, h) => {
            if lo_port <= hi_port {
                g
            } else {
                h
            }
        }
    }
}

/// Packets per bucket per group. Buckets are `width` minutes wide, keyed by their
/// first minute since the epoch divided by `width`.
#[derive(Clone, Debug)]
pub struct Timeline {
    width: i64,
    index: HashMap<i64, u32>,
    rows: Vec<(i64, [u32; G])>,
    /// The bucket of the last packet: [start, end) in nanoseconds and its row.
    cur: (i64, i64, u32),
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            width: 1,
            index: HashMap::new(),
            rows: Vec::new(),
            cur: (0, 0, 0),
        }
    }
}

impl Timeline {
    /// Counts one packet at `ts_ns` in group `g`.
    #[inline]
    pub fn add(&mut self, ts_ns: i64, g: u8) {
        let row = if ts_ns >= self.cur.0 && ts_ns < self.cur.1 {
            self.cur.2
        } else {
            self.slot(ts_ns)
        };
        let r = &mut self.rows[row as usize].1[g as usize];
        *r = r.saturating_add(1);
    }

    #[cold]
    fn slot(&mut self, ts_ns: i64) -> u32 {
        let span = MINUTE_NS * self.width;
        let key = ts_ns.div_euclid(span);
        let row = self.row(key);
        if self.rows.len() > MAX_ROWS {
            self.coarsen_to(self.width * 2);
            return self.slot(ts_ns);
        }
        let start = key.saturating_mul(span);
        self.cur = (start, start.saturating_add(span), row);
        row
    }

    fn row(&mut self, key: i64) -> u32 {
        let n = self.rows.len() as u32;
        let rows = &mut self.rows;
        *self.index.entry(key).or_insert_with(|| {
            rows.push((key, [0; G]));
            n
        })
    }

    /// Re-buckets to `width` minutes (a multiple of the current width).
    fn coarsen_to(&mut self, width: i64) {
        if width <= self.width {
            return;
        }
        let factor = width / self.width;
        let old = std::mem::take(&mut self.rows);
        self.index.clear();
        self.width = width;
        self.cur = (0, 0, 0);
        for (k, counts) in old {
            let row = self.row(k.div_euclid(factor)) as usize;
            for (a, b) in self.rows[row].1.iter_mut().zip(counts) {
                *a = a.saturating_add(b);
            }
        }
    }

    /// Adds another table (another chunk, shard or capture).
    pub fn merge(&mut self, o: &Timeline) {
        if o.rows.is_empty() {
            return;
        }
        let width = self.width.max(o.width);
        self.coarsen_to(width);
        let factor = width / o.width;
        for (k, counts) in &o.rows {
            let row = self.row(k.div_euclid(factor)) as usize;
            for (a, b) in self.rows[row].1.iter_mut().zip(counts) {
                *a = a.saturating_add(*b);
            }
        }
        self.cur = (0, 0, 0);
        while self.rows.len() > MAX_ROWS {
            self.coarsen_to(self.width * 2);
        }
    }

    /// Minutes per stored bucket.
    pub fn width_minutes(&self) -> i64 {
        self.width
    }

    /// Packets counted.
    pub fn total(&self) -> u64 {
        self.rows
            .iter()
            .flat_map(|r| r.1.iter())
            .map(|&n| n as u64)
            .sum()
    }

    /// (bucket start in ns, counts) in time order.
    pub fn buckets(&self) -> Vec<(i64, [u64; G])> {
        let mut v: Vec<(i64, [u64; G])> = self
            .rows
            .iter()
            .map(|(k, c)| {
                (
                    k.saturating_mul(MINUTE_NS * self.width),
                    c.map(|n| n as u64),
                )
            })
            .collect();
        v.sort_by_key(|r| r.0);
        v
    }
}

/// The timeline as reports show it.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// `per_minute` or `per_5_minutes` (or `per_N_minutes` for very long captures).
    pub mode: String,
    pub bucket_seconds: i64,
    /// Start of the first bucket (ns since the epoch).
    pub start_ns: i64,
    /// Packets per bucket per group: `series[g][i]`.
    pub series: Vec<Vec<u64>>,
    /// Packets per bucket over all groups.
    pub totals: Vec<u64>,
    /// Packets per group.
    pub group_totals: [u64; G],
    pub total: u64,
    /// (bucket index, packets) of the busiest bucket.
    pub peak: Option<(usize, u64)>,
    /// The group with the most packets.
    pub dominant: Option<usize>,
    /// Buckets with at least max(50, 3 × the mean of non-empty buckets) packets.
    pub bursts: Vec<usize>,
    pub burst_threshold: u64,
}

/// Buckets of a view at most: longer captures widen the bucket (in 5-minute steps).
pub const MAX_VIEW_BUCKETS: i64 = 2016;

/// Two hours: captures up to this long are shown per minute.
pub const MINUTE_VIEW_SPAN_NS: i64 = 2 * 3600 * 1_000_000_000;

/// Bucket width in seconds for a capture spanning `span_ns`, given the stored width.
pub fn bucket_seconds(span_ns: i64, stored_minutes: i64) -> i64 {
    let mut secs = if span_ns <= MINUTE_VIEW_SPAN_NS {
        60
    } else {
        300
    };
    secs = secs.max(stored_minutes * 60);
    if span_ns / (secs * 1_000_000_000) > MAX_VIEW_BUCKETS {
        let need = span_ns / 1_000_000_000 / MAX_VIEW_BUCKETS + 1;
        secs = (need + 299) / 300 * 300;
        // Stay a multiple of the stored width.
        let w = stored_minutes * 60;
        secs = (secs + w - 1) / w * w;
    }
    secs
}

impl View {
    /// The view of `t` for a capture whose first and last packets are `span_ns` apart.
    pub fn build(t: &Timeline, span_ns: i64) -> View {
        let buckets = t.buckets();
        let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
            return View {
                mode: "per_minute".into(),
                bucket_seconds: 60,
                start_ns: 0,
                series: vec![Vec::new(); G],
                totals: Vec::new(),
                group_totals: [0; G],
                total: 0,
                peak: None,
                dominant: None,
                bursts: Vec::new(),
                burst_threshold: 50,
            };
        };
        let secs = bucket_seconds(span_ns, t.width);
        let w = secs * 1_000_000_000;
        let start = first.0.div_euclid(w) * w;
        let n = ((last.0 - start) / w + 1) as usize;
        let mut series = vec![vec![0u64; n]; G];
        let mut group_totals = [0u64; G];
        for (ts, counts) in &buckets {
            let i = ((ts - start) / w) as usize;
            for g in 0..G {
                series[g][i] += counts[g];
                group_totals[g] += counts[g];
            }
        }
        let totals: Vec<u64> = (0..n).map(|i| series.iter().map(|s| s[i]).sum()).collect();
        let total: u64 = totals.iter().sum();
        let peak = totals
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
            .map(|(i, &c)| (i, c));
        let dominant = (0..G)
            .filter(|&g| group_totals[g] > 0)
            .max_by(|&a, &b| group_totals[a].cmp(&group_totals[b]).then(b.cmp(&a)));
        let nonempty: Vec<u64> = totals.iter().copied().filter(|&c| c > 0).collect();
        let mean = if nonempty.is_empty() {
            0.0
        } else {
            nonempty.iter().sum::<u64>() as f64 / nonempty.len() as f64
        };
        let burst_threshold = 50u64.max((3.0 * mean).ceil() as u64);
        let bursts = (0..n).filter(|&i| totals[i] >= burst_threshold).collect();
        let mode = match secs {
            60 => "per_minute".to_string(),
            300 => "per_5_minutes".to_string(),
            s => format!("per_{}_minutes", s / 60),
        };
        View {
            mode,
            bucket_seconds: secs,
            start_ns: start,
            series,
            totals,
            group_totals,
            total,
            peak,
            dominant,
            bursts,
            burst_threshold,
        }
    }

    /// Start of bucket `i` in ns since the epoch.
    pub fn bucket_start(&self, i: usize) -> i64 {
        self.start_ns + i as i64 * self.bucket_seconds * 1_000_000_000
    }

    /// Groups that have packets, in series order.
    pub fn groups_present(&self) -> Vec<usize> {
        (0..G).filter(|&g| self.group_totals[g] > 0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = MINUTE_NS;
    const T0: i64 = 1_700_000_000 * 1_000_000_000;

    #[test]
    fn bucket_width_switches_after_two_hours() {
        assert_eq!(bucket_seconds(MINUTE_VIEW_SPAN_NS, 1), 60);
        assert_eq!(bucket_seconds(MINUTE_VIEW_SPAN_NS + 1, 1), 300);
        assert_eq!(bucket_seconds(7 * 24 * 60 * MIN, 1), 300);
        // A year is widened so the chart stays at most MAX_VIEW_BUCKETS bars.
        let year = bucket_seconds(365 * 24 * 60 * MIN, 1);
        assert_eq!(year % 300, 0);
        assert!(365 * 24 * 3600 / year < MAX_VIEW_BUCKETS, "{year}");
    }

    #[test]
    fn view_of_two_hours_is_per_minute_and_sums() {
        let mut t = Timeline::default();
        // First and last packet exactly two hours apart: per-minute view.
        for m in 0..=120 {
            t.add(T0 + m * MIN, 14);
        }
        for i in 0..100 {
            t.add(T0 + 30 * MIN + i, 1);
        }
        let v = View::build(&t, 120 * MIN);
        assert_eq!(v.bucket_seconds, 60);
        assert_eq!(v.mode, "per_minute");
        assert_eq!(v.total, 221);
        assert_eq!(v.totals.iter().sum::<u64>(), 221);
        assert_eq!(v.totals.len(), 121);
        assert_eq!(v.peak, Some((30, 101)));
        assert_eq!(v.dominant, Some(14));
        // Mean of non-empty buckets is 1.8, so the floor of 50 decides.
        assert_eq!(v.burst_threshold, 50);
        assert_eq!(v.bursts, vec![30]);
        // One minute more: five-minute buckets.
        t.add(T0 + 121 * MIN, 14);
        let v = View::build(&t, 121 * MIN);
        assert_eq!(v.bucket_seconds, 300);
        assert_eq!(v.total, 222);
        assert_eq!(v.group_totals[14], 122);
        assert_eq!(v.totals.len(), 25);
    }

    #[test]
    fn merge_is_order_free_and_bounded() {
        let mut a = Timeline::default();
        let mut b = Timeline::default();
        for i in 0..1000i64 {
            a.add(T0 + i * 7 * MIN, (i % 20) as u8);
            b.add(T0 - i * 13 * MIN, 3);
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab.buckets(), ba.buckets());
        assert_eq!(ab.total(), 2000);

        // Timestamps scattered over decades stay within MAX_ROWS buckets and keep
        // every packet.
        let mut wide = Timeline::default();
        for i in 0..(MAX_ROWS as i64 + 10) {
            wide.add(i * 1000 * MIN, 0);
        }
        assert!(wide.rows.len() <= MAX_ROWS);
        // 65546 minutes 1000 apart fit 65536 buckets from a width of 1024.
        assert_eq!(wide.width_minutes(), 1024);
        assert_eq!(wide.total(), MAX_ROWS as u64 + 10);
    }

    #[test]
    fn groups_of_protocols() {
        assert_eq!(GROUPS[group_of("s7comm", "industrial") as usize], "s7");
        assert_eq!(
            GROUPS[group_of("hart_ip", "industrial") as usize],
            "other_industrial"
        );
        assert_eq!(GROUPS[group_of_ports(6, 502, 40000) as usize], "modbus");
        assert_eq!(GROUPS[group_of_ports(6, 40000, 50000) as usize], "other");
        assert_eq!(GROUPS[group_of_ports(17, 53, 5353) as usize], "dns");
        assert_eq!(GROUPS[group_of_ports(1, 0, 0) as usize], "arp_icmp");
        assert_eq!(GROUPS[group_of_l2("lldp") as usize], "discovery");
        assert_eq!(GROUPS[group_of_l2("stp") as usize], "other");
    }
}
