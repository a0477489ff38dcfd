//! The strings of the files and text panel, one [`FileTexts`] per
//! language beside the page's [`Texts`](super::Texts), which points to it.

mod en;
mod nb;
mod ru;

pub(super) use en::FILE_TEXTS as EN;
pub(super) use nb::FILE_TEXTS as NB;
pub(super) use ru::FILE_TEXTS as RU;

use protocol::peer::files::TransferProblem;

/// Every string of the files and text panel.
#[derive(Debug)]
pub struct FileTexts {
    pub files_title: &'static str,
    pub send_files: &'static str,
    pub send_folder: &'static str,
    pub drop_hint: &'static str,
    /// `{n}`: files, `{size}`: their total size.
    pub files_and_size: &'static str,
    /// `{n}`: names not listed.
    pub and_more: &'static str,
    /// `{name}`: the folder.
    pub folder_label: &'static str,
    /// `{name}`: the other person.
    pub offer_from: &'static str,
    /// `{name}`: the other person.
    pub waiting_for_answer: &'static str,
    pub accept: &'static str,
    pub decline: &'static str,
    pub cancel: &'static str,
    pub dismiss: &'static str,
    pub sending: &'static str,
    pub receiving: &'static str,
    /// `{speed}`: per second, `{left}`: time left.
    pub speed_left: &'static str,
    /// `{name}`: the file being moved.
    pub current_file: &'static str,
    pub done_sent: &'static str,
    pub done_received: &'static str,
    pub done_received_folder: &'static str,
    /// `{name}`: the other person.
    pub declined_by_peer: &'static str,
    pub declined_by_me: &'static str,
    pub cancelled_by_me: &'static str,
    pub cancelled: &'static str,
    /// `{why}`: one of the problems below.
    pub failed: &'static str,
    /// `{name}`: the file concerned.
    pub failed_file: &'static str,
    pub problem_bad_offer: &'static str,
    pub problem_too_many_files: &'static str,
    pub problem_hash_mismatch: &'static str,
    pub problem_size_mismatch: &'static str,
    pub problem_unexpected_chunk: &'static str,
    pub problem_read_failed: &'static str,
    pub problem_save_failed: &'static str,
    pub problem_other: &'static str,
    pub storage_note: &'static str,
    pub text_title: &'static str,
    pub text_label: &'static str,
    pub send_text: &'static str,
    pub paste: &'static str,
    pub paste_failed: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    /// `{name}`: the other person.
    pub text_from: &'static str,
    pub text_mine: &'static str,
}

impl FileTexts {
    /// Why a transfer failed, in words.
    pub fn problem(&self, problem: TransferProblem) -> &'static str {
        match problem {
            TransferProblem::BadOffer => self.problem_bad_offer,
            TransferProblem::TooManyFiles => self.problem_too_many_files,
            TransferProblem::HashMismatch => self.problem_hash_mismatch,
            TransferProblem::SizeMismatch => self.problem_size_mismatch,
            TransferProblem::UnexpectedChunk => self.problem_unexpected_chunk,
            TransferProblem::ReadFailed => self.problem_read_failed,
            TransferProblem::SaveFailed => self.problem_save_failed,
            TransferProblem::Other => self.problem_other,
        }
    }
}
