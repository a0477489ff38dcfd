//! The files and text panels of one session, as both pages place them:
//! every click goes out as one [`FileClick`].

use std::rc::Rc;

use yew::prelude::*;

use crate::components::shared_text::SharedTextPanel;
use crate::components::transfers::TransfersPanel;
use crate::picked::FileClick;
use crate::state::transfers::Transfers;

#[derive(Properties, PartialEq)]
pub struct SessionFilesProps {
    pub transfers: Rc<Transfers>,
    pub peer_name: AttrValue,
    pub enabled: bool,
    /// Paste from my clipboard is offered (the console).
    #[prop_or_default]
    pub can_paste: bool,
    pub on_click: Callback<FileClick>,
}

#[component]
pub fn SessionFiles(props: &SessionFilesProps) -> Html {
    let to = |f: fn(u32) -> FileClick| props.on_click.reform(f);
    html! {
        <div class="session-files">
            <TransfersPanel transfers={props.transfers.clone()} peer_name={props.peer_name.clone()}
                enabled={props.enabled}
                on_send={props.on_click.reform(FileClick::Send)}
                on_accept={to(FileClick::Accept)} on_decline={to(FileClick::Decline)}
                on_cancel={to(FileClick::Cancel)} on_dismiss={to(FileClick::Dismiss)} />
            <SharedTextPanel transfers={props.transfers.clone()} peer_name={props.peer_name.clone()}
                enabled={props.enabled} can_paste={props.can_paste}
                on_send={props.on_click.reform(FileClick::Text)} />
        </div>
    }
}
