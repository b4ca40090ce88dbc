//! Inline SVG for `report.html`: the stacked timeline chart and the communication
//! graphs. Every text from a capture goes through [`super::html::esc`]; colours come
//! from CSS classes (`g-<group>`) in the report's one style sheet, never from a
//! `style` attribute.
//!
//! Graph layout: a two-layer layered drawing (Sugiyama's framework with the layer
//! assignment given by the roles):
//! 1. Layers: a host that only opens conversations among the drawn edges is a client
//!    (left column), one that only answers is a server (right column), one that does
//!    both goes in a middle column. Edges always point from client to server.
//! 2. Clusters: inside a column hosts are grouped by subnet (IPv4 /24, IPv6 /64, one
//!    `public` cluster for public addresses, `link layer` for MAC-only hosts); each
//!    cluster is a box with a heading and its hosts stacked inside.
//! 3. Ordering: starting from address order, [`SWEEPS`] barycenter sweeps (left to
//!    right, then right to left) give each host the mean rank of its neighbours in
//!    the other columns; clusters are ordered by the mean of their hosts' values and
//!    hosts inside a cluster by their own (ties keep address order), which reduces
//!    edge crossings while clusters stay contiguous.
//! 4. Coordinates: columns have fixed x; boxes are stacked top-down with fixed heights
//!    and gaps, so no two boxes overlap by construction (a unit test checks it).
//!
//! Only the top N edges by packets are drawn, and a line says how many conversations
//! and hosts were left out, so the drawing stays readable at 10,000 hosts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::html::{attr, esc_cut};
use super::ts_text;
use crate::aggregate::timeline::{View, GROUPS};

/// Barycenter sweeps of the ordering step.
pub const SWEEPS: usize = 4;

const NODE_W: f64 = 230.0;
const NODE_H: f64 = 46.0;
const NODE_GAP: f64 = 8.0;
const CLUSTER_HEAD: f64 = 20.0;
const CLUSTER_PAD: f64 = 8.0;
const CLUSTER_GAP: f64 = 18.0;
const COL_GAP: f64 = 170.0;
const MARGIN: f64 = 16.0;
const TOP: f64 = 30.0;

/// A host of a graph.
#[derive(Clone, Debug)]
pub struct Node {
    /// Address (the node's identity).
    pub addr: String,
    /// Name and role lines under the address (already plain text).
    pub name: String,
    pub role: String,
    /// Cluster heading (`10.0.1.0/24`, `public`, ...).
    pub cluster: String,
}

/// A drawn conversation group: client to server with one protocol.
#[derive(Clone, Debug)]
pub struct Edge {
    pub client: usize,
    pub server: usize,
    pub protocol: String,
    /// Timeline group index, for the colour.
    pub group: usize,
    pub packets: u64,
    pub bytes: u64,
}

/// Where the layout put a node or a cluster.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// The layout: a rectangle per node (same order as the nodes), the cluster boxes
/// with their headings, and the drawing's size.
#[derive(Clone, Debug)]
pub struct Layout {
    pub nodes: Vec<Rect>,
    pub column: Vec<usize>,
    pub clusters: Vec<(String, Rect)>,
    pub width: f64,
    pub height: f64,
}

/// Lays out `nodes` joined by `edges` (see the module doc).
pub fn layout(nodes: &[Node], edges: &[Edge]) -> Layout {
    let n = nodes.len();
    let (mut out, mut inc) = (vec![false; n], vec![false; n]);
    for e in edges {
        out[e.client] = true;
        inc[e.server] = true;
    }
    let column: Vec<usize> = (0..n)
        .map(|i| match (out[i], inc[i]) {
            (true, true) => 1,
            (false, true) => 2,
            _ => 0,
        })
        .collect();
    let ncols = 3;
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges {
        if e.client != e.server {
            adj[e.client].push(e.server);
            adj[e.server].push(e.client);
        }
    }
    // Initial order: cluster, then address, per column.
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); ncols];
    let mut ids: Vec<usize> = (0..n).collect();
    ids.sort_by(|&a, &b| {
        (&nodes[a].cluster, addr_key(&nodes[a].addr))
            .cmp(&(&nodes[b].cluster, addr_key(&nodes[b].addr)))
    });
    for i in ids {
        order[column[i]].push(i);
    }
    let mut rank = vec![0f64; n];
    let set_ranks = |order: &Vec<Vec<usize>>, rank: &mut Vec<f64>| {
        for col in order {
            for (r, &i) in col.iter().enumerate() {
                rank[i] = r as f64;
            }
        }
    };
    set_ranks(&order, &mut rank);
    for sweep in 0..SWEEPS {
        let cols: Vec<usize> = if sweep % 2 == 0 {
            (0..ncols).collect()
        } else {
            (0..ncols).rev().collect()
        };
        for c in cols {
            let bary = |i: usize| -> f64 {
                let nb: Vec<f64> = adj[i]
                    .iter()
                    .filter(|&&j| column[j] != c)
                    .map(|&j| rank[j])
                    .collect();
                if nb.is_empty() {
                    rank[i]
                } else {
                    nb.iter().sum::<f64>() / nb.len() as f64
                }
            };
            let vals: BTreeMap<usize, f64> = order[c].iter().map(|&i| (i, bary(i))).collect();
            // Clusters keep their hosts together: order clusters by their mean value,
            // then hosts inside each.
            let mut clusters: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for &i in &order[c] {
                clusters.entry(&nodes[i].cluster).or_default().push(i);
            }
            let mut groups: Vec<(f64, usize, Vec<usize>)> = clusters
                .into_values()
                .map(|mut members| {
                    let first = order[c].iter().position(|&x| x == members[0]).unwrap_or(0);
                    members.sort_by(|&a, &b| {
                        vals[&a]
                            .total_cmp(&vals[&b])
                            .then(rank[a].total_cmp(&rank[b]))
                    });
                    let mean = members.iter().map(|i| vals[i]).sum::<f64>() / members.len() as f64;
                    (mean, first, members)
                })
                .collect();
            groups.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            order[c] = groups.into_iter().flat_map(|g| g.2).collect();
            set_ranks(&order, &mut rank);
        }
    }
    // Coordinates: columns at fixed x, boxes stacked.
    let mut rects = vec![
        Rect {
            x: 0.0,
            y: 0.0,
            w: 0.0,
            h: 0.0
        };
        n
    ];
    let mut cluster_boxes = Vec::new();
    let used: Vec<usize> = (0..ncols).filter(|&c| !order[c].is_empty()).collect();
    let mut height: f64 = TOP;
    for (slot, &c) in used.iter().enumerate() {
        let x = MARGIN + slot as f64 * (NODE_W + 2.0 * CLUSTER_PAD + COL_GAP);
        let mut y = TOP;
        let mut i = 0;
        let col = &order[c];
        while i < col.len() {
            let name = &nodes[col[i]].cluster;
            let top = y;
            y += CLUSTER_HEAD;
            while i < col.len() && &nodes[col[i]].cluster == name {
                rects[col[i]] = Rect {
                    x: x + CLUSTER_PAD,
                    y,
                    w: NODE_W,
                    h: NODE_H,
                };
                y += NODE_H + NODE_GAP;
                i += 1;
            }
            y += CLUSTER_PAD - NODE_GAP;
            cluster_boxes.push((
                name.clone(),
                Rect {
                    x,
                    y: top,
                    w: NODE_W + 2.0 * CLUSTER_PAD,
                    h: y - top,
                },
            ));
            y += CLUSTER_GAP;
        }
        height = height.max(y);
    }
    let width = MARGIN * 2.0
        + used.len().max(1) as f64 * (NODE_W + 2.0 * CLUSTER_PAD)
        + used.len().saturating_sub(1) as f64 * COL_GAP;
    Layout {
        nodes: rects,
        column,
        clusters: cluster_boxes,
        width,
        height: height + MARGIN,
    }
}

/// Sort key of an address text: IPv4 numerically before IPv6 and MACs.
fn addr_key(a: &str) -> (u8, u128, &str) {
    match a.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v)) => (0, u32::from(v) as u128, a),
        Ok(std::net::IpAddr::V6(v)) => (1, u128::from(v), a),
        Err(_) => (2, 0, a),
    }
}

/// Human size of a byte count.
pub fn human_bytes(b: u64) -> String {
    const U: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1000.0 && u < U.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", U[u])
    }
}

/// Draws a graph as an inline `<svg>` element; `caption` names it for screen readers.
pub fn graph(caption: &str, nodes: &[Node], edges: &[Edge]) -> String {
    let mut s = String::new();
    if nodes.is_empty() {
        return s;
    }
    let l = layout(nodes, edges);
    let _ = write!(
        s,
        "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" aria-label=\"{cap}\">",
        w = l.width,
        h = l.height,
        cap = attr(caption)
    );
    let heads = ["clients", "clients and servers", "servers"];
    let mut seen_cols = BTreeSet::new();
    for (i, r) in l.nodes.iter().enumerate() {
        if seen_cols.insert(l.column[i]) {
            let _ = write!(
                s,
                "<text class=\"colhead\" x=\"{:.0}\" y=\"18\">{}</text>",
                r.x - CLUSTER_PAD,
                heads[l.column[i]]
            );
        }
    }
    for (name, r) in &l.clusters {
        let _ = write!(
            s,
            "<rect class=\"cluster\" x=\"{:.0}\" y=\"{:.0}\" width=\"{:.0}\" height=\"{:.0}\" rx=\"6\"/>\
             <text class=\"clhead\" x=\"{:.0}\" y=\"{:.0}\">{}</text>",
            r.x,
            r.y,
            r.w,
            r.h,
            r.x + 6.0,
            r.y + 14.0,
            esc_cut(name, 40)
        );
    }
    let max = edges.iter().map(|e| e.packets).max().unwrap_or(1).max(1) as f64;
    for e in edges {
        let (a, b) = (l.nodes[e.client], l.nodes[e.server]);
        let (x1, y1) = (a.x + a.w, a.y + a.h / 2.0);
        let (x2, y2) = if e.client == e.server {
            (a.x + a.w, a.y + a.h / 2.0 + 1.0)
        } else {
            (b.x, b.y + b.h / 2.0)
        };
        let width = 1.0 + 5.0 * ((e.packets as f64).ln_1p() / max.ln_1p());
        let mx = (x1 + x2) / 2.0;
        let label = format!(
            "{} · {} pkts · {}",
            e.protocol,
            e.packets,
            human_bytes(e.bytes)
        );
        let _ = write!(
            s,
            "<g class=\"edge g-{grp}\"><title>{client} → {server}: {lab}</title>\
             <path d=\"M{x1:.0},{y1:.0} C{mx:.0},{y1:.0} {mx:.0},{y2:.0} {x2:.0},{y2:.0}\" \
             stroke-width=\"{width:.1}\"/>\
             <text class=\"elabel\" x=\"{lx:.0}\" y=\"{ly:.0}\">{lab}</text></g>",
            grp = GROUPS[e.group],
            client = esc_cut(&nodes[e.client].addr, 60),
            server = esc_cut(&nodes[e.server].addr, 60),
            lab = esc_cut(&label, 80),
            // Near the server, where edges into different hosts are apart.
            lx = x2 - 6.0,
            ly = y2 - 4.0,
        );
    }
    for (node, r) in nodes.iter().zip(&l.nodes) {
        let _ = write!(
            s,
            "<g class=\"node\"><rect x=\"{:.0}\" y=\"{:.0}\" width=\"{:.0}\" height=\"{:.0}\" rx=\"4\"/>\
             <text x=\"{:.0}\" y=\"{:.0}\"><tspan class=\"naddr\">{}</tspan>\
             <tspan x=\"{:.0}\" dy=\"13\">{}</tspan><tspan x=\"{:.0}\" dy=\"13\" class=\"nrole\">{}</tspan></text></g>",
            r.x,
            r.y,
            r.w,
            r.h,
            r.x + 6.0,
            r.y + 15.0,
            esc_cut(&node.addr, 40),
            r.x + 6.0,
            esc_cut(&node.name, 34),
            r.x + 6.0,
            esc_cut(&node.role, 34),
        );
    }
    s.push_str("</svg>");
    s
}

/// The legend of protocol-family colours for `groups`.
pub fn legend(groups: &[usize]) -> String {
    let mut s = String::from("<ul class=\"legend\">");
    for &g in groups {
        let _ = write!(
            s,
            "<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect class=\"sw g-{0}\" width=\"12\" height=\"12\"/></svg>{0}</li>",
            GROUPS[g]
        );
    }
    s.push_str("</ul>");
    s
}

const CHART_W: f64 = 960.0;
const CHART_H: f64 = 260.0;
const AXIS_L: f64 = 60.0;
const AXIS_B: f64 = 40.0;

/// The stacked bar chart of a timeline view, with its axes.
pub fn timeline_chart(v: &View) -> String {
    let n = v.totals.len();
    if n == 0 {
        return String::new();
    }
    let max = v.totals.iter().copied().max().unwrap_or(1).max(1);
    let plot_w = CHART_W - AXIS_L - 10.0;
    let plot_h = CHART_H - AXIS_B - 10.0;
    let bw = plot_w / n as f64;
    let scale = plot_h / max as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{CHART_W:.0}\" \
         height=\"{CHART_H:.0}\" viewBox=\"0 0 {CHART_W:.0} {CHART_H:.0}\" aria-label=\"packets per {} s\">",
        v.bucket_seconds
    );
    // One path per group: a rectangle per non-empty bucket, stacked on the groups below.
    let mut base = vec![0u64; n];
    for g in v.groups_present() {
        let mut d = String::new();
        for (i, b) in base.iter_mut().enumerate() {
            let c = v.series[g][i];
            if c == 0 {
                continue;
            }
            let x = AXIS_L + i as f64 * bw;
            let y0 = 10.0 + plot_h - *b as f64 * scale;
            let h = c as f64 * scale;
            let _ = write!(
                d,
                "M{x:.1},{:.1}h{:.1}v{h:.1}h{:.1}z",
                y0 - h,
                bw.max(0.5),
                -bw.max(0.5)
            );
            *b += c;
        }
        let _ = write!(
            s,
            "<path class=\"bar g-{}\" d=\"{d}\"><title>{}: {} packets</title></path>",
            GROUPS[g], GROUPS[g], v.group_totals[g]
        );
    }
    // Axes: y at 0, half and max; x at up to 6 ticks.
    let bottom = 10.0 + plot_h;
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{AXIS_L}\" y1=\"10\" x2=\"{AXIS_L}\" y2=\"{bottom:.0}\"/>\
         <line class=\"axis\" x1=\"{AXIS_L}\" y1=\"{bottom:.0}\" x2=\"{:.0}\" y2=\"{bottom:.0}\"/>",
        AXIS_L + plot_w
    );
    for frac in [0.0, 0.5, 1.0] {
        let val = (max as f64 * frac).round() as u64;
        let y = bottom - val as f64 * scale;
        let _ = write!(
            s,
            "<text class=\"tick ytick\" x=\"{:.0}\" y=\"{:.0}\">{val}</text>",
            AXIS_L - 4.0,
            y + 4.0
        );
    }
    let ticks = n.min(6);
    for t in 0..ticks {
        let i = if ticks == 1 {
            0
        } else {
            t * (n - 1) / (ticks - 1)
        };
        let x = AXIS_L + (i as f64 + 0.5) * bw;
        let label = ts_text(v.bucket_start(i), 0);
        let label = label.replace('T', " ").trim_end_matches('Z').to_string();
        let _ = write!(
            s,
            "<text class=\"tick xtick\" x=\"{x:.0}\" y=\"{:.0}\">{}</text>",
            bottom + 16.0,
            &label[..label.len().min(16)]
        );
    }
    let _ = write!(
        s,
        "<text class=\"tick\" x=\"{:.0}\" y=\"{:.0}\">packets per {} s bucket (UTC)</text>",
        AXIS_L,
        CHART_H - 4.0,
        v.bucket_seconds
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(addr: &str, cluster: &str) -> Node {
        Node {
            addr: addr.into(),
            name: String::new(),
            role: String::new(),
            cluster: cluster.into(),
        }
    }

    fn edge(c: usize, s: usize, p: u64) -> Edge {
        Edge {
            client: c,
            server: s,
            protocol: "modbus".into(),
            group: 1,
            packets: p,
            bytes: p * 100,
        }
    }

    #[test]
    fn boxes_never_overlap_and_columns_follow_roles() {
        // 60 hosts over 5 subnets: 0..20 clients, 20..40 both, 40..60 servers.
        let nodes: Vec<Node> = (0..60)
            .map(|i| {
                node(
                    &format!("10.0.{}.{}", i % 5, i),
                    &format!("10.0.{}.0/24", i % 5),
                )
            })
            .collect();
        let mut edges = Vec::new();
        for i in 0..20 {
            edges.push(edge(i, 20 + (i * 7) % 20, 10 + i as u64));
            edges.push(edge(20 + i, 40 + (i * 3) % 20, 5));
            edges.push(edge(i, 40 + (i * 11) % 20, 1));
        }
        let l = layout(&nodes, &edges);
        assert_eq!(l.nodes.len(), 60);
        for i in 0..60 {
            let want = if i < 20 {
                0
            } else if i < 40 {
                1
            } else {
                2
            };
            assert_eq!(l.column[i], want, "node {i}");
            let r = l.nodes[i];
            assert!(r.w > 0.0 && r.h > 0.0);
            assert!(
                r.x >= 0.0 && r.x + r.w <= l.width && r.y + r.h <= l.height,
                "{r:?}"
            );
            for j in 0..i {
                assert!(!r.overlaps(&l.nodes[j]), "{i} {j}: {r:?} {:?}", l.nodes[j]);
            }
        }
        // Cluster boxes hold their hosts and do not overlap each other.
        for (a, (na, ra)) in l.clusters.iter().enumerate() {
            for (nb, rb) in l.clusters.iter().skip(a + 1) {
                assert!(!ra.overlaps(rb), "{na} {nb}");
            }
        }
        for (i, n) in nodes.iter().enumerate() {
            let r = l.nodes[i];
            assert!(l.clusters.iter().any(|(name, c)| name == &n.cluster
                && c.x <= r.x
                && c.y <= r.y
                && c.x + c.w >= r.x + r.w
                && c.y + c.h >= r.y + r.h));
        }
    }

    #[test]
    fn barycenter_uncrosses_a_swapped_pair() {
        // Clients a < b and servers x < y, edges a-y and b-x: in address order they
        // cross; after the sweeps they do not.
        let nodes = vec![
            node("10.0.0.1", "c"),
            node("10.0.0.2", "c"),
            node("10.0.1.1", "s"),
            node("10.0.1.2", "s"),
        ];
        let l = layout(&nodes, &[edge(0, 3, 1), edge(1, 2, 1)]);
        let clients_down = l.nodes[0].y < l.nodes[1].y;
        let servers_down = l.nodes[3].y < l.nodes[2].y;
        assert_eq!(clients_down, servers_down, "{:?}", l.nodes);
    }

    #[test]
    fn graph_text_is_escaped() {
        let mut n = node("10.0.0.1", "<script>x</script>");
        n.name = "\"><img src=x onerror=alert(1)>".into();
        let svg = graph("t", &[n, node("10.0.0.2", "a")], &[edge(0, 1, 3)]);
        assert!(!svg.contains("<script") && !svg.contains("<img"), "{svg}");
        assert!(svg.contains("&lt;img"));
    }
}
