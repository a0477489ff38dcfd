//! The technician's screen on the customer's page: whose it is, the
//! picture, and Close.

use frontend::components::technician_screen::{TechnicianScreen, TechnicianScreenProps};
use js_sys::{Function, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlMediaElement, MediaStream};
use yew::AttrValue;

use super::*;

/// A live stream without any capture prompt: a canvas's own.
fn canvas_stream() -> MediaStream {
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas = doc.create_element("canvas").unwrap();
    let capture: Function = Reflect::get(&canvas, &"captureStream".into())
        .unwrap()
        .unchecked_into();
    capture.call0(&canvas).unwrap().unchecked_into()
}

#[wasm_bindgen_test]
async fn the_label_names_the_technician_and_close_reports() {
    let root = mount_point();
    let (on_close, closed) = recorder::<()>();
    let props = TechnicianScreenProps {
        technician: AttrValue::from("Tess"),
        stream: Some(canvas_stream()),
        on_close,
    };
    yew::Renderer::<TechnicianScreen>::with_root_and_props(root.clone(), props).render();
    settle().await;

    assert_eq!(
        text(&root, "#technician-screen-label"),
        "Tess is showing you their screen"
    );
    let video: HtmlMediaElement =
        find(&root, "#technician-screen video#technician-video").unchecked_into();
    // The picture is attached by an effect, after the first render.
    let mut shown: Option<MediaStream> = None;
    for _ in 0..50 {
        shown = video.src_object().map(|s| s.unchecked_into());
        if shown.is_some() {
            break;
        }
        gloo::timers::future::TimeoutFuture::new(10).await;
    }
    let shown = shown.expect("the picture is attached");
    assert_eq!(shown.get_video_tracks().length(), 1, "a video track plays");
    assert_eq!(
        video.get_attribute("aria-label").as_deref(),
        Some("Tess is showing you their screen")
    );
    click(&root, "#close-technician-screen");
    settle().await;
    assert_eq!(closed.borrow().len(), 1);
}
