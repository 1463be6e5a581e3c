//! The Slack message: Block Kit for an incoming webhook, within Slack's limits
//! (50 blocks, 150 characters of header, 10 fields of 2,000 and 3,000 per text).

use super::digest::{clip, one_line, Digest};
use serde_json::{json, Value};

const HEADER_MAX: usize = 150;
const FIELDS_PER_SECTION: usize = 10;
const TEXT_MAX: usize = 3000;
const BUTTON_URL_MAX: usize = 3000;
/// Intent names are user data and can be long; a chat line stays readable.
const NAME_MAX: usize = 60;

/// Slack's mrkdwn control characters. Escaping them keeps a hostile name from
/// pinging (`<!channel>`) or linking (`<https://…|…>`); `*_~` stay literal enough.
pub fn escape(text: &str) -> String {
    one_line(text).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn mrkdwn(text: String) -> Value {
    json!({ "type": "mrkdwn", "text": clip(&text, TEXT_MAX) })
}

pub fn message(digest: &Digest) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": clip(&one_line(&digest.title), HEADER_MAX), "emoji": false }
    })];
    let mut context = format!("{} {}", digest.words.compared_with, escape(&clip(&digest.previous, 200)));
    if digest.demo {
        context.push_str(&format!(" · *{}*", digest.words.demo));
    }
    blocks.push(json!({ "type": "context", "elements": [mrkdwn(context)] }));
    if !digest.left_out.is_empty() {
        let lines: Vec<String> =
            digest.left_out.iter().take(20).map(|l| format!("• {}", escape(&clip(l, 120)))).collect();
        blocks.push(json!({
            "type": "section",
            "text": mrkdwn(format!(":warning: *{}*\n{}", digest.words.missing, lines.join("\n")))
        }));
    }
    for chunk in digest.figures.chunks(FIELDS_PER_SECTION) {
        let fields: Vec<Value> = chunk
            .iter()
            .map(|f| {
                let change = if f.change.is_empty() { String::new() } else { format!("  {}", escape(&f.change)) };
                json!({ "type": "mrkdwn", "text": format!("*{}*\n{}{change}", escape(&clip(&f.label, 200)), escape(&clip(&f.value, 200))) })
            })
            .collect();
        blocks.push(json!({ "type": "section", "fields": fields }));
    }
    if !digest.intents.is_empty() {
        let lines: Vec<String> = digest
            .intents
            .iter()
            .enumerate()
            .map(|(i, intent)| {
                format!(
                    "{}. {} · {} ({})",
                    i + 1,
                    escape(&clip(&intent.name, NAME_MAX)),
                    intent.count,
                    escape(&intent.change)
                )
            })
            .collect();
        blocks.push(json!({ "type": "divider" }));
        blocks.push(json!({ "type": "section", "text": mrkdwn(format!("*{}*\n{}", digest.words.top_intents, lines.join("\n"))) }));
    }
    match digest.link.as_deref() {
        Some(url) if url.len() <= BUTTON_URL_MAX => blocks.push(json!({
            "type": "actions",
            "elements": [{
                "type": "button",
                "text": { "type": "plain_text", "text": digest.words.open_report },
                "url": url,
                "style": "primary"
            }]
        })),
        _ => {}
    }
    // The top-level text is what notifications and screen readers show.
    json!({ "text": escape(&clip(&format!("{} · {}", digest.title, digest.period), 500)), "blocks": blocks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::digest::fixture::hostile;

    #[test]
    fn hostile_names_cannot_ping_link_or_break_the_limits() {
        let message = message(&hostile());
        let text = message.to_string();
        assert!(!text.contains("<!channel>"), "{text}");
        assert!(text.contains("&lt;!channel&gt; ping"), "{text}");
        assert!(!text.contains("<https://evil"), "{text}");
        let blocks = message["blocks"].as_array().unwrap();
        assert!(blocks.len() <= 50);
        // Twelve figures: two sections, 10 fields and 2.
        let field_counts: Vec<usize> =
            blocks.iter().filter_map(|b| b.get("fields")).map(|f| f.as_array().unwrap().len()).collect();
        assert_eq!(field_counts, [10, 2]);
        let intents =
            blocks.iter().find(|b| b["text"]["text"].as_str().is_some_and(|t| t.starts_with("*Top intents*")));
        let intents = intents.unwrap()["text"]["text"].as_str().unwrap();
        assert!(intents.contains(&format!("3. {}… · 3", "x".repeat(NAME_MAX - 1))), "{intents}");
        assert!(!intents.contains("\n# heading"), "a name stays on its line");
        let button = &blocks.last().unwrap()["elements"][0];
        assert_eq!(button["url"], hostile().link.unwrap(), "the link is kept whole, not escaped");
    }
}
