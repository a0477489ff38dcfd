//! The congestion controller's estimate, published for the encoder: the
//! bitrate follows what the connection carries.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rtc::interceptor::{BandwidthEstimator, EstimatorStats, PacketReport};

/// Wraps GCC and publishes its target (bits/s) for the encoder loop (as in webrtc's
/// examples/bandwidth-estimation-from-disk).
pub struct PublishedEstimate<E: BandwidthEstimator> {
    pub inner: E,
    pub target: Arc<AtomicU64>,
}

impl<E: BandwidthEstimator> BandwidthEstimator for PublishedEstimate<E> {
    fn on_reports(&mut self, now: Instant, reports: &[PacketReport]) {
        self.inner.on_reports(now, reports);
        self.target
            .store(self.inner.target_bitrate() as u64, Ordering::Relaxed);
    }
    fn target_bitrate(&self) -> f64 {
        self.inner.target_bitrate()
    }
    fn handle_timeout(&mut self, now: Instant) {
        self.inner.handle_timeout(now);
        self.target
            .store(self.inner.target_bitrate() as u64, Ordering::Relaxed);
    }
    fn poll_timeout(&self) -> Option<Instant> {
        self.inner.poll_timeout()
    }
    fn stats(&self) -> EstimatorStats {
        self.inner.stats()
    }
}
