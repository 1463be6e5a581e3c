//! Fonts compiled into the binary: a Lambda has no system fonts, and a report
//! must look the same on a laptop and in production. Licences: `assets/fonts/LICENSES.md`.

use std::sync::Once;

pub const SANS_REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
pub const SANS_BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");
pub const ARABIC: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf");
pub const HEBREW: &[u8] = include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf");
/// Monochrome emoji and symbols: the fallback for feedback text.
pub const SYMBOLS: &[u8] = include_bytes!("../../assets/fonts/Symbola.ttf");

/// Every font, main family first; the PDF engine falls back through them in order.
pub const ALL: &[&[u8]] = &[SANS_REGULAR, SANS_BOLD, ARABIC, HEBREW, SYMBOLS];

/// The family name charts ask plotters for.
pub const CHART_FAMILY: &str = "Noto Sans";

/// Registers the chart fonts with plotters, once per process.
pub fn register_chart_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use plotters::style::{register_font, FontStyle};
        // The bytes are compiled in and known to parse; a failure here is a build defect.
        let parsed = register_font(CHART_FAMILY, FontStyle::Normal, SANS_REGULAR).is_ok()
            && register_font(CHART_FAMILY, FontStyle::Bold, SANS_BOLD).is_ok();
        assert!(parsed, "the embedded Noto Sans fonts must parse");
    });
}
