//! The files panel: an incoming offer asks with Accept and Decline and
//! names the sender, a running transfer shows real progress bars and
//! Cancel, a finished one only Dismiss; the text panel copies.

use std::rc::Rc;

use frontend::components::transfers::{TransfersPanel, TransfersProps};
use frontend::state::transfers::{TransferAction, Transfers, Way};
use protocol::peer::files::OfferedFile;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlProgressElement;
use yew::Callback;

use super::{click, exists, find, mount_point, recorder, settle, text};

fn files(list: &[(&str, u64)]) -> Rc<Vec<OfferedFile>> {
    Rc::new(
        list.iter()
            .map(|(path, size)| OfferedFile {
                path: (*path).into(),
                size: *size,
            })
            .collect(),
    )
}

#[wasm_bindgen_test]
async fn offers_ask_running_transfers_show_progress_and_ended_ones_go() {
    let mut state = Transfers::default();
    state.apply(TransferAction::Offered {
        id: 2,
        way: Way::Receiving,
        folder: None,
        files: files(&[("logs.zip", 2_000_000)]),
    });
    state.apply(TransferAction::Offered {
        id: 1,
        way: Way::Sending,
        folder: Some("drivers".into()),
        files: files(&[("a.inf", 1000), ("b.sys", 3000)]),
    });
    state.apply(TransferAction::Accepted { id: 1, now_ms: 0.0 });
    state.apply(TransferAction::Progress {
        id: 1,
        file: 1,
        file_bytes: 1000,
        now_ms: 1000.0,
    });
    state.apply(TransferAction::Offered {
        id: 3,
        way: Way::Sending,
        folder: None,
        files: files(&[("x", 1)]),
    });
    state.apply(TransferAction::Declined { id: 3 });

    let (on_accept, accepted) = recorder();
    let (on_decline, declined) = recorder();
    let (on_cancel, cancelled) = recorder();
    let (on_dismiss, dismissed) = recorder();
    let root = mount_point();
    let props = TransfersProps {
        transfers: Rc::new(state),
        peer_name: "Ann".into(),
        enabled: true,
        on_send: Callback::from(|_| {}),
        on_accept,
        on_decline,
        on_cancel,
        on_dismiss,
    };
    yew::Renderer::<TransfersPanel>::with_root_and_props(root.clone(), props).render();
    settle().await;

    assert!(exists(&root, "#send-files-input"));
    assert!(find(&root, "#send-folder-input").has_attribute("webkitdirectory"));

    let offer = ".transfer[data-transfer=\"2\"][data-stage=\"offered\"]";
    assert!(text(&root, offer).contains("Ann wants to send you:"));
    assert!(text(&root, offer).contains("logs.zip"));
    assert!(text(&root, offer).contains("2.00 MB"));
    click(&root, &format!("{offer} .transfer-accept"));
    click(&root, &format!("{offer} .transfer-decline"));

    let moving = ".transfer[data-transfer=\"1\"][data-stage=\"moving\"]";
    let bar: HtmlProgressElement = find(&root, &format!("{moving} progress.transfer-progress"))
        .dyn_into()
        .unwrap();
    assert_eq!((bar.value(), bar.max()), (2000.0, 4000.0));
    assert!(exists(&root, &format!("{moving} progress.file-progress")));
    let status = text(&root, &format!("{moving} .transfer-status"));
    assert!(
        status.contains("2.00 kB/s") && status.contains("0:01 left"),
        "{status}"
    );
    assert!(text(&root, moving).contains("Folder drivers"));
    assert!(!exists(&root, &format!("{moving} .transfer-accept")));
    click(&root, &format!("{moving} .transfer-cancel"));

    let over = ".transfer[data-transfer=\"3\"][data-stage=\"declined\"]";
    assert!(text(&root, over).contains("Ann declined."));
    assert!(!exists(&root, &format!("{over} .transfer-cancel")));
    click(&root, &format!("{over} .transfer-dismiss"));

    assert_eq!(*accepted.borrow(), vec![2]);
    assert_eq!(*declined.borrow(), vec![2]);
    assert_eq!(*cancelled.borrow(), vec![1]);
    assert_eq!(*dismissed.borrow(), vec![3]);
}
