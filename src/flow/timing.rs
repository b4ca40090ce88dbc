//! Per-flow request timing: request-to-response latency (matched by the protocol's
//! transaction id) and the interval between successive requests of one operation (the
//! polling cycle and its jitter), as hdrhistograms in microseconds.

use std::collections::VecDeque;

use hdrhistogram::Histogram;

/// Pending requests kept per flow; beyond it the oldest is forgotten.
const MAX_PENDING: usize = 64;
/// Largest value recorded: one hour in microseconds (larger ones saturate).
const MAX_US: u64 = 3_600_000_000;

/// A histogram of microseconds, made on its first sample: 1 us to an hour at two
/// significant digits is some 3,300 counters, and a capture has thousands of
/// (flow, function) pairs, many of which never get a sample of one kind.
type Micros = Option<Box<Histogram<u32>>>;

/// Timing of one (unit, function) of a flow.
#[derive(Clone, Debug)]
pub struct Timing {
    pub unit: u64,
    pub function: u16,
    pub requests: u64,
    pub matched: u64,
    pub latency: Micros,
    pub interval: Micros,
    last_request: Option<i64>,
}

fn histogram() -> Box<Histogram<u32>> {
    Box::new(Histogram::new_with_bounds(1, MAX_US, 2).expect("static histogram bounds"))
}

/// Records a sample, making the histogram on the first.
fn record(h: &mut Micros, us: u64) {
    h.get_or_insert_with(histogram).saturating_record(us);
}

impl Timing {
    fn new(unit: u64, function: u16) -> Timing {
        Timing {
            unit,
            function,
            requests: 0,
            matched: 0,
            latency: None,
            interval: None,
            last_request: None,
        }
    }

    pub fn merge(&mut self, o: &Timing) {
        self.requests += o.requests;
        self.matched += o.matched;
        for (mine, theirs) in [
            (&mut self.latency, &o.latency),
            (&mut self.interval, &o.interval),
        ] {
            if let Some(t) = theirs {
                // Same bounds on both sides, so adding cannot fail.
                let _ = mine.get_or_insert_with(histogram).add(t.as_ref());
            }
        }
    }

    /// (min, p50, p99, max) in microseconds, when there is a sample.
    pub fn summary(h: &Micros) -> Option<[u64; 4]> {
        let h = h.as_deref()?;
        (!h.is_empty()).then(|| {
            [
                h.min(),
                h.value_at_quantile(0.5),
                h.value_at_quantile(0.99),
                h.max(),
            ]
        })
    }
}

fn micros(ns: i64) -> u64 {
    (ns.max(0) as u64 / 1000).clamp(1, MAX_US)
}

/// Samples a flow holds before they go into the histograms of its rows.
const SAMPLES: usize = 256;
const LATENCY: u64 = 0;
const INTERVAL: u64 = 1;

/// Timing state of a flow.
#[derive(Clone, Debug, Default)]
pub struct FlowTiming {
    pub ops: Vec<Timing>,
    /// (transaction, time, row) of requests awaiting a response.
    pending: VecDeque<(u32, i64, u32)>,
    /// Latency and interval samples not yet in their row's histogram, as (row << 33 |
    /// kind << 32 | microseconds): recording each as it comes reads a histogram's
    /// header and counters from far away for most PDUs; a burst of them reads each
    /// line once.
    samples: Vec<u64>,
    /// Row of the last request: polling repeats a cycle, so the row after it is the
    /// one the next request most often counts under.
    last: u32,
}

impl FlowTiming {
    /// The row of (unit, function), made on first use.
    #[inline]
    fn row(&mut self, unit: u64, function: u16) -> usize {
        let found = super::cyclic_position(&self.ops, self.last as usize, |t| {
            t.unit == unit && t.function == function
        });
        found.unwrap_or_else(|| {
            self.ops.push(Timing::new(unit, function));
            self.ops.len() - 1
        })
    }

    #[inline]
    fn sample(&mut self, row: usize, kind: u64, us: u64) {
        self.samples.push((row as u64) << 33 | kind << 32 | us);
        if self.samples.len() >= SAMPLES {
            self.flush();
        }
    }

    /// Records the samples held into the rows' histograms.
    fn flush(&mut self) {
        for s in self.samples.drain(..) {
            let t = &mut self.ops[(s >> 33) as usize];
            let h = if (s >> 32) & 1 == LATENCY {
                &mut t.latency
            } else {
                &mut t.interval
            };
            record(h, s & u32::MAX as u64);
        }
    }

    pub fn request(&mut self, unit: u64, function: u16, txn: Option<u32>, ts_ns: i64) {
        let i = self.row(unit, function);
        self.last = i as u32;
        let t = &mut self.ops[i];
        t.requests += 1;
        let prev = t.last_request.replace(ts_ns);
        if let Some(prev) = prev {
            self.sample(i, INTERVAL, micros(ts_ns - prev));
        }
        if let Some(txn) = txn {
            if self.pending.len() >= MAX_PENDING {
                // A flow whose responses are not in the capture must not pay a shift
                // of the whole list per request.
                self.pending.pop_front();
            }
            self.pending.push_back((txn, ts_ns, i as u32));
        }
    }

    /// Pairs a response with the latest pending request of the same transaction id
    /// (protocols such as DNP3 answer with another function code, so it is not
    /// compared).
    pub fn response(&mut self, txn: Option<u32>, ts_ns: i64) {
        let Some(txn) = txn else { return };
        let Some(i) = self.pending.iter().rposition(|p| p.0 == txn) else {
            return;
        };
        let Some((_, t0, row)) = self.pending.remove(i) else {
            return;
        };
        self.ops[row as usize].matched += 1;
        self.sample(row as usize, LATENCY, micros(ts_ns - t0));
    }

    /// The rows, their histograms complete, moved out of the flow.
    pub fn take_rows(&mut self) -> Vec<Timing> {
        self.flush();
        self.pending.clear();
        std::mem::take(&mut self.ops)
    }

    /// Gives every row `unit` (rows of one function then become one); requests
    /// awaiting a response keep their row.
    pub fn set_unit(&mut self, unit: u64) {
        self.flush();
        let mut moved = Vec::with_capacity(self.ops.len());
        for mut t in std::mem::take(&mut self.ops) {
            t.unit = unit;
            let i = match self.ops.iter().position(|x| x.function == t.function) {
                Some(i) => {
                    self.ops[i].merge(&t);
                    i
                }
                None => {
                    self.ops.push(t);
                    self.ops.len() - 1
                }
            };
            moved.push(i as u32);
        }
        for p in &mut self.pending {
            p.2 = moved[p.2 as usize];
        }
        self.last = 0;
    }

    pub fn merge(&mut self, o: &FlowTiming) {
        // Their row -> ours, for the samples they still hold.
        let mut rows = Vec::with_capacity(o.ops.len());
        for t in &o.ops {
            let i = self.row(t.unit, t.function);
            self.ops[i].merge(t);
            rows.push(i);
        }
        for &s in &o.samples {
            self.sample(rows[(s >> 33) as usize], (s >> 32) & 1, s & u32::MAX as u64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_cycle_and_latency() {
        let mut f = FlowTiming::default();
        for i in 0..10i64 {
            let t = i * 100_000_000; // every 100 ms
            f.request(1, 3, Some(i as u32), t);
            f.response(Some(i as u32), t + 2_000_000); // 2 ms later
        }
        f.response(Some(99), 5); // unmatched: ignored
        f.flush();
        let t = &f.ops[0];
        assert_eq!((t.requests, t.matched), (10, 10));
        let lat = Timing::summary(&t.latency).unwrap();
        assert!((1990..=2010).contains(&lat[1]), "{lat:?}");
        let iv = Timing::summary(&t.interval).unwrap();
        assert!((99_000..=101_000).contains(&iv[1]), "{iv:?}");
        assert_eq!(t.interval.as_ref().map(|h| h.len()), Some(9));
        // A request without a later one or a response makes no histogram.
        f.request(2, 3, None, 0);
        f.flush();
        let t = &f.ops[1];
        assert!(t.latency.is_none() && t.interval.is_none());
    }

    #[test]
    fn unanswered_requests_keep_the_latest() {
        let mut f = FlowTiming::default();
        for i in 0..200u32 {
            f.request(1, 3, Some(i), i as i64 * 1000);
        }
        f.response(Some(0), 300_000); // forgotten long ago
        f.response(Some(199 - MAX_PENDING as u32 + 1), 300_000); // oldest kept
        f.response(Some(199), 300_000);
        assert_eq!(f.ops[0].matched, 2);
        assert_eq!(f.pending.len(), MAX_PENDING - 2);
    }

    #[test]
    fn held_samples_reach_the_histograms() {
        let mut f = FlowTiming::default();
        // Three operations polled in turn, past the samples a flow holds.
        let n = SAMPLES as u32 * 2 + 7;
        for i in 0..n {
            let t = i as i64 * 10_000_000;
            f.request(1, (i % 3) as u16, Some(i), t);
            f.response(Some(i), t + 1_000_000);
        }
        let mut other = FlowTiming::default();
        other.request(1, 0, None, 0);
        other.request(1, 0, None, 30_000_000);
        f.merge(&other);
        let rows = f.take_rows();
        assert_eq!(rows.len(), 3);
        for t in &rows {
            let (lat, iv) = (
                t.latency.as_deref().unwrap(),
                t.interval.as_deref().unwrap(),
            );
            assert_eq!(lat.len(), t.matched, "row {}", t.function);
            // The merged flow's one interval joins function 0's.
            let extra = (t.function == 0) as u64;
            assert_eq!(iv.len(), t.requests - 1 - extra, "row {}", t.function);
            assert!((29_000..=31_000).contains(&iv.value_at_quantile(0.5)));
        }
        assert_eq!(rows.iter().map(|t| t.matched).sum::<u64>(), n as u64);
    }

    #[test]
    fn set_unit_keeps_pending_requests_on_their_row() {
        let mut f = FlowTiming::default();
        f.request(7, 4, Some(1), 0);
        f.request(8, 5, Some(2), 10);
        f.request(9, 4, Some(3), 20);
        f.set_unit(0);
        assert_eq!(f.ops.len(), 2);
        f.response(Some(3), 2_000_020);
        f.response(Some(2), 3_000_010);
        let rows = f.take_rows();
        let four = rows.iter().find(|t| t.function == 4).unwrap();
        let five = rows.iter().find(|t| t.function == 5).unwrap();
        assert_eq!((four.unit, four.requests, four.matched), (0, 2, 1));
        assert_eq!((five.requests, five.matched), (1, 1));
        let p50 = |t: &Timing| Timing::summary(&t.latency).unwrap()[1];
        assert!((1990..=2010).contains(&p50(four)), "{}", p50(four));
        assert!((2990..=3010).contains(&p50(five)), "{}", p50(five));
    }
}
