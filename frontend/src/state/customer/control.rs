//! Remote control on the customer's page: the helper's download once
//! control is allowed, the helper joining (or saying it cannot control
//! this computer), the banner while the technician controls or watches,
//! and its end, each with a line in the transcript.

use protocol::ServerMessage;
use protocol::ws::{ConsentOutcome, HelperDownload, HelperStatus};

use crate::format::unix_ms;
use crate::state::control::Helper;
use crate::state::{Notice, Transcript};

/// The helper's downloads, offered after Allow.
#[derive(Debug, Clone, PartialEq)]
pub struct HelperOffer {
    /// One per platform the server has a helper for (maybe none).
    pub downloads: Vec<HelperDownload>,
    /// Unix ms after which the download no longer works.
    pub expires_ms: f64,
}

/// Where remote control stands for the customer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerControl {
    /// Shown from the offer until the helper joins, says it cannot, or
    /// control ends.
    pub offer: Option<HelperOffer>,
    pub helper: Helper,
    /// The banner: `Some(true)` while the technician controls,
    /// `Some(false)` while they only watch through the helper.
    pub controlling: Option<bool>,
}

impl CustomerControl {
    /// The server's answer to the customer's Allow or Deny, or the end of
    /// control.
    pub fn on_consent(&mut self, outcome: ConsentOutcome, transcript: &mut Transcript, at_ms: f64) {
        let notice = match outcome {
            ConsentOutcome::Allowed => {
                self.helper = Helper::Absent;
                Notice::ControlAllowed
            }
            ConsentOutcome::Denied => Notice::ControlDenied,
            ConsentOutcome::TimedOut => Notice::ControlTimedOut,
            ConsentOutcome::Stopped => Notice::ControlStopped,
        };
        if outcome != ConsentOutcome::Allowed {
            self.offer = None;
            self.controlling = None;
            // The server closes the helper next; its leaving is part of
            // this stop, not news of its own.
            if self.helper == Helper::Joined {
                self.helper = Helper::Absent;
            }
        }
        transcript.notice(notice, at_ms);
    }

    /// `helper_offer`, `helper` and `control_mode` frames; others are not
    /// about remote control and change nothing.
    pub fn on_server(&mut self, message: ServerMessage, transcript: &mut Transcript, at_ms: f64) {
        match message {
            ServerMessage::HelperOffer {
                downloads,
                expires_at,
                ..
            } => {
                self.offer = Some(HelperOffer {
                    downloads,
                    expires_ms: unix_ms(expires_at),
                });
            }
            ServerMessage::Helper { status, detail, .. } => {
                let was_in = self.helper == Helper::Joined;
                self.helper = Helper::from_status(status, detail);
                if status != HelperStatus::Joined {
                    self.controlling = None;
                }
                self.offer = None;
                if status == HelperStatus::Left && was_in {
                    transcript.notice(Notice::HelperLeft, at_ms);
                }
            }
            ServerMessage::ControlMode { controlling, .. } if self.helper == Helper::Joined => {
                self.controlling = Some(controlling);
            }
            _ => {}
        }
    }

    /// The session is over.
    pub fn end(&mut self) {
        *self = CustomerControl::default();
    }
}
