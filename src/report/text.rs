//! Text as every output needs it: cut to a length, kept on one line.

/// `text` cut to at most `max` characters, ending in "…" when cut. Counted in
/// characters, not bytes, so a cut never splits one.
pub fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Line breaks and other control characters out of a one-line string, so a
/// hostile name cannot start a new block, heading or list item.
pub fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_counts_characters_and_marks_the_cut() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("Änderung der Lieferadresse", 10), "Änderung…");
        assert_eq!(clip("ab cd", 4), "ab…");
        assert_eq!(clip("🙂🙂🙂🙂", 3), "🙂🙂…");
        assert_eq!(one_line("a\nb\r\tc"), "a b  c");
    }
}
