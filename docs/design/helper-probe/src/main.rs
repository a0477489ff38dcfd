mod rtc_probe;
mod vp8;
mod x11;

use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::xproto::{self, ConnectionExt as _, CreateWindowAux, EventMask, WindowClass};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("x11") => x11_probe(),
        Some("enc") => {
            let w: u32 = args.get(2).map_or(Ok(1280), |s| s.parse())?;
            let h: u32 = args.get(3).map_or(Ok(720), |s| s.parse())?;
            let cpu: i32 = args.get(4).map_or(Ok(-6), |s| s.parse())?;
            enc_bench(w, h, cpu)
        }
        Some("rtc") => {
            let bind = args.get(2).cloned().unwrap_or_else(|| "127.0.0.1:0".into());
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?
                .block_on(rtc_probe::run(&bind))
        }
        _ => {
            if let Some(why) = x11::unsupported_reason() {
                eprintln!("{why}");
            }
            eprintln!("usage: helper-probe x11 | enc W H CPU | rtc [bind]");
            Ok(())
        }
    }
}

/// Synthetic desktop: static "text" noise, a moving window, 150 frames.
fn enc_bench(w: u32, h: u32, cpu: i32) -> Result<(), Error> {
    let mut bgra = vec![0u8; (w * h * 4) as usize];
    let mut seed = 12345u32;
    for px in bgra.chunks_mut(4) {
        seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
        let v = if (seed >> 16) % 7 == 0 { 20 } else { 240 };
        px.copy_from_slice(&[v, v, v, 255]);
    }
    let mut i420 = vec![0u8; (w * h * 3 / 2) as usize];
    let mut enc = vp8::Vp8Encoder::new(w, h, 2500, 1, cpu).map_err(Error::from)?;
    let (mut conv, mut code, mut bytes, mut keys) = (Duration::ZERO, Duration::ZERO, 0usize, 0);
    let n = 150;
    for i in 0..n {
        // a 300x200 "window" moving 8 px per frame
        let x0 = (i * 8) % (w as usize - 300);
        for row in 200..400 {
            let line = &mut bgra[(row * w as usize + x0) * 4..(row * w as usize + x0 + 300) * 4];
            for (k, px) in line.chunks_mut(4).enumerate() {
                px.copy_from_slice(&[(k + i) as u8, 64, 200, 255]);
            }
        }
        let t = Instant::now();
        vp8::bgra_to_i420(&bgra, w * 4, w, h, &mut i420).map_err(Error::from)?;
        conv += t.elapsed();
        let t = Instant::now();
        for f in enc.encode(&mut i420, (i * 33) as i64, 33, i == 75).map_err(Error::from)? {
            bytes += f.data.len();
            keys += f.key as usize;
        }
        code += t.elapsed();
    }
    println!(
        "{w}x{h} cpu_used={cpu} threads=1: convert {:.2} ms/frame, encode {:.2} ms/frame ({:.0} fps), {} keyframes, {:.0} kbit/s at 30 fps",
        conv.as_secs_f64() * 1000.0 / n as f64,
        code.as_secs_f64() * 1000.0 / n as f64,
        n as f64 / code.as_secs_f64(),
        keys,
        bytes as f64 * 8.0 / (n as f64 / 30.0) / 1000.0
    );
    Ok(())
}

fn x11_probe() -> Result<(), Error> {
    let x = x11::X11::connect()?;
    println!("screen {}x{}, monitors {:?}", x.width, x.height, x.monitors()?);

    // ---- a test client on its own connection: red window at (100,100) 400x300
    let (tc, tscreen) = x11rb::connect(None)?;
    let root = tc.setup().roots[tscreen].root;
    let win = tc.generate_id()?;
    tc.create_window(
        x11rb::COPY_DEPTH_FROM_PARENT,
        win,
        root,
        100,
        100,
        400,
        300,
        0,
        WindowClass::INPUT_OUTPUT,
        0,
        &CreateWindowAux::new()
            .background_pixel(0xff0000)
            .event_mask(EventMask::EXPOSURE | EventMask::BUTTON_PRESS | EventMask::BUTTON_RELEASE | EventMask::KEY_PRESS | EventMask::POINTER_MOTION),
    )?;
    tc.map_window(win)?;
    tc.set_input_focus(xproto::InputFocus::POINTER_ROOT, win, x11rb::CURRENT_TIME)?;
    tc.flush()?;
    loop {
        if let Event::Expose(_) = tc.wait_for_event()? {
            break;
        }
    }

    // ---- capture through MIT-SHM
    let cap = x11::ShmCapture::new(&x, x.width, x.height)?;
    let t = Instant::now();
    let n = 30;
    for _ in 0..n {
        cap.grab(&x, 0, 0, x.width, x.height)?;
    }
    let per = t.elapsed() / n;
    let frame = cap.grab(&x, 0, 0, x.width, x.height)?;
    let at = |px: usize, py: usize| {
        let o = (py * x.width as usize + px) * 4;
        [frame[o], frame[o + 1], frame[o + 2]]
    };
    println!("shm_get_image {}x{}: {:?}/frame; pixel(150,150) BGR={:?}, pixel(10,10) BGR={:?}", x.width, x.height, per, at(150, 150), at(10, 10));
    let (cx, cy, _, _, cw, ch, img) = x11::cursor(&x)?;
    println!("cursor at ({cx},{cy}) {cw}x{ch}, {} px", img.len());

    // ---- XTEST: move, click, wheel
    x11::pointer_move(&x, 150, 160)?;
    x11::button(&x, 1, true)?;
    x11::button(&x, 1, false)?;
    x11::button(&x, 4, true)?;
    x11::button(&x, 4, false)?;
    // keys by DOM code: Shift+KeyA, Digit1
    let shift = x11::keycode_for_dom_code("ShiftLeft").ok_or("no ShiftLeft")?;
    let key_a = x11::keycode_for_dom_code("KeyA").ok_or("no KeyA")?;
    let usb_a = x11::keycode_for_usb(0x04).ok_or("no usb 0x04")?;
    println!("keycodes: ShiftLeft={shift} KeyA={key_a} (usb 0x04 -> {usb_a}) Digit1={:?} Enter={:?}", x11::keycode_for_dom_code("Digit1"), x11::keycode_for_dom_code("Enter"));
    x11::key(&x, shift, true)?;
    x11::key(&x, key_a, true)?;
    x11::key(&x, key_a, false)?;
    x11::key(&x, shift, false)?;
    x11::sync(&x)?;

    let spare = x11::spare_keycode(&x)?.ok_or("no spare keycode")?;
    println!("spare keycode {spare}");
    let mut typed = String::new();
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut log = Vec::new();
    // drain events so far
    while Instant::now() < deadline {
        match tc.poll_for_event()? {
            Some(Event::ButtonPress(e)) => log.push(format!("ButtonPress {} at ({},{})", e.detail, e.event_x, e.event_y)),
            Some(Event::KeyPress(e)) => log.push(format!("KeyPress {} state {:?}", e.detail, e.state)),
            Some(_) => {}
            None => {
                if !log.is_empty() && log.len() >= 4 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
    println!("test client saw: {log:?}");

    for ch in "Привет".chars() {
        x11::type_char(&x, spare, ch)?;
        // the test client translates at receive time
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            if let Some(Event::KeyPress(e)) = tc.poll_for_event()? {
                let map = tc.get_keyboard_mapping(e.detail, 1)?.reply()?;
                let sym = map.keysyms[0];
                let c = if sym & 0xff00_0000 == 0x0100_0000 { char::from_u32(sym & 0x00ff_ffff) } else { char::from_u32(sym) };
                typed.extend(c);
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    x11::clear_spare(&x, spare)?;
    println!("typed via spare keycode: {typed:?}");
    cap.close(&x);
    Ok(())
}
