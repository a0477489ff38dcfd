//! BGRA (X11's ZPixmap byte order) to I420, BT.601 limited range: what
//! browsers assume for VP8 that carries no colour information.
//!
//! A plain integer loop rather than a SIMD crate: yuvutils-rs was the
//! slowest crate of the whole helper to compile (about 70 s of a 6 min
//! dependency build), and at 30 frames a second this loop's few
//! milliseconds per frame are small next to the encoder's.

/// Converts `width` × `height` pixels (both even) of `bgra`, `stride`
/// bytes per row, into `out`: the Y plane, then U, then V, tightly packed.
pub fn bgra_to_i420(bgra: &[u8], stride: usize, width: usize, height: usize, out: &mut [u8]) {
    assert!(
        width.is_multiple_of(2) && height.is_multiple_of(2),
        "I420 needs even sizes"
    );
    assert!(bgra.len() >= stride * (height - 1) + width * 4);
    let y_len = width * height;
    let (y_plane, chroma) = out[..y_len * 3 / 2].split_at_mut(y_len);
    let (u_plane, v_plane) = chroma.split_at_mut(y_len / 4);
    let rgb = |row: usize, col: usize| {
        let at = row * stride + col * 4;
        (bgra[at + 2] as i32, bgra[at + 1] as i32, bgra[at] as i32)
    };
    for row in 0..height {
        let line = &mut y_plane[row * width..(row + 1) * width];
        for (col, y) in line.iter_mut().enumerate() {
            let (r, g, b) = rgb(row, col);
            *y = (((66 * r + 129 * g + 25 * b + 128) >> 8) + 16) as u8;
        }
    }
    let half = width / 2;
    for row in 0..height / 2 {
        for col in 0..half {
            // Colour is shared by a 2×2 block: average it.
            let (mut r, mut g, mut b) = (0, 0, 0);
            for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                let (pr, pg, pb) = rgb(row * 2 + dy, col * 2 + dx);
                r += pr;
                g += pg;
                b += pb;
            }
            let (r, g, b) = ((r + 2) >> 2, (g + 2) >> 2, (b + 2) >> 2);
            u_plane[row * half + col] = (((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128) as u8;
            v_plane[row * half + col] = (((112 * r - 94 * g - 18 * b + 128) >> 8) + 128) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_flat(bgr: [u8; 3]) -> [u8; 3] {
        let px = [bgr[0], bgr[1], bgr[2], 255];
        let bgra: Vec<u8> = px.iter().copied().cycle().take(4 * 4 * 4).collect();
        let mut out = vec![0u8; 4 * 4 * 3 / 2];
        bgra_to_i420(&bgra, 16, 4, 4, &mut out);
        [out[0], out[16], out[20]]
    }

    #[test]
    fn known_colours_convert_to_bt601_limited_range() {
        assert_eq!(convert_flat([0, 0, 0]), [16, 128, 128]);
        assert_eq!(convert_flat([255, 255, 255]), [235, 128, 128]);
        // Pure red (B, G, R order in).
        assert_eq!(convert_flat([0, 0, 255]), [82, 90, 240]);
    }
}
