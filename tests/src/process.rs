//! Operating-system odds and ends: free ports, a process's memory and CPU
//! time, the open-files limit, and finding processes left behind.

use std::net::TcpListener;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use crate::Result;

/// A TCP port on 127.0.0.1 that nobody listens on right now. Another
/// process could take it before we use it, but on a test machine that
/// race is rare and shows up as a clear "cannot listen" error.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Resident memory of a process, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Resident set size now (`VmRSS`), KiB.
    pub rss_kib: u64,
    /// The highest resident set size so far (`VmHWM`), KiB.
    pub peak_kib: u64,
}

pub fn memory(pid: u32) -> Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> Result<u64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status").into())
    };
    Ok(Memory {
        rss_kib: field("VmRSS:")?,
        peak_kib: field("VmHWM:")?,
    })
}

/// CPU time a process has used so far, user plus system, over all its
/// threads (including ones that have exited), from `/proc/<pid>/stat`.
/// The kernel counts it in clock ticks (usually 10 ms), so measure spans
/// long enough that a tick is small beside the total.
pub fn cpu_time(pid: u32) -> Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (field 2) is in parentheses and may hold spaces, so
    // count fields from after its closing one: state is field 3, utime 14
    // and stime 15.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| format!("unreadable /proc/{pid}/stat"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> Result<u64> {
        fields
            .get(n - 3)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| format!("no field {n} in /proc/{pid}/stat").into())
    };
    let ticks = field(14)? + field(15)?;
    Ok(Duration::from_secs_f64(
        ticks as f64 / clock_ticks_per_second() as f64,
    ))
}

/// `getconf CLK_TCK`, asked once: 100 on every Linux we know, which is
/// also the fallback. A command rather than `sysconf` keeps this crate
/// free of unsafe libc calls.
fn clock_ticks_per_second() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .filter(|&n| n > 0)
            .unwrap_or(100)
    })
}

/// Raises this process's soft open-files limit to its hard limit, so one
/// process can hold thousands of sockets; returns the new soft limit.
/// Child processes (servers, socket holders) inherit it.
pub fn raise_open_files_limit() -> Result<u64> {
    let (_, hard) = rlimit::Resource::NOFILE.get()?;
    Ok(rlimit::increase_nofile_limit(hard)?)
}

/// Processes whose command line mentions `needle` (e.g. a browser
/// profile folder), as (pid, command line).
pub fn processes_mentioning(needle: &Path) -> Vec<(u32, String)> {
    let needle = needle.to_string_lossy();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let own = std::process::id();
    entries
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            if pid == own {
                return None;
            }
            let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
            cmdline
                .contains(needle.as_ref())
                .then_some((pid, cmdline.trim().to_owned()))
        })
        .collect()
}

/// SIGKILLs a whole process group. Used from `Drop`, where nothing can be
/// awaited; `kill(1)` keeps this crate free of `unsafe` libc calls.
pub fn kill_process_group(pgid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

/// SIGKILLs one process.
pub fn kill(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_memory() {
        let m = memory(std::process::id()).unwrap();
        assert!(m.rss_kib > 0 && m.peak_kib >= m.rss_kib, "{m:?}");
    }

    #[test]
    fn reads_own_cpu_time() {
        // Burn a little CPU so that at least one tick is counted.
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(50) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        assert!(cpu_time(std::process::id()).unwrap() > Duration::ZERO);
    }

    #[test]
    fn free_ports_are_bindable() {
        let port = free_port().unwrap();
        TcpListener::bind(("127.0.0.1", port)).unwrap();
    }
}
