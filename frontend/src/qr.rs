//! The PIN link as a QR code, drawn as one inline SVG path so a phone camera
//! can open the customer page without typing. Inline (not an image file)
//! because the link is made at run time and must never leave the browser.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of empty border the QR standard asks for around the code.
const QUIET_ZONE: usize = 4;

/// An `<svg>` element for `text`, with `id` and an accessible `label`.
/// `None` if the text is too long for any QR code.
pub fn svg(text: &str, id: &str, label: &str) -> Option<String> {
    // Medium error correction survives a slightly blurry phone photo of a
    // screen while keeping the code small enough to show in a sidebar.
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let modules = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for (i, color) in modules.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    Some(format!(
        concat!(
            r#"<svg id="{id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" "#,
            r#"role="img" aria-label="{label}" shape-rendering="crispEdges">"#,
            r#"<title>{label}</title>"#,
            r##"<rect width="{size}" height="{size}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{path}"/></svg>"##
        ),
        id = escape(id),
        label = escape(label),
        size = size,
        path = path,
    ))
}

/// Escapes text for an XML attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_square_svg_with_the_id() {
        let svg = svg("https://help.example/?code=123456", "pin-qr", "QR \"code\"").unwrap();
        assert!(svg.starts_with(r#"<svg id="pin-qr""#));
        assert!(svg.contains("aria-label=\"QR &quot;code&quot;\""));
        // Version 3 (29 modules) fits this link at level M; plus the border.
        assert!(svg.contains("viewBox=\"0 0 37 37\""), "{svg}");
        assert!(svg.ends_with("</svg>"));
        // The three finder patterns alone are 3 × 33 dark modules.
        assert!(svg.matches('M').count() > 99);
    }

    #[test]
    fn refuses_what_does_not_fit() {
        assert!(svg(&"x".repeat(5000), "a", "b").is_none());
    }
}
