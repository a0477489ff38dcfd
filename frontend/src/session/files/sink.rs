//! Where received bytes go, and how they are saved: through the browser's
//! own download, a file as itself and a folder as one `.zip`.
//!
//! Bytes are gathered into a `Blob` as they arrive, a few megabytes at a
//! time, so a file is held once (in the browser's blob storage, which
//! Chromium moves to disk when it grows large), never twice; nothing is
//! saved before its hash matched. A folder's zip is written as its files
//! arrive ("stored", not compressed: most large files are compressed
//! already, and storing keeps up with the link).

use std::io::Write;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{Blob, HtmlAnchorElement, Url};
use zip::write::{SimpleFileOptions, StreamWriter, ZipWriter};

/// Bytes copied out of wasm memory at once.
const PART_BYTES: usize = 1 << 20;
/// Parts folded into one blob at once, so the parts' copies are let go.
const BLOB_BYTES: usize = 32 << 20;

/// Received bytes, gathered into a blob.
#[derive(Default)]
pub(super) struct BlobBuilder {
    pending: Vec<u8>,
    parts: Vec<Uint8Array>,
    parts_bytes: usize,
    blobs: Vec<Blob>,
}

impl BlobBuilder {
    fn flush_pending(&mut self) {
        if !self.pending.is_empty() {
            self.parts_bytes += self.pending.len();
            self.parts.push(Uint8Array::from(&self.pending[..]));
            self.pending.clear();
        }
        if self.parts_bytes >= BLOB_BYTES
            && let Some(blob) = blob_of(&std::mem::take(&mut self.parts))
        {
            self.blobs.push(blob);
            self.parts_bytes = 0;
        }
    }

    /// Everything written, as one blob.
    pub(super) fn finish(mut self) -> Option<Blob> {
        self.flush_pending();
        let mut all: Vec<Blob> = std::mem::take(&mut self.blobs);
        if !self.parts.is_empty() {
            all.push(blob_of(&self.parts)?);
        }
        let array: Array = all.into_iter().collect();
        Blob::new_with_blob_sequence(&array).ok()
    }
}

fn blob_of(parts: &[Uint8Array]) -> Option<Blob> {
    let array: Array = parts.iter().collect();
    Blob::new_with_u8_array_sequence(&array).ok()
}

impl Write for BlobBuilder {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= PART_BYTES {
            self.flush_pending();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a transfer's bytes go into.
pub(super) enum Sink {
    /// Loose files: one at a time, each saved once it matched.
    Files(BlobBuilder),
    /// A folder: every file into one zip, saved at the end.
    Folder(Box<ZipWriter<StreamWriter<BlobBuilder>>>),
}

impl Sink {
    pub(super) fn new(folder: bool) -> Sink {
        if folder {
            Sink::Folder(Box::new(ZipWriter::new_stream(BlobBuilder::default())))
        } else {
            Sink::Files(BlobBuilder::default())
        }
    }

    /// A file begins (zips need its entry first).
    pub(super) fn begin(&mut self, path: &str, size: u64) -> bool {
        match self {
            Sink::Files(_) => true,
            Sink::Folder(zip) => {
                let options = SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored)
                    .large_file(size >= u32::MAX as u64);
                zip.start_file(path, options).is_ok()
            }
        }
    }

    pub(super) fn write(&mut self, data: &[u8]) -> bool {
        match self {
            Sink::Files(builder) => builder.write_all(data).is_ok(),
            Sink::Folder(zip) => zip.write_all(data).is_ok(),
        }
    }

    /// A file ended whole and matched: a loose file is saved now. Returns
    /// the saved file's object URL, if one was made.
    pub(super) fn end_file(&mut self, name: &str) -> Result<Option<String>, ()> {
        match self {
            Sink::Files(builder) => {
                let blob = std::mem::take(builder).finish().ok_or(())?;
                save(&blob, base_name(name)).map(Some)
            }
            Sink::Folder(_) => Ok(None),
        }
    }

    /// Every file ended: a folder's zip is saved now as `<folder>.zip`.
    pub(super) fn finish(self, folder: &str) -> Result<Option<String>, ()> {
        match self {
            Sink::Files(_) => Ok(None),
            Sink::Folder(zip) => {
                let builder = zip.finish().map_err(|_| ())?.into_inner();
                let blob = builder.finish().ok_or(())?;
                save(&blob, &format!("{folder}.zip")).map(Some)
            }
        }
    }
}

/// The last segment of a path: the name a loose file is saved under.
fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Hands a blob to the browser's download as `name`. The URL stays valid
/// until the session's link goes, so a slow download is never cut short.
fn save(blob: &Blob, name: &str) -> Result<String, ()> {
    let url = Url::create_object_url_with_blob(blob).map_err(|_| ())?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or(())?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| ())?
        .dyn_into()
        .map_err(|_| ())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    Ok(url)
}
