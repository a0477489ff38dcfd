//! The X11 backend, on x11rb's pure-Rust connection (no libxcb): MIT-SHM
//! capture of RandR monitors with the XFixes cursor, XTEST input, and the
//! CLIPBOARD selection.
//!
//! Each part opens its own connection, so the capture thread, the input
//! thread and the clipboard thread never wait for each other's replies.

pub mod capture;
pub mod clipboard;
pub mod input;
pub mod keymap;
pub mod text;

use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::shm::{self, ConnectionExt as _};
use x11rb::protocol::xfixes::ConnectionExt as _;
use x11rb::protocol::xproto::{self, ConnectionExt as _};
use x11rb::protocol::xtest::ConnectionExt as _;
use x11rb::rust_connection::RustConnection;

use crate::Error;

/// A connection with every extension the helper uses negotiated.
pub struct Display {
    pub conn: RustConnection,
    pub root: xproto::Window,
}

impl Display {
    /// `name`: `":0"` and the like; `None` reads `$DISPLAY`. Fails in
    /// words for a person when the server lacks something we need.
    pub fn open(name: Option<&str>) -> Result<Display, Error> {
        let (conn, screen) = x11rb::connect(name)
            .map_err(|e| format!("could not connect to the X display ({e})"))?;
        let root = conn.setup().roots[screen].root;
        // Extensions must be version-negotiated before their requests work.
        for (ext, what) in [
            (shm::X11_EXTENSION_NAME, "MIT-SHM (screen capture)"),
            ("XTEST", "XTEST (mouse and keyboard)"),
            ("RANDR", "RandR (monitors)"),
            ("XFIXES", "XFixes (the pointer's picture)"),
        ] {
            if conn.extension_information(ext)?.is_none() {
                return Err(format!("the X server lacks the {what} extension").into());
            }
        }
        let shm = conn.shm_query_version()?.reply()?;
        // 1.2 lets the server create the segment and pass us its fd, which
        // works across IPC namespaces (containers, sandboxes).
        if (shm.major_version, shm.minor_version) < (1, 2) {
            return Err("the X server's MIT-SHM extension is older than 1.2".into());
        }
        conn.xtest_get_version(2, 2)?.reply()?;
        conn.randr_query_version(1, 5)?.reply()?;
        conn.xfixes_query_version(5, 0)?.reply()?;
        Ok(Display { conn, root })
    }

    /// A round trip: every request sent before it has been processed.
    pub fn sync(&self) -> Result<(), Error> {
        self.conn.get_input_focus()?.reply()?;
        Ok(())
    }

    pub fn screen_size(&self) -> (u16, u16) {
        let root = self.conn.setup().roots.iter().find(|s| s.root == self.root);
        root.map_or((0, 0), |s| (s.width_in_pixels, s.height_in_pixels))
    }
}
