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

/// Timing state of a flow.
#[derive(Clone, Debug, Default)]
pub struct FlowTiming {
    pub ops: Vec<Timing>,
    /// (transaction, time, unit, function) of requests awaiting a response.
    pending: VecDeque<(u32, i64, u64, u16)>,
}

impl FlowTiming {
    fn entry(&mut self, unit: u64, function: u16) -> &mut Timing {
        match self
            .ops
            .iter()
            .position(|t| t.unit == unit && t.function == function)
        {
            Some(i) => &mut self.ops[i],
            None => {
                self.ops.push(Timing::new(unit, function));
                self.ops.last_mut().expect("just pushed")
            }
        }
    }

    pub fn request(&mut self, unit: u64, function: u16, txn: Option<u32>, ts_ns: i64) {
        let t = self.entry(unit, function);
        t.requests += 1;
        if let Some(prev) = t.last_request {
            record(&mut t.interval, micros(ts_ns - prev));
        }
        t.last_request = Some(ts_ns);
        if let Some(txn) = txn {
            if self.pending.len() >= MAX_PENDING {
                // A flow whose responses are not in the capture must not pay a shift
                // of the whole list per request.
                self.pending.pop_front();
            }
            self.pending.push_back((txn, ts_ns, unit, function));
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
        let Some((_, t0, unit, f)) = self.pending.remove(i) else {
            return;
        };
        let t = self.entry(unit, f);
        t.matched += 1;
        record(&mut t.latency, micros(ts_ns - t0));
    }

    pub fn merge(&mut self, o: &FlowTiming) {
        for t in &o.ops {
            let e = self.entry(t.unit, t.function);
            e.merge(t);
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
        let t = &f.ops[0];
        assert_eq!((t.requests, t.matched), (10, 10));
        let lat = Timing::summary(&t.latency).unwrap();
        assert!((1990..=2010).contains(&lat[1]), "{lat:?}");
        let iv = Timing::summary(&t.interval).unwrap();
        assert!((99_000..=101_000).contains(&iv[1]), "{iv:?}");
        assert_eq!(t.interval.as_ref().map(|h| h.len()), Some(9));
        // A request without a later one or a response makes no histogram.
        f.request(2, 3, None, 0);
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
}
