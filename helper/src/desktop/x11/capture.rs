//! Screen capture through MIT-SHM: the server copies the monitor's pixels
//! into a segment it created (SHM 1.2, passed to us as an fd), and the
//! pointer is blended in from XFixes, since X never draws it into the
//! root window's pixels.

use std::os::fd::AsRawFd;

use protocol::peer::input::Monitor;
use x11rb::connection::Connection;
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::shm::{self, ConnectionExt as _};
use x11rb::protocol::xfixes::ConnectionExt as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};

use super::Display;
use crate::Error;
use crate::desktop::{Capturer, Frame};

/// A shared memory segment the X server created, mapped read-only here.
struct Segment {
    seg: shm::Seg,
    ptr: *mut u8,
    len: usize,
}

impl Segment {
    fn new(display: &Display, len: usize) -> Result<Segment, Error> {
        let seg = display.conn.generate_id()?;
        let reply = display
            .conn
            .shm_create_segment(seg, len as u32, false)?
            .reply()?;
        // SAFETY: mapping a fresh fd of `len` bytes; the pointer is only
        // read through slices no longer than `len`, and unmapped on drop.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_SHARED,
                reply.shm_fd.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            let _ = display.conn.shm_detach(seg);
            return Err("could not map the screen capture memory".into());
        }
        Ok(Segment {
            seg,
            ptr: ptr.cast(),
            len,
        })
    }
}

// The mapping is plain memory owned by this value alone.
unsafe impl Send for Segment {}

pub struct X11Capturer {
    display: Display,
    segment: Option<Segment>,
    /// The last picture with the pointer drawn on it.
    frame: Vec<u8>,
}

impl X11Capturer {
    pub fn new(name: Option<&str>) -> Result<X11Capturer, Error> {
        Ok(X11Capturer {
            display: Display::open(name)?,
            segment: None,
            frame: Vec::new(),
        })
    }

    fn segment(&mut self, len: usize) -> Result<&Segment, Error> {
        if self.segment.as_ref().is_none_or(|s| s.len < len) {
            if let Some(old) = self.segment.take() {
                self.release(old);
            }
            self.segment = Some(Segment::new(&self.display, len)?);
        }
        Ok(self.segment.as_ref().expect("just made"))
    }

    fn release(&self, segment: Segment) {
        let _ = self.display.conn.shm_detach(segment.seg);
        let _ = self.display.conn.flush();
        // SAFETY: the mapping made in Segment::new, not used after this.
        unsafe { libc::munmap(segment.ptr.cast(), segment.len) };
    }

    /// Draws the pointer (premultiplied ARGB) over the frame whose
    /// top-left corner is the desktop point `(left, top)`.
    fn blend_cursor(&mut self, left: i32, top: i32, width: u32, height: u32) -> Result<(), Error> {
        let cursor = self.display.conn.xfixes_get_cursor_image()?.reply()?;
        let x0 = cursor.x as i32 - cursor.xhot as i32 - left;
        let y0 = cursor.y as i32 - cursor.yhot as i32 - top;
        for cy in 0..cursor.height as i32 {
            let y = y0 + cy;
            if y < 0 || y >= height as i32 {
                continue;
            }
            for cx in 0..cursor.width as i32 {
                let x = x0 + cx;
                if x < 0 || x >= width as i32 {
                    continue;
                }
                let argb = cursor.cursor_image[(cy * cursor.width as i32 + cx) as usize];
                let alpha = argb >> 24;
                if alpha == 0 {
                    continue;
                }
                let at = ((y as u32 * width + x as u32) * 4) as usize;
                let px = &mut self.frame[at..at + 3];
                // Channels are premultiplied: out = src + dst * (1 - alpha).
                for (i, shift) in [0u32, 8, 16].into_iter().enumerate() {
                    let src = (argb >> shift) & 0xff;
                    let dst = px[i] as u32;
                    px[i] = (src + dst * (255 - alpha) / 255).min(255) as u8;
                }
            }
        }
        Ok(())
    }
}

impl Capturer for X11Capturer {
    fn monitors(&mut self) -> Result<Vec<Monitor>, Error> {
        let conn = &self.display.conn;
        let reply = conn.randr_get_monitors(self.display.root, true)?.reply()?;
        let mut out = Vec::new();
        for m in reply.monitors {
            let name = conn.get_atom_name(m.name)?.reply()?.name;
            out.push(Monitor {
                name: String::from_utf8_lossy(&name).into_owned(),
                x: m.x.into(),
                y: m.y.into(),
                width: m.width.into(),
                height: m.height.into(),
                primary: m.primary,
            });
        }
        if out.is_empty() {
            let root = conn.get_geometry(self.display.root)?.reply()?;
            out.push(Monitor {
                name: "screen".into(),
                x: 0,
                y: 0,
                width: root.width.into(),
                height: root.height.into(),
                primary: true,
            });
        }
        // Primary first: it is the one shown when the helper starts.
        out.sort_by_key(|m| !m.primary);
        Ok(out)
    }

    fn grab(&mut self, monitor: &Monitor) -> Result<Frame<'_>, Error> {
        // VP8's I420 halves both dimensions for colour: drop an odd column
        // or row rather than invent one.
        let width = monitor.width & !1;
        let height = monitor.height & !1;
        if width == 0 || height == 0 {
            return Err(format!("monitor {} has no area", monitor.name).into());
        }
        let len = (width * height * 4) as usize;
        let (root, seg) = (self.display.root, self.segment(len)?.seg);
        self.display
            .conn
            .shm_get_image(
                root,
                monitor.x as i16,
                monitor.y as i16,
                width as u16,
                height as u16,
                !0,
                ImageFormat::Z_PIXMAP.into(),
                seg,
                0,
            )?
            .reply()?;
        let segment = self.segment.as_ref().expect("made above");
        // SAFETY: the server has finished writing (we have its reply), and
        // `len` fits in the mapping (segment() made sure).
        let pixels = unsafe { std::slice::from_raw_parts(segment.ptr, len) };
        self.frame.clear();
        self.frame.extend_from_slice(pixels);
        self.blend_cursor(monitor.x, monitor.y, width, height)?;
        Ok(Frame {
            bgra: &self.frame,
            width,
            height,
            stride: width * 4,
        })
    }
}

impl Drop for X11Capturer {
    fn drop(&mut self) {
        if let Some(segment) = self.segment.take() {
            self.release(segment);
        }
    }
}
