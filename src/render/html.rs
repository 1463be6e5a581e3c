//! HTML and plain text from the Tera templates embedded in the binary.
//!
//! Tera escapes every value in `.html` templates, so intent names, agent names
//! and feedback reach the page as text, never as markup.

use super::charts::{Chart, DISPLAY_WIDTH};
use crate::report::{kpi::Kpi, Report};
use serde::Serialize;
use tera::{Context, Tera};

const TEMPLATES: &[(&str, &str)] = &[
    ("email.html", include_str!("../../templates/email.html")),
    ("email.txt", include_str!("../../templates/email.txt")),
    ("report.html", include_str!("../../templates/report.html")),
];

/// KPI cards per row in the email; three fit a phone and a desktop client.
const KPIS_PER_ROW: usize = 3;

#[derive(Debug, thiserror::Error)]
#[error("rendering template {template}: {detail}")]
pub struct TemplateError {
    template: &'static str,
    detail: String,
}

#[derive(Serialize)]
struct ChartView<'a> {
    name: &'a str,
    alt: &'a str,
    cid: String,
    src: String,
}

pub struct Templates {
    tera: Tera,
}

impl Templates {
    pub fn new() -> Result<Templates, TemplateError> {
        let mut tera = Tera::default();
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(|e| TemplateError { template: "(all)", detail: chain(&e) })?;
        Ok(Templates { tera })
    }

    fn render<'a>(
        &self,
        template: &'static str,
        report: &Report,
        charts: &'a [Chart],
        link: Option<&str>,
    ) -> Result<String, TemplateError> {
        let mut context = Context::new();
        context.insert("link", &link);
        context.insert("report", report);
        let kpi_rows: Vec<&[Kpi]> = report.kpis.chunks(KPIS_PER_ROW).collect();
        context.insert("kpi_rows", &kpi_rows);
        let view = |c: &'a Chart| ChartView {
            name: c.name,
            alt: &c.alt,
            cid: c.content_id(),
            src: format!("charts/{}", c.file_name()),
        };
        // The AI-agent chart sits in its own section, sparklines in their KPI cards.
        let views: Vec<ChartView> =
            charts.iter().filter(|c| c.spark.is_none() && c.name != "ai_distribution").map(view).collect();
        context.insert("ai_chart", &charts.iter().find(|c| c.name == "ai_distribution").map(view));
        // Each KPI card finds its sparkline by the KPI's key.
        let sparks: std::collections::HashMap<&str, ChartView> =
            charts.iter().filter_map(|c| Some((c.spark?, view(c)))).collect();
        context.insert("charts", &views);
        context.insert("sparks", &sparks);
        context.insert("spark_width", &(super::charts::SPARK_WIDTH / 2));
        context.insert("spark_height", &(super::charts::SPARK_HEIGHT / 2));
        context.insert("display_width", &DISPLAY_WIDTH);
        // Every fixed word of the templates, in the report's language: `{{ t.key }}`.
        context.insert("t", report.meta.locale.labels());
        let preheader: Vec<String> =
            report.kpis.iter().take(3).map(|k| format!("{} {} ({})", k.label, k.display, k.change.text)).collect();
        context.insert("preheader", &preheader.join(" · "));
        self.tera.render(template, &context).map_err(|e| TemplateError { template, detail: chain(&e) })
    }

    /// The email body; images are referenced by `cid:`.
    pub fn email_html(&self, report: &Report, charts: &[Chart], link: Option<&str>) -> Result<String, TemplateError> {
        self.render("email.html", report, charts, link)
    }

    /// The plain-text alternative with every KPI.
    pub fn email_text(&self, report: &Report, link: Option<&str>) -> Result<String, TemplateError> {
        self.render("email.txt", report, &[], link)
    }

    /// The full report, with charts beside it under `charts/`.
    pub fn report_html(&self, report: &Report, charts: &[Chart]) -> Result<String, TemplateError> {
        self.render("report.html", report, charts, None)
    }
}

/// Tera hides the useful part of an error in its sources.
fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}
