//! End-to-end tests and benchmarks for Lifeline. Everything here drives the
//! real release build from outside, the way a customer and a technician do:
//! `target/release/signal` serving the web app from `dist/`.
//!
//! Map:
//! - [`artifacts`]: where the release server and web app are, and a clear
//!   error (build them with `scripts/test`) when they are missing.
//! - [`server`]: a release `signal serve` on a free port with its own data
//!   folder and a technician account; killed when dropped.
//! - [`api`]: the technician's HTTP API through reqwest: sign-in, PINs, reports.
//! - [`socket`]: one `/ws` WebSocket speaking the protocol crate's frames.
//! - [`console`]: a technician's console socket shared by many sessions,
//!   with replies routed to each session (the benchmark's technician side).
//! - [`handshake`]: one support session over the wire, as both sides, timed.
//! - [`peerjs`]: peerjs-server (npm `peer`) installed and started, the
//!   benchmark's point of comparison; killed when dropped.
//! - [`bench`]: the parts of the side-by-side signalling benchmark.
//! - [`browser`]: chromedriver and headless Chromium sessions.
//! - [`files`]: files with known hashes, and where a browser saved them.
//! - [`flow`]: the support flow's steps in the two browsers.
//! - [`scenario`]: runs a two-browser scenario so that every browser quits,
//!   pass or fail, with screenshots under `target/e2e-screenshots/`.
//! - [`page`]: small WebDriver helpers for the two pages.
//! - [`wait`]: polling with a deadline, never a sleep-and-hope.
//! - [`process`]: free ports, leftover processes, memory from `/proc`.
//! - [`stats`]: percentiles and the tables the benchmarks print.
//! - [`xdisplay`]: a throw-away Xvfb on a display number of its own.
//! - [`xwindow`]: the test X client: a window of a known colour that
//!   records the pointer and key events it receives.
//! - [`control`]: remote control from outside: the release helper offered,
//!   downloaded and run, and the console's video read and clicked.

pub mod api;
pub mod artifacts;
pub mod bench;
pub mod browser;
pub mod console;
pub mod control;
pub mod files;
pub mod flow;
pub mod handshake;
pub mod page;
pub mod peerjs;
pub mod process;
pub mod scenario;
pub mod server;
pub mod socket;
pub mod stats;
pub mod wait;
pub mod xdisplay;
pub mod xwindow;

/// Errors in the harness are reported to a person reading test output, so
/// a boxed error with a good sentence is all they need.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;
