//! The Microsoft Teams message: an Adaptive Card (1.4) posted to a Workflows
//! webhook, well under Teams' 28 KB card limit.

use super::digest::{clip, one_line, Digest};
use serde_json::{json, Value};

/// Teams refuses cards above about 28 KB; ours are a few KB, and this is checked.
pub const CARD_MAX_BYTES: usize = 28 * 1024;
const NAME_MAX: usize = 60;

/// Adaptive Card text is Markdown: a backslash keeps a hostile name's `**`,
/// `[link](…)` or `_` from being formatting.
pub fn escape(text: &str) -> String {
    let text = one_line(text);
    let mut out = String::with_capacity(text.len() + 8);
    // A leading "- ", "+ " or "1. " would start a list.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if text.starts_with("- ") || text.starts_with("+ ") || (digits > 0 && text[digits..].starts_with(". ")) {
        out.push('\\');
    }
    for c in text.chars() {
        if "\\*_[]()~`#>".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn text(content: String) -> Value {
    json!({ "type": "TextBlock", "text": content, "wrap": true })
}

pub fn message(digest: &Digest) -> Value {
    let mut body = vec![
        json!({ "type": "TextBlock", "text": escape(&digest.title), "wrap": true, "weight": "Bolder", "size": "Large" }),
        json!({
            "type": "TextBlock",
            "text": format!(
                "{} {}{}",
                digest.words.compared_with,
                escape(&digest.previous),
                if digest.demo { format!(" · {}", digest.words.demo) } else { String::new() }
            ),
            "wrap": true,
            "isSubtle": true,
            "spacing": "None"
        }),
    ];
    if !digest.left_out.is_empty() {
        let lines: Vec<String> = digest.left_out.iter().map(|l| escape(l)).collect();
        body.push(json!({
            "type": "TextBlock",
            "text": format!("{}: {}", digest.words.missing, lines.join("; ")),
            "wrap": true,
            "color": "Attention"
        }));
    }
    let figures: Vec<Value> = digest
        .figures
        .iter()
        .map(|f| {
            let change = if f.change.is_empty() { String::new() } else { format!(" ({})", escape(&f.change)) };
            json!({ "title": escape(&f.label), "value": format!("{}{change}", escape(&f.value)) })
        })
        .collect();
    if !figures.is_empty() {
        body.push(json!({ "type": "FactSet", "facts": figures }));
    }
    if !digest.intents.is_empty() {
        let mut heading = text(digest.words.top_intents.clone());
        heading["weight"] = "Bolder".into();
        heading["spacing"] = "Medium".into();
        body.push(heading);
        let facts: Vec<Value> = digest
            .intents
            .iter()
            .map(|i| {
                json!({ "title": escape(&clip(&i.name, NAME_MAX)), "value": format!("{} ({})", i.count, escape(&i.change)) })
            })
            .collect();
        body.push(json!({ "type": "FactSet", "facts": facts }));
    }
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "msteams": { "width": "Full" }
    });
    if let Some(url) = &digest.link {
        card["actions"] = json!([{ "type": "Action.OpenUrl", "title": digest.words.open_report, "url": url }]);
    }
    json!({
        "type": "message",
        "attachments": [{ "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": card }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::digest::fixture::hostile;

    #[test]
    fn a_card_escapes_markdown_keeps_one_line_per_name_and_stays_small() {
        let message = message(&hostile());
        let card = &message["attachments"][0]["content"];
        assert_eq!(card["version"], "1.4");
        let facts = card["body"].as_array().unwrap().iter().filter(|e| e["type"] == "FactSet").collect::<Vec<_>>();
        let intents = facts[1]["facts"].as_array().unwrap();
        assert_eq!(intents[1]["title"], "\\[click\\]\\(https://evil.example\\) \\*\\*now\\*\\* \\# heading");
        assert_eq!(intents[2]["title"].as_str().unwrap().chars().count(), NAME_MAX);
        assert_eq!(intents[3]["title"], "\\1. first - listed", "not a list");
        assert_eq!(card["actions"][0]["url"], hostile().link.unwrap());
        assert!(serde_json::to_vec(&message).unwrap().len() < CARD_MAX_BYTES);
    }
}
