//! What a person picked to send: files from the picker or a drop, or a
//! folder (`webkitdirectory`), each with the path it will have on the
//! other side; and [`FileClick`], every click of the files and text
//! panels, as the pages hand them to their controller.

use protocol::peer::files::OfferedFile;
use protocol::peer::offer::check_path;
use wasm_bindgen::JsValue;
use web_sys::{File, FileList};

/// Files to offer together.
#[derive(Clone, Default)]
pub struct Picked {
    /// The folder's name, when a folder was picked.
    pub folder: Option<String>,
    /// Each file and its path (below the folder, if any).
    pub files: Vec<(File, String)>,
}

impl PartialEq for Picked {
    fn eq(&self, other: &Self) -> bool {
        self.folder == other.folder
            && self.files.len() == other.files.len()
            && self.files.iter().zip(&other.files).all(|(a, b)| a.1 == b.1)
    }
}

impl Picked {
    /// Files from a picker or a drop: each goes by its own name.
    pub fn files(list: &FileList) -> Picked {
        let files = (0..list.length())
            .filter_map(|i| list.get(i))
            .map(|file| {
                let name = clean_path(&file.name());
                (file, name)
            })
            .collect();
        Picked {
            folder: None,
            files,
        }
    }

    /// A folder from a `webkitdirectory` picker: every file keeps its path
    /// below the folder the person chose.
    pub fn folder(list: &FileList) -> Picked {
        let mut folder = None;
        let mut files = Vec::new();
        for file in (0..list.length()).filter_map(|i| list.get(i)) {
            let relative = js_sys::Reflect::get(&file, &JsValue::from_str("webkitRelativePath"))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let (top, below) = match relative.split_once('/') {
                Some((top, below)) => (top.to_owned(), below.to_owned()),
                None => (String::new(), file.name()),
            };
            if folder.is_none() && !top.is_empty() {
                folder = Some(clean_path(&top));
            }
            files.push((file, clean_path(&below)));
        }
        Picked { folder, files }
    }

    /// The offer's list.
    pub fn offered(&self) -> Vec<OfferedFile> {
        self.files
            .iter()
            .map(|(file, path)| OfferedFile {
                path: path.clone(),
                size: file.size() as u64,
            })
            .collect()
    }
}

/// A path every receiver accepts: characters the rules refuse become `_`,
/// empty and dot segments are dropped. What cannot be saved as it is on the
/// other side's system is better renamed here, where the person sees it.
pub fn clean_path(raw: &str) -> String {
    let cleaned: Vec<String> = raw
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c.is_control() || c == '\\' || c == ':' {
                        '_'
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    let path = cleaned.join("/");
    if check_path(&path) {
        path
    } else {
        "file".to_owned()
    }
}

/// A click in the files or text panel.
#[derive(Clone, PartialEq)]
pub enum FileClick {
    /// Send files, Send a folder, or a drop.
    Send(Picked),
    Accept(u32),
    Decline(u32),
    Cancel(u32),
    /// Removes a finished transfer from the list.
    Dismiss(u32),
    /// Send text.
    Text(String),
}
