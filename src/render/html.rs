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

    fn render(
        &self,
        template: &'static str,
        report: &Report,
        charts: &[Chart],
        link: Option<&str>,
    ) -> Result<String, TemplateError> {
        let mut context = Context::new();
        context.insert("link", &link);
        context.insert("report", report);
        let kpi_rows: Vec<&[Kpi]> = report.kpis.chunks(KPIS_PER_ROW).collect();
        context.insert("kpi_rows", &kpi_rows);
        let views: Vec<ChartView> = charts
            .iter()
            .map(|c| ChartView {
                name: c.name,
                alt: &c.alt,
                cid: c.content_id(),
                src: format!("charts/{}", c.file_name()),
            })
            .collect();
        context.insert("charts", &views);
        context.insert("display_width", &DISPLAY_WIDTH);
        context.insert("check_hint", crate::report::coverage::CHECK_HINT);
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
