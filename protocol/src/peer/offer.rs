//! The rules an offer must keep, shared by the side that sends it (which
//! splits a long list into frames) and the side that receives it (which
//! puts them back together and refuses what breaks a rule). Nothing of an
//! offer that breaks a rule is shown or written.

use super::files::{FileControl, OfferedFile, TransferProblem};
use crate::limits::{MAX_OFFER_FILES, MAX_PATH_BYTES, MAX_PATH_DEPTH};

/// Keeps each offer frame's JSON well under the channel's message size.
const LIST_BYTES_PER_FRAME: usize = 32 * 1024;

/// Whether `path` is a file name or a path below a folder that a receiver
/// can use as it is: 1 to [`MAX_PATH_BYTES`] bytes, segments separated by
/// `/`, none empty, `.` or `..`, no `\`, `:` or control characters, at
/// most [`MAX_PATH_DEPTH`] segments. So a path can never point outside the
/// folder it is saved in.
pub fn check_path(path: &str) -> bool {
    if path.is_empty() || path.len() > MAX_PATH_BYTES {
        return false;
    }
    let segments: Vec<&str> = path.split('/').collect();
    segments.len() <= MAX_PATH_DEPTH
        && segments.iter().all(|s| {
            !s.is_empty()
                && *s != "."
                && *s != ".."
                && !s.chars().any(|c| c.is_control() || c == '\\' || c == ':')
        })
}

/// The frames that offer `files` (and the folder's name, if a folder is
/// offered) as transfer `id`: one `offer`, then `offer_more` as needed.
pub fn offer_frames(id: u32, folder: Option<String>, files: &[OfferedFile]) -> Vec<FileControl> {
    let mut parts: Vec<Vec<OfferedFile>> = vec![Vec::new()];
    let mut bytes = 0;
    for file in files {
        let cost = file.path.len() + 40;
        if bytes + cost > LIST_BYTES_PER_FRAME && !parts.last().is_some_and(Vec::is_empty) {
            parts.push(Vec::new());
            bytes = 0;
        }
        bytes += cost;
        if let Some(part) = parts.last_mut() {
            part.push(file.clone());
        }
    }
    let mut parts = parts.into_iter();
    let first = FileControl::Offer {
        id,
        folder,
        count: files.len() as u32,
        total_bytes: files.iter().map(|f| f.size).sum(),
        files: parts.next().unwrap_or_default(),
    };
    std::iter::once(first)
        .chain(parts.map(|files| FileControl::OfferMore { id, files }))
        .collect()
}

/// An offer being received: its frames put back together and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferInProgress {
    pub id: u32,
    pub folder: Option<String>,
    pub count: u32,
    pub total_bytes: u64,
    pub files: Vec<OfferedFile>,
}

impl OfferInProgress {
    /// The first frame of an offer, checked as far as it goes.
    pub fn begin(
        id: u32,
        folder: Option<String>,
        count: u32,
        total_bytes: u64,
        files: Vec<OfferedFile>,
    ) -> Result<OfferInProgress, TransferProblem> {
        if count as usize > MAX_OFFER_FILES {
            return Err(TransferProblem::TooManyFiles);
        }
        if count == 0
            || folder
                .as_deref()
                .is_some_and(|f| !check_path(f) || f.contains('/'))
        {
            return Err(TransferProblem::BadOffer);
        }
        let mut offer = OfferInProgress {
            id,
            folder,
            count,
            total_bytes,
            files: Vec::new(),
        };
        offer.add(files)?;
        Ok(offer)
    }

    /// The entries of an `offer_more`.
    pub fn add(&mut self, files: Vec<OfferedFile>) -> Result<(), TransferProblem> {
        if self.files.len() + files.len() > self.count as usize {
            return Err(TransferProblem::BadOffer);
        }
        if !files.iter().all(|f| check_path(&f.path)) {
            return Err(TransferProblem::BadOffer);
        }
        self.files.extend(files);
        if self.is_whole() {
            let sum = self
                .files
                .iter()
                .try_fold(0u64, |sum, f| sum.checked_add(f.size));
            if sum != Some(self.total_bytes) {
                return Err(TransferProblem::BadOffer);
            }
        }
        Ok(())
    }

    /// Every file of the list has arrived: the offer can be shown.
    pub fn is_whole(&self) -> bool {
        self.files.len() == self.count as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: u64) -> OfferedFile {
        OfferedFile {
            path: path.into(),
            size,
        }
    }

    #[test]
    fn paths_stay_inside_their_folder() {
        for good in ["a.txt", "docs/2024/report.pdf", "ä ö/ü.txt", ".hidden"] {
            assert!(check_path(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a/./b",
            "C:\\x",
            "c:x",
            "a\nb",
            "a/",
            "\u{0}",
        ] {
            assert!(!check_path(bad), "{bad:?}");
        }
        assert!(!check_path(&"a".repeat(MAX_PATH_BYTES + 1)));
        assert!(!check_path(&vec!["d"; MAX_PATH_DEPTH + 1].join("/")));
    }

    #[test]
    fn a_long_list_is_split_and_put_back_together() {
        let files: Vec<OfferedFile> = (0..2000)
            .map(|i| file(&format!("folder/sub/file-{i:05}.txt"), i))
            .collect();
        let frames = offer_frames(5, Some("many".into()), &files);
        assert!(frames.len() > 1);
        for frame in &frames {
            let json = serde_json::to_string(frame).unwrap();
            assert!(json.len() < 48 * 1024, "{} bytes", json.len());
        }
        let mut frames = frames.into_iter();
        let Some(FileControl::Offer {
            id,
            folder,
            count,
            total_bytes,
            files: first,
        }) = frames.next()
        else {
            panic!("an offer first");
        };
        let mut offer = OfferInProgress::begin(id, folder, count, total_bytes, first).unwrap();
        assert!(!offer.is_whole());
        for frame in frames {
            let FileControl::OfferMore { files, .. } = frame else {
                panic!("then offer_more");
            };
            offer.add(files).unwrap();
        }
        assert!(offer.is_whole());
        assert_eq!(offer.files, files);
    }

    #[test]
    fn offers_that_break_a_rule_are_refused() {
        let too_many = OfferInProgress::begin(1, None, MAX_OFFER_FILES as u32 + 1, 0, vec![]);
        assert_eq!(too_many, Err(TransferProblem::TooManyFiles));
        let bad_path = OfferInProgress::begin(1, None, 1, 1, vec![file("../x", 1)]);
        assert_eq!(bad_path, Err(TransferProblem::BadOffer));
        let wrong_total = OfferInProgress::begin(1, None, 1, 2, vec![file("x", 1)]);
        assert_eq!(wrong_total, Err(TransferProblem::BadOffer));
        let empty = OfferInProgress::begin(1, None, 0, 0, vec![]);
        assert_eq!(empty, Err(TransferProblem::BadOffer));
        let bad_folder = OfferInProgress::begin(1, Some("a/b".into()), 1, 1, vec![file("x", 1)]);
        assert_eq!(bad_folder, Err(TransferProblem::BadOffer));
        let mut more = OfferInProgress::begin(1, None, 1, 1, vec![]).unwrap();
        assert_eq!(
            more.add(vec![file("x", 1), file("y", 0)]),
            Err(TransferProblem::BadOffer)
        );
        let overflow =
            OfferInProgress::begin(1, None, 2, 5, vec![file("x", u64::MAX), file("y", 6)]);
        assert_eq!(overflow, Err(TransferProblem::BadOffer));
    }
}
