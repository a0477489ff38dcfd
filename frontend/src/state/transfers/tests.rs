use std::rc::Rc;

use super::*;

fn files(sizes: &[u64]) -> Rc<Vec<OfferedFile>> {
    Rc::new(
        sizes
            .iter()
            .enumerate()
            .map(|(i, size)| OfferedFile {
                path: format!("f{i}.bin"),
                size: *size,
            })
            .collect(),
    )
}

fn offered(way: Way, sizes: &[u64]) -> Transfers {
    let mut t = Transfers::default();
    t.apply(TransferAction::Offered {
        id: 1,
        way,
        folder: None,
        files: files(sizes),
    });
    t
}

#[test]
fn an_incoming_offer_waits_for_a_click() {
    let mut t = offered(Way::Receiving, &[10, 20]);
    let tr = t.get(1).unwrap();
    assert_eq!((tr.stage, tr.total_bytes), (Stage::Offered, 30));
    assert_eq!(t.waiting_for_me(), 1);
    // Progress before Accept changes nothing.
    t.apply(TransferAction::Progress {
        id: 1,
        file: 0,
        file_bytes: 5,
        now_ms: 1.0,
    });
    assert_eq!(t.get(1).unwrap().done_bytes, 0);
    assert!(t.apply(TransferAction::Declined { id: 1 }));
    assert_eq!(t.get(1).unwrap().stage, Stage::Declined);
    assert_eq!(t.waiting_for_me(), 0);
}

#[test]
fn progress_counts_finished_files_and_gives_speed_and_time_left() {
    let mut t = offered(Way::Sending, &[1000, 3000]);
    t.apply(TransferAction::Accepted { id: 1, now_ms: 0.0 });
    t.apply(TransferAction::Progress {
        id: 1,
        file: 1,
        file_bytes: 1000,
        now_ms: 1000.0,
    });
    let tr = t.get(1).unwrap();
    assert_eq!((tr.file, tr.file_bytes, tr.done_bytes), (1, 1000, 2000));
    assert_eq!(tr.speed(), Some(2000.0));
    assert_eq!(tr.seconds_left(), Some(1.0));
    assert!(t.apply(TransferAction::Done {
        id: 1,
        now_ms: 1500.0
    }));
    let tr = t.get(1).unwrap();
    assert_eq!((tr.stage, tr.done_bytes), (Stage::Done, 4000));
}

#[test]
fn the_first_end_wins_and_only_ends_are_reported() {
    let mut t = offered(Way::Sending, &[5]);
    t.apply(TransferAction::Accepted { id: 1, now_ms: 0.0 });
    assert!(t.apply(TransferAction::Cancelled { id: 1, by_me: true }));
    // The receiver's completion crossed the cancel: it stays cancelled.
    assert!(!t.apply(TransferAction::Done { id: 1, now_ms: 1.0 }));
    assert!(!t.apply(TransferAction::Failed {
        id: 1,
        problem: TransferProblem::HashMismatch,
        file: Some(0)
    }));
    assert_eq!(t.get(1).unwrap().stage, Stage::Cancelled { by_me: true });
    t.apply(TransferAction::Dismiss(1));
    assert!(t.get(1).is_none());
}

#[test]
fn a_live_transfer_cannot_be_dismissed_and_the_end_cancels_it() {
    let mut t = offered(Way::Receiving, &[5]);
    t.apply(TransferAction::Dismiss(1));
    assert!(t.get(1).is_some());
    assert_eq!(t.end_all(), vec![1]);
    assert_eq!(t.get(1).unwrap().stage, Stage::Cancelled { by_me: false });
    assert!(t.end_all().is_empty());
}

#[test]
fn a_failure_names_its_file() {
    let mut t = offered(Way::Receiving, &[5, 5]);
    t.apply(TransferAction::Accepted { id: 1, now_ms: 0.0 });
    t.apply(TransferAction::Failed {
        id: 1,
        problem: TransferProblem::HashMismatch,
        file: Some(1),
    });
    let tr = t.get(1).unwrap();
    assert_eq!(tr.stage, Stage::Failed(TransferProblem::HashMismatch));
    assert_eq!(tr.failed_file, Some(1));
}

#[test]
fn the_report_record_says_which_way_and_how_it_ended() {
    let mut t = offered(Way::Receiving, &[1; 60]);
    assert_eq!(t.get(1).unwrap().record(true), None);
    t.apply(TransferAction::Declined { id: 1 });
    let record = t.get(1).unwrap().record(true).unwrap();
    assert_eq!(record.direction, TransferDirection::FromCustomer);
    assert_eq!(record.outcome, TransferOutcome::Declined);
    assert_eq!(
        (record.files.len(), record.file_count),
        (MAX_RECORDED_FILES, 60)
    );
    assert_eq!(record.check(), Ok(()));
    // The same transfer seen from the customer's page goes to the customer.
    assert_eq!(
        t.get(1).unwrap().record(false).unwrap().direction,
        TransferDirection::ToCustomer
    );
}

#[test]
fn texts_are_kept_both_ways() {
    let mut t = Transfers::default();
    t.apply(TransferAction::TextSent {
        text: "ipconfig /all".into(),
        at_ms: 1.0,
    });
    t.apply(TransferAction::TextReceived {
        text: "192.168.1.7".into(),
        at_ms: 2.0,
    });
    assert_eq!(t.texts.len(), 2);
    assert!(t.texts[0].mine && !t.texts[1].mine);
}
