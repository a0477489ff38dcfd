//! The chat of a recording: the console uploads each line said while the
//! recording runs (the chat goes peer to peer, so only it can), with its
//! time from the recording's start; the server keeps them and serves them
//! as WebVTT subtitles beside the video.

use protocol::api::RecordedChatLine;
use protocol::limits::MAX_CHAT_CHARS;
use protocol::{ErrorCode, RecordingId, SessionId};

use super::{Recordings, Uploader, check_uploader, not_found};
use crate::hub::Refusal;
use crate::store::RecordedLine;

/// Lines one recording may keep: hours of lively chat.
pub const MAX_LINES: u64 = 10_000;
/// Latest time a line may have: a day into the recording.
const MAX_AT_MS: u64 = 24 * 60 * 60 * 1000;
/// How long each line stays on screen, unless the next one comes first.
const SHOWN_MS: u64 = 5000;

impl Recordings {
    /// Keeps one chat line of an open recording, from its own console.
    pub async fn add_chat_line(
        &self,
        who: Uploader<'_>,
        session: SessionId,
        id: RecordingId,
        line: RecordedChatLine,
    ) -> Result<(), Refusal> {
        let chars = line.text.chars().count();
        if chars == 0 || line.text.trim().is_empty() {
            return Err(Refusal::new(ErrorCode::BadRequest)
                .about(session)
                .saying("A chat line needs some text."));
        }
        if chars > MAX_CHAT_CHARS {
            return Err(Refusal::new(ErrorCode::TooLong)
                .about(session)
                .saying(format!(
                    "A chat line has at most {MAX_CHAT_CHARS} characters."
                )));
        }
        if line.at_ms > MAX_AT_MS {
            return Err(Refusal::new(ErrorCode::BadRequest)
                .about(session)
                .saying("\"at_ms\" is later than a recording can run."));
        }
        let entry = self.writable(&who, session, id).await?;
        // Held while the line is saved, so it cannot race the recording's end.
        let open = entry.lock().await;
        check_uploader(&open, &who, session)?;
        let kept = self
            .hub()
            .db()
            .call(move |store| {
                if store.recording_chat_count(id)? >= MAX_LINES {
                    return Ok(false);
                }
                store.add_recording_chat(id, line.at_ms, line.from, &line.text)?;
                Ok(true)
            })
            .await
            .map_err(|e| Refusal::from(e).about(session))?;
        if !kept {
            return Err(Refusal::new(ErrorCode::TooLong)
                .about(session)
                .saying(format!("A recording keeps at most {MAX_LINES} chat lines.")));
        }
        Ok(())
    }

    /// Recording `id`'s chat as WebVTT, for the session's technician only.
    pub async fn subtitles(
        &self,
        technician: &str,
        session: SessionId,
        id: RecordingId,
    ) -> Result<String, Refusal> {
        self.may_read(technician, session, id).await?;
        let lines = self
            .hub()
            .db()
            .call(move |store| store.recording_chat(id))
            .await
            .map_err(|_| not_found())?;
        Ok(webvtt(&lines))
    }
}

/// The lines as a WebVTT file: one cue each, shown from its time until
/// the next line or for [`SHOWN_MS`], with the writer as the cue's voice.
pub fn webvtt(lines: &[RecordedLine]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).map(|n| n.at_ms).unwrap_or(u64::MAX);
        let end = (line.at_ms + SHOWN_MS).min(next.max(line.at_ms + 1));
        out.push_str(&format!(
            "{}\n{} --> {}\n<v {}>{}\n\n",
            i + 1,
            timestamp(line.at_ms),
            timestamp(end),
            escape(&line.speaker),
            escape(&line.text)
        ));
    }
    out
}

/// `hh:mm:ss.ttt`.
fn timestamp(ms: u64) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    format!("{h:02}:{m:02}:{:02}.{:03}", rest / 1000, rest % 1000)
}

/// Cue text is markup: `&`, `<` and `>` are written as entities (which
/// also keeps `-->` out of it), and a line break would end the cue early,
/// so breaks become spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(at_ms: u64, speaker: &str, text: &str) -> RecordedLine {
        RecordedLine {
            at_ms,
            speaker: speaker.into(),
            text: text.into(),
        }
    }

    #[test]
    fn cues_run_until_the_next_line_or_five_seconds() {
        let vtt = webvtt(&[
            line(1_500, "tess", "Hello"),
            line(3_000, "Ann", "Hi"),
            line(3_723_004, "Ann", "bye"),
        ]);
        assert_eq!(
            vtt,
            "WEBVTT\n\n\
             1\n00:00:01.500 --> 00:00:03.000\n<v tess>Hello\n\n\
             2\n00:00:03.000 --> 00:00:08.000\n<v Ann>Hi\n\n\
             3\n01:02:03.004 --> 01:02:08.004\n<v Ann>bye\n\n"
        );
    }

    #[test]
    fn markup_and_line_breaks_cannot_escape_the_cue() {
        let vtt = webvtt(&[line(0, "A<b>", "x --> y\n\n<c>&")]);
        assert!(vtt.contains("<v A&lt;b&gt;>x --&gt; y  &lt;c&gt;&amp;\n"));
        assert_eq!(webvtt(&[]), "WEBVTT\n\n");
        // Two lines at the same moment still get a cue of their own.
        let same = webvtt(&[line(0, "a", "1"), line(0, "b", "2")]);
        assert!(same.contains("00:00:00.000 --> 00:00:00.001"));
    }
}
