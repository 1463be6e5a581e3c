//! The PDF, typeset in-process by Typst from `templates/report.typ`.
//!
//! The template reads the report as `data.json` and the charts as PNG files
//! from a small in-memory `World`; nothing touches the disk or the network.
//! Fonts and the standard library are loaded once per process (`PdfEngine`).

use super::charts::Chart;
use super::fonts;
use crate::report::Report;
use serde::Serialize;
use std::collections::HashMap;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("../../templates/report.typ");

#[derive(Debug, thiserror::Error)]
#[error("typesetting the PDF: {0}")]
pub struct PdfError(String);

/// Fonts and the Typst library, built once and shared by every report.
pub struct PdfEngine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl Default for PdfEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl PdfEngine {
    pub fn new() -> PdfEngine {
        let fonts: Vec<Font> = fonts::ALL.iter().flat_map(|bytes| Font::iter(Bytes::new(*bytes))).collect();
        PdfEngine {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    }

    /// Typesets the report with its charts into PDF bytes.
    pub fn render(&self, report: &Report, charts: &[Chart], logo: Option<&[u8]>) -> Result<Vec<u8>, PdfError> {
        #[derive(Serialize)]
        struct ChartRef<'a> {
            file: String,
            alt: &'a str,
            name: &'a str,
            spark: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Data<'a> {
            report: &'a Report,
            charts: Vec<ChartRef<'a>>,
            /// Every fixed word of the template, in the report's language.
            t: &'static std::collections::BTreeMap<String, String>,
        }
        let data = Data {
            report,
            charts: charts
                .iter()
                .map(|c| ChartRef {
                    // Vectors where there are some: sharp in print and a fraction of the pixels' bytes.
                    file: if c.svg.is_some() { format!("{}.svg", c.name) } else { c.file_name() },
                    alt: &c.alt,
                    name: c.name,
                    spark: c.spark,
                })
                .collect(),
            t: report.meta.locale.labels(),
        };
        let json = serde_json::to_vec(&data).map_err(|e| PdfError(e.to_string()))?;

        let mut files = HashMap::new();
        files.insert(file_id("/data.json")?, Bytes::new(json));
        for chart in charts {
            match &chart.svg {
                Some(svg) => {
                    files.insert(file_id(&format!("/charts/{}.svg", chart.name))?, Bytes::new(svg.clone().into_bytes()))
                }
                None => {
                    files.insert(file_id(&format!("/charts/{}", chart.file_name()))?, Bytes::new(chart.png.clone()))
                }
            };
        }
        if let Some(logo) = logo {
            files.insert(file_id("/logo.png")?, Bytes::new(logo.to_vec()));
        }
        let main = file_id("/report.typ")?;
        let world = ReportWorld { engine: self, main: Source::new(main, TEMPLATE.to_string()), files };

        let document = typst::compile::<PagedDocument>(&world).output.map_err(|errors| PdfError(describe(&errors)))?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| PdfError(describe(&errors)))
    }
}

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path).map_err(|e| PdfError(format!("{path}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

fn describe(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| {
            let hints: String = e.hints.iter().map(|h| format!(" (hint: {})", h.v)).collect();
            format!("{}{hints}", e.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

struct ReportWorld<'a> {
    engine: &'a PdfEngine,
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.get().vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // The report states its own dates; a template that asks for "today" is a bug.
        None
    }
}
