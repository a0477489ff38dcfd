//! The parts of `bench_signal --compare`: Lifeline and peerjs-server
//! measured the same way, side by side.
//!
//! Map:
//! - [`compare`]: the plan (what runs in which order) and the table.
//! - [`target`]: a fresh server of either kind, and the `signal serve`
//!   flags this build needs for a loopback benchmark.
//! - [`payload`]: the offer, answer and candidates both servers relay,
//!   at browser sizes, stamped with their send time.
//! - [`lifeline_pair`] and [`peerjs_pair`]: the same two-socket handshake
//!   in each server's protocol.
//! - [`throughput`]: a batch of handshakes at one concurrency: sessions/s,
//!   server CPU per session, relay latency.
//! - [`queue_load`]: Lifeline's one technician with a long queue.
//! - [`idle`]: server memory per idle socket, on fresh servers.
//! - [`hold`]: idle sockets held by child processes of the benchmark.
//! - [`waiting`]: Lifeline customers joined and waiting, held in-process.
//! - [`json_socket`]: an untyped JSON WebSocket (peerjs frames, idlers).

pub mod compare;
pub mod hold;
pub mod idle;
pub mod json_socket;
pub mod lifeline_pair;
pub mod payload;
pub mod peerjs_pair;
pub mod queue_load;
pub mod target;
pub mod throughput;
pub mod waiting;
