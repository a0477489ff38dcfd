//! The helper's screen, `video#helper-screen`: focusable, drawn with
//! `object-fit: contain`, and in Control the place where pointer, wheel
//! and keys are caught and handed on. Points are mapped to the monitor
//! here, where the element's size is known; what is sent is the desk's
//! business. The context menu never opens over it, and Release keyboard
//! shows while it has the keyboard.

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{CompositionEvent, HtmlElement, HtmlMediaElement, HtmlVideoElement, MouseEvent};
use yew::prelude::*;

use crate::components::video_view::play;
use crate::i18n::use_texts;
use crate::remote::{ControlClick, Layout, Modifiers, Point, WheelUnit, map_point};

#[derive(Properties, PartialEq)]
pub struct HelperScreenProps {
    pub stream: Option<web_sys::MediaStream>,
    pub controlling: bool,
    pub label: AttrValue,
    pub on_click: Callback<ControlClick, bool>,
}

/// Where a pointer event falls on the customer's monitor.
fn point_of(video: &NodeRef, event: &MouseEvent) -> Option<Point> {
    let video = video.cast::<HtmlVideoElement>()?;
    let rect = video.get_bounding_client_rect();
    let layout = Layout {
        box_width: rect.width(),
        box_height: rect.height(),
        video_width: video.video_width() as f64,
        video_height: video.video_height() as f64,
    };
    let x = event.client_x() as f64 - rect.left();
    let y = event.client_y() as f64 - rect.top();
    map_point(x, y, layout)
}

#[component]
pub fn HelperScreen(props: &HelperScreenProps) -> Html {
    let t = use_texts().control;
    let video = use_node_ref();
    let focused = use_state(|| false);
    {
        let video = video.clone();
        use_effect_with(props.stream.clone(), move |stream| {
            if let Some(el) = video.cast::<HtmlMediaElement>() {
                play(&el, stream.as_ref());
            }
        });
    }
    let cb = &props.on_click;
    let onpointermove = {
        let (cb, video) = (cb.clone(), video.clone());
        Callback::from(move |e: PointerEvent| {
            cb.emit(ControlClick::Move(point_of(&video, &e)));
        })
    };
    let button = |down: bool| {
        let (cb, video) = (cb.clone(), video.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some(el) = video.cast::<HtmlElement>() {
                if down {
                    // Clicking the picture gives it the keyboard; the
                    // capture keeps a drag's release for us.
                    // Without scrolling: the page must not move under
                    // the technician's pointer as the click lands.
                    let options = web_sys::FocusOptions::new();
                    options.set_prevent_scroll(true);
                    let _ = el.focus_with_options(&options);
                    let _ = el.set_pointer_capture(e.pointer_id());
                } else {
                    let _ = el.release_pointer_capture(e.pointer_id());
                }
            }
            let at = point_of(&video, &e);
            if cb.emit(ControlClick::Button {
                button: e.button(),
                down,
                at,
            }) {
                e.prevent_default();
            }
        })
    };
    let onwheel = {
        let cb = cb.clone();
        Callback::from(move |e: WheelEvent| {
            let unit = WheelUnit::from_dom(e.delta_mode());
            let used = cb.emit(ControlClick::Wheel {
                dx: e.delta_x(),
                dy: e.delta_y(),
                unit,
            });
            if used {
                e.prevent_default();
            }
        })
    };
    let key = |down: bool| {
        let cb = cb.clone();
        Callback::from(move |e: KeyboardEvent| {
            let used = cb.emit(ControlClick::Key {
                code: e.code(),
                key: e.key(),
                down,
                composing: e.is_composing(),
                modifiers: Modifiers {
                    shift: e.shift_key(),
                    ctrl: e.ctrl_key(),
                    alt: e.alt_key(),
                    meta: e.meta_key(),
                },
            });
            if used {
                e.prevent_default();
            }
        })
    };
    // yew has no `oncompositionend`: listened to here. A finished
    // composition (an input method) is typed as its text.
    {
        let (cb, video) = (cb.clone(), video.clone());
        use_effect_with((), move |_| {
            let listener = video.cast::<HtmlElement>().map(|el| {
                EventListener::new(&el, "compositionend", move |e| {
                    if let Some(text) = e.dyn_ref::<CompositionEvent>().and_then(|e| e.data()) {
                        cb.emit(ControlClick::Text(text));
                    }
                })
            });
            move || drop(listener)
        });
    }
    let oncontextmenu = Callback::from(|e: MouseEvent| e.prevent_default());
    let onfocus = {
        let focused = focused.clone();
        Callback::from(move |_: FocusEvent| focused.set(true))
    };
    let onblur = {
        let (cb, focused) = (cb.clone(), focused.clone());
        Callback::from(move |_: FocusEvent| {
            focused.set(false);
            cb.emit(ControlClick::Blur);
        })
    };
    // Pressed without taking focus, so the picture still has it when the
    // click lands, and gives it up.
    let keep_focus = Callback::from(|e: MouseEvent| e.prevent_default());
    let release = {
        let video = video.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = video.cast::<HtmlElement>() {
                let _ = el.blur();
            }
        })
    };
    let (onpointerdown, onpointerup) = (button(true), button(false));
    let (onkeydown, onkeyup) = (key(true), key(false));
    html! {
        <div class={classes!("helper-screen-box", props.controlling.then_some("controlling"))}>
            <video id="helper-screen" class="helper-screen" ref={video} tabindex="0"
                aria-label={props.label.clone()} autoplay=true muted=true playsinline=true
                {onpointermove} {onpointerdown} {onpointerup}
                {onwheel} {onkeydown} {onkeyup}
                {oncontextmenu} {onfocus} {onblur} />
            if *focused {
                <button id="release-keyboard" type="button" class="button secondary small release-keyboard"
                    onmousedown={keep_focus} onclick={release}>
                    { t.release_keyboard }
                </button>
            } else if props.controlling {
                <p class="keyboard-hint">{ t.keyboard_hint }</p>
            }
        </div>
    }
}
