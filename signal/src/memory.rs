//! Giving memory back to the system after a peak.
//!
//! glibc's allocator keeps freed memory in its arenas: after ten thousand
//! sockets closed, or a burst of 19 MiB password checks, the process would
//! stay at its peak size for good. Large blocks (the password checks) are
//! therefore always mapped on their own and unmapped when freed, and after
//! open connections fall well below their last peak the free parts of the
//! arenas are handed back (`malloc_trim`).

/// Blocks from this size up get their own mapping.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const OWN_MAPPING_FROM: i32 = 256 * 1024;

/// Connections that must have closed since the last peak before trimming:
/// trimming walks every arena, so it is worth it only after a real drop.
const TRIM_AFTER_DROP: usize = 1000;

/// Sets the allocator up; call once at start.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator settings; setting the mmap
    // threshold also turns off glibc's dynamic threshold, which otherwise
    // rises to the largest block freed (19 MiB after one sign-in).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_FROM);
    }
}

/// Watches the number of open connections and trims after a drop.
#[derive(Debug, Default)]
pub struct Trimmer {
    /// The most connections open since the last trim.
    peak: usize,
}

impl Trimmer {
    /// Called every tick with the connections open now; true if it trimmed.
    pub fn observe(&mut self, open: usize) -> bool {
        self.peak = self.peak.max(open);
        if self.peak >= open + TRIM_AFTER_DROP {
            self.peak = open;
            trim();
            return true;
        }
        false
    }
}

fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; nothing is moved.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_only_after_a_real_drop() {
        let mut t = Trimmer::default();
        assert!(!t.observe(500));
        assert!(!t.observe(1500));
        assert!(!t.observe(600));
        assert!(t.observe(400), "1100 fewer than the peak");
        assert!(!t.observe(300), "the peak starts again from there");
    }
}
