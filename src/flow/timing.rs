//! Per-flow request timing: request-to-response latency (matched by the protocol's
//! transaction id) and the interval between successive requests of one operation (the
//! polling cycle and its jitter), as hdrhistograms in microseconds.

use std::collections::VecDeque;

use hdrhistogram::Histogram;

/// Pending requests kept per flow; beyond it the oldest is forgotten.
const MAX_PENDING: usize = 64;
/// Largest value recorded: one hour in microseconds (larger ones saturate).
const MAX_US: u64 = 3_600_000_000;

/// Samples buffered before they go into a histogram.
const BATCH: usize = 16;

/// Samples of one kind (latency or interval) in microseconds: a histogram made on the
/// first batch (1 us to an hour at two significant digits is some 3,300 counters, and a
/// capture has thousands of (flow, function) pairs, many of which never get a sample of
/// one kind), and the latest samples not yet in it. Batching keeps the counters out of
/// the cache between batches: polling samples fall in few buckets, so a batch touches a
/// line or two instead of one miss per sample.
#[derive(Clone, Debug, Default)]
pub struct Series {
    hist: Option<Box<Histogram<u32>>>,
    buf: [u32; BATCH],
    n: u8,
}

fn histogram() -> Box<Histogram<u32>> {
    Box::new(Histogram::new_with_bounds(1, MAX_US, 2).expect("static histogram bounds"))
}

impl Series {
    fn record(&mut self, us: u64) {
        // `micros` bounds a sample to an hour, which fits 32 bits.
        self.buf[self.n as usize] = us.min(MAX_US) as u32;
        self.n += 1;
        if self.n as usize == BATCH {
            self.flush();
        }
    }

    /// Moves the buffered samples into the histogram.
    pub fn flush(&mut self) {
        if self.n == 0 {
            return;
        }
        let h = self.hist.get_or_insert_with(histogram);
        for &v in &self.buf[..self.n as usize] {
            h.saturating_record(v as u64);
        }
        self.n = 0;
    }

    fn merge(&mut self, o: &Series) {
        if let Some(t) = &o.hist {
            // Same bounds on both sides, so adding cannot fail.
            let _ = self.hist.get_or_insert_with(histogram).add(t.as_ref());
        }
        for &v in &o.buf[..o.n as usize] {
            self.record(v as u64);
        }
    }

    /// Samples recorded.
    pub fn len(&self) -> u64 {
        self.hist.as_ref().map_or(0, |h| h.len()) + self.n as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// (min, p50, p99, max) in microseconds, when there is a sample.
    pub fn summary(&self) -> Option<[u64; 4]> {
        let flushed;
        let s = if self.n == 0 {
            self
        } else {
            let mut c = self.clone();
            c.flush();
            flushed = c;
            &flushed
        };
        let h = s.hist.as_deref()?;
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

/// Timing of one (unit, function) of a flow.
#[derive(Clone, Debug)]
pub struct Timing {
    pub unit: u64,
    pub function: u16,
    pub requests: u64,
    pub matched: u64,
    pub latency: Series,
    pub interval: Series,
    last_request: Option<i64>,
}

impl Timing {
    fn new(unit: u64, function: u16) -> Timing {
        Timing {
            unit,
            function,
            requests: 0,
            matched: 0,
            latency: Series::default(),
            interval: Series::default(),
            last_request: None,
        }
    }

    pub fn merge(&mut self, o: &Timing) {
        self.requests += o.requests;
        self.matched += o.matched;
        self.latency.merge(&o.latency);
        self.interval.merge(&o.interval);
    }

    /// Moves buffered samples into the histograms (before the flow hands them on).
    pub fn flush(&mut self) {
        self.latency.flush();
        self.interval.flush();
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
            t.interval.record(micros(ts_ns - prev));
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
        t.latency.record(micros(ts_ns - t0));
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
        let lat = t.latency.summary().unwrap();
        assert!((1990..=2010).contains(&lat[1]), "{lat:?}");
        let iv = t.interval.summary().unwrap();
        assert!((99_000..=101_000).contains(&iv[1]), "{iv:?}");
        assert_eq!(t.interval.len(), 9);
        // A request without a later one or a response makes no histogram.
        f.request(2, 3, None, 0);
        let t = &f.ops[1];
        assert!(t.latency.is_empty() && t.interval.is_empty());
    }

    #[test]
    fn batching_and_merging_keep_every_sample() {
        let mut direct = histogram();
        let (mut a, mut b) = (Series::default(), Series::default());
        for i in 0..(3 * BATCH as u64 + 5) {
            let us = 1000 + i * 37 % 500;
            direct.saturating_record(us);
            if i % 3 == 0 { &mut a } else { &mut b }.record(us);
        }
        assert!(a.n > 0 && b.n > 0, "both keep samples not yet flushed");
        a.merge(&b);
        assert_eq!(a.len(), direct.len());
        let d = &direct;
        let want = [
            d.min(),
            d.value_at_quantile(0.5),
            d.value_at_quantile(0.99),
            d.max(),
        ];
        assert_eq!(a.summary(), Some(want));
        a.flush();
        assert_eq!((a.n, a.summary()), (0, Some(want)));
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
