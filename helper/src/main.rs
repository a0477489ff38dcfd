//! `lifeline-helper`: see the library's documentation for the map.

use std::process::ExitCode;

use clap::Parser;
use helper::launch::{self, Args};
use helper::run::{Options, run};
use helper::say::say;

fn main() -> ExitCode {
    let args = Args::parse();
    let exe = std::env::current_exe().unwrap_or_else(|_| "/proc/self/exe".into());
    // /proc/self/exe still names the file if it was renamed while running.
    let trailer = match launch::choose(&args, std::path::Path::new("/proc/self/exe"))
        .or_else(|_| launch::choose(&args, &exe))
    {
        Ok(t) => t,
        Err(e) => {
            say(&e);
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say(&format!("Cannot start: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let exit = runtime.block_on(run(Options::new(trailer, args.display)));
    // Background tasks of a closed peer connection must not hold us here.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(exit as u8)
}
