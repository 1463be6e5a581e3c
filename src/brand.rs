//! A report's look and sender: logo, primary colour, sender display name,
//! reply-to, footer and subject template. Everything is checked when the
//! reports file is loaded, so a bad colour or a header injection never reaches a
//! render or a mail server.

use std::sync::Arc;

/// Placeholders a subject template may use.
pub const SUBJECT_PLACEHOLDERS: &[&str] = &["report", "period", "kind"];
/// The default accent (Okabe–Ito blue), 4.9:1 on white.
pub const DEFAULT_PRIMARY: &str = "#0072B2";
/// A logo is shown at most this large (CSS px at 1×); the PNG may be 2× that.
pub const LOGO_MAX_BYTES: usize = 200 * 1024;
pub const LOGO_MAX_WIDTH: u32 = 1200;
pub const LOGO_MAX_HEIGHT: u32 = 400;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Brand {
    /// `#RRGGBB`, with at least 4.5:1 contrast on white.
    pub primary: Option<String>,
    /// Where the logo is: a path (relative to the reports file) or `s3://bucket/key`.
    pub logo_source: Option<String>,
    /// The logo, read and checked when the deployment loads.
    pub logo: Option<Arc<Logo>>,
    pub sender_name: Option<String>,
    pub reply_to: Option<String>,
    pub footer: Option<String>,
    pub subject: Option<SubjectTemplate>,
}

impl Brand {
    pub fn primary(&self) -> &str {
        self.primary.as_deref().unwrap_or(DEFAULT_PRIMARY)
    }
}

/// A checked PNG logo.
#[derive(Clone, PartialEq)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({}×{}, {} bytes)", self.width, self.height, self.png.len())
    }
}

impl Logo {
    /// Checks that `bytes` are a PNG of a sensible size. SVG is refused: Gmail and
    /// Outlook do not show SVG images in mail.
    pub fn check(bytes: Vec<u8>) -> Result<Logo, String> {
        if bytes.len() > LOGO_MAX_BYTES {
            return Err(format!("is {} KB; a logo may be at most {} KB", bytes.len() / 1024, LOGO_MAX_BYTES / 1024));
        }
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let reader = decoder
            .read_info()
            .map_err(|_| "is not a PNG image (SVG and other formats are not shown by many mail clients)".to_string())?;
        let (width, height) = (reader.info().width, reader.info().height);
        if width > LOGO_MAX_WIDTH || height > LOGO_MAX_HEIGHT || width == 0 || height == 0 {
            return Err(format!("is {width}×{height} px; at most {LOGO_MAX_WIDTH}×{LOGO_MAX_HEIGHT}"));
        }
        Ok(Logo { png: bytes, width, height })
    }
}

/// A subject such as `{report} · {period}`, checked for its placeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectTemplate(String);

impl SubjectTemplate {
    pub fn parse(text: &str) -> Result<SubjectTemplate, String> {
        if text.chars().any(char::is_control) {
            return Err("must be one line (no control characters)".into());
        }
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err("has a '}' without its '{'".into());
            }
            let close = rest[open..].find('}').ok_or("has a '{' without its '}'")? + open;
            let name = &rest[open + 1..close];
            if !SUBJECT_PLACEHOLDERS.contains(&name) {
                return Err(format!("uses {{{name}}}; the placeholders are {{report}}, {{period}} and {{kind}}"));
            }
            rest = &rest[close + 1..];
        }
        if text.trim().is_empty() || text.chars().count() > 200 {
            return Err("must have 1 to 200 characters".into());
        }
        Ok(SubjectTemplate(text.to_string()))
    }

    pub fn render(&self, report: &str, period: &str, kind: &str) -> String {
        self.0.replace("{report}", report).replace("{period}", period).replace("{kind}", kind)
    }
}

/// `#RRGGBB` → its WCAG relative luminance.
fn luminance(hex: &str) -> Option<f64> {
    let hex = hex.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let channel = |i: usize| -> Option<f64> {
        let c = u8::from_str_radix(&hex[i..i + 2], 16).ok()? as f64 / 255.0;
        Some(if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// The WCAG contrast ratio of `hex` against white.
pub fn contrast_on_white(hex: &str) -> Option<f64> {
    luminance(hex).map(|l| 1.05 / (l + 0.05))
}

/// A primary colour readable as text and links on white (WCAG AA, 4.5:1).
pub fn check_primary(hex: &str) -> Result<String, String> {
    let ratio = contrast_on_white(hex).ok_or_else(|| format!("'{hex}' is not a colour like #0072B2"))?;
    if ratio < 4.5 {
        return Err(format!(
            "'{hex}' has a contrast of {ratio:.1}:1 on white; text and links need at least 4.5:1 (pick a darker shade)"
        ));
    }
    Ok(hex.to_ascii_uppercase())
}

/// A one-line header value (a display name, a footer line): no line breaks, so
/// nothing can be smuggled into the message's headers.
pub fn check_line(value: &str, max: usize) -> Result<String, String> {
    if value.chars().any(char::is_control) {
        return Err("must be one line: line breaks and control characters are refused".into());
    }
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(format!("must have 1 to {max} characters"));
    }
    Ok(value.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_measured_as_wcag_does() {
        assert!((contrast_on_white("#000000").unwrap() - 21.0).abs() < 0.01);
        assert!((contrast_on_white("#FFFFFF").unwrap() - 1.0).abs() < 0.01);
        assert!(check_primary(DEFAULT_PRIMARY).is_ok());
        let err = check_primary("#FFD700").unwrap_err();
        assert!(err.contains("contrast of 1.4:1"), "{err}");
        assert!(check_primary("teal").is_err());
    }

    #[test]
    fn subject_templates_know_their_placeholders_and_refuse_injection() {
        let t = SubjectTemplate::parse("{report} · {period}").unwrap();
        assert_eq!(t.render("Brand A", "16–22 Nov 2026", "Weekly report"), "Brand A · 16–22 Nov 2026");
        assert!(SubjectTemplate::parse("{reprot}").unwrap_err().contains("uses {reprot}"));
        assert!(SubjectTemplate::parse("{report").is_err());
        assert!(SubjectTemplate::parse("x}").is_err());
        assert!(SubjectTemplate::parse("Hi\r\nBcc: all@x.com").unwrap_err().contains("one line"));
        assert!(check_line("Brand A\nBcc: x@y.z", 80).is_err());
    }
}
