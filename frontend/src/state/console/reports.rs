//! "Recent sessions" on the overview: the server's reports.

use std::rc::Rc;

use protocol::api::SessionReport;

/// The list and whether it could be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Reports {
    Loading,
    /// Behind an `Rc`: hundreds of reports are not copied on every action.
    Loaded(Rc<Vec<SessionReport>>),
    Failed,
}

/// Everything that changes [`Reports`].
#[derive(Debug, Clone, PartialEq)]
pub enum ReportsAction {
    Loading,
    Loaded(Vec<SessionReport>),
    Failed,
}

impl Reports {
    pub fn apply(&mut self, action: ReportsAction) {
        match action {
            ReportsAction::Loading => {
                // Keep showing the old list while a refresh runs.
                if !matches!(self, Reports::Loaded(_)) {
                    *self = Reports::Loading;
                }
            }
            ReportsAction::Loaded(list) => *self = Reports::Loaded(Rc::new(list)),
            ReportsAction::Failed => *self = Reports::Failed,
        }
    }
}
