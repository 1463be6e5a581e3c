//! The fourth step: pure renderers that turn a `Report` into bytes.
//!
//! Charts return PNG bytes, templates return strings, the PDF returns bytes;
//! nothing here does I/O. Templates, fonts and the Typst library are built once
//! per process in `Renderer::new`.

pub mod charts;
pub mod csv;
pub mod email;
pub mod fonts;
pub mod html;
pub mod pdf;
pub mod png;
pub mod xlsx;

use crate::report::Report;
pub use charts::Chart;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    #[error(transparent)]
    Template(#[from] html::TemplateError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error("writing data.csv: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("writing data.xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("composing the email: {0}")]
    Email(#[from] std::io::Error),
}

/// Templates and PDF engine, built once and reused for every report.
pub struct Renderer {
    templates: html::Templates,
    pdf: pdf::PdfEngine,
}

impl Renderer {
    pub fn new() -> Result<Renderer, RenderError> {
        fonts::register_chart_fonts();
        Ok(Renderer { templates: html::Templates::new()?, pdf: pdf::PdfEngine::new() })
    }

    pub fn charts(&self, report: &Report) -> Result<Vec<Chart>, RenderError> {
        Ok(charts::render_all(report)?)
    }

    /// Email HTML, plain text and the full HTML report; `link` is the "view online" address.
    pub fn html(
        &self,
        report: &Report,
        charts: &[Chart],
        link: Option<&str>,
    ) -> Result<(String, String, String), RenderError> {
        Ok((
            self.templates.email_html(report, charts, link)?,
            self.templates.email_text(report, link)?,
            self.templates.report_html(report, charts)?,
        ))
    }

    pub fn pdf(&self, report: &Report, charts: &[Chart], logo: Option<&[u8]>) -> Result<Vec<u8>, RenderError> {
        Ok(self.pdf.render(report, charts, logo)?)
    }

    pub fn xlsx(&self, report: &Report) -> Result<Vec<u8>, RenderError> {
        Ok(xlsx::workbook(report)?)
    }

    pub fn csv(&self, report: &Report) -> Result<Vec<u8>, RenderError> {
        Ok(csv::data_csv(report)?)
    }
}
