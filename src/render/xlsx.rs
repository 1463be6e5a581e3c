//! `data.xlsx`: the report's numbers as a workbook, one sheet per series, with
//! real dates and number formats (counts grouped, minutes with one decimal,
//! shares as percentages), made with `rust_xlsxwriter`.

use crate::analytics::Field;
use crate::report::kpi::Unit;
use crate::report::Report;
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct Formats {
    head: Format,
    count: Format,
    decimal: Format,
    minutes: Format,
    rating: Format,
    percent: Format,
    date: Format,
}

fn formats() -> Formats {
    Formats {
        head: Format::new().set_bold(),
        count: Format::new().set_num_format("#,##0"),
        decimal: Format::new().set_num_format("0.0"),
        minutes: Format::new().set_num_format("0.00"),
        rating: Format::new().set_num_format("0.00"),
        percent: Format::new().set_num_format("0.0%"),
        date: Format::new().set_num_format("ddd d mmm yyyy"),
    }
}

fn header(sheet: &mut Worksheet, f: &Formats, titles: &[&str]) -> Result<(), XlsxError> {
    for (c, title) in titles.iter().enumerate() {
        sheet.write_with_format(0, c as u16, *title, &f.head)?;
        sheet.set_column_width(c as u16, if c == 0 { 24 } else { 14 })?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn number(sheet: &mut Worksheet, row: u32, col: u16, value: Option<f64>, format: &Format) -> Result<(), XlsxError> {
    match value {
        Some(v) if v.is_finite() => sheet.write_number_with_format(row, col, v, format).map(|_| ()),
        // An empty cell, not a zero: nothing was measured.
        _ => Ok(()),
    }
}

fn date(day: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)
}

pub fn workbook(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let f = formats();
    let mut book = Workbook::new();
    let has = |field| report.coverage.has(field);

    let kpis = book.add_worksheet().set_name("Key figures")?;
    header(kpis, &f, &["Figure", "This period", "Previous period", "Unit"])?;
    for (i, k) in report.kpis.iter().enumerate() {
        let row = i as u32 + 1;
        // Percentages are stored as fractions, so Excel's % format and arithmetic agree.
        let (scale, format, unit) = match k.unit {
            Unit::Count => (1.0, &f.count, "count"),
            Unit::Decimal => (1.0, &f.decimal, "ratio"),
            Unit::Minutes => (1.0, &f.minutes, "minutes"),
            Unit::Rating => (1.0, &f.rating, "rating 1–5"),
            Unit::Percent => (0.01, &f.percent, "share"),
        };
        kpis.write(row, 0, k.label)?;
        number(kpis, row, 1, k.value.map(|v| v * scale), format)?;
        number(kpis, row, 2, k.previous.map(|v| v * scale), format)?;
        kpis.write(row, 3, unit)?;
    }

    let weekly = report.meta.interval == "1 week";
    let first = NaiveDate::parse_from_str(&report.meta.first_day, "%Y-%m-%d").ok();
    let days = book.add_worksheet().set_name(if weekly { "By week" } else { "By day" })?;
    type Column<'a> = (&'a str, Field, fn(&crate::report::Row) -> Option<f64>, &'a Format);
    let columns: Vec<Column> = vec![
        ("Sessions", Field::Sessions, |r| Some(r.sessions as f64), &f.count),
        ("Users", Field::Users, |r| Some(r.users as f64), &f.count),
        ("User messages", Field::Messages, |r| Some(r.messages as f64), &f.count),
        ("Agent replies", Field::AgentReplies, |r| Some(r.agent_replies as f64), &f.count),
        ("Closed by agents", Field::OpenClosed, |r| Some(r.closed as f64), &f.count),
        ("Avg response (min)", Field::ResponseTimes, |r| r.avg_response, &f.minutes),
        ("Ratings", Field::Ratings, |r| Some(r.ratings as f64), &f.count),
        ("Avg rating", Field::Ratings, |r| r.avg_rating, &f.rating),
    ];
    let columns: Vec<&Column> = columns.iter().filter(|c| has(c.1)).collect();
    let mut titles = vec![if weekly { "Week of" } else { "Day" }];
    titles.extend(columns.iter().map(|c| c.0));
    header(days, &f, &titles)?;
    for (i, r) in report.rows.iter().enumerate() {
        let row = i as u32 + 1;
        let step = if weekly { 7 } else { 1 };
        match first.and_then(|d| d.checked_add_days(chrono::Days::new((i * step) as u64))) {
            Some(day) => days.write_with_format(row, 0, &date(day)?, &f.date)?,
            None => days.write(row, 0, r.label.as_str())?,
        };
        for (c, column) in columns.iter().enumerate() {
            number(days, row, c as u16 + 1, (column.2)(r), column.3)?;
        }
    }

    if has(Field::TopIntents) {
        let intents = book.add_worksheet().set_name("Top intents")?;
        header(intents, &f, &["Intent", "Uses", "Share", "Previous period"])?;
        for (i, intent) in report.intents.iter().enumerate() {
            let row = i as u32 + 1;
            intents.write(row, 0, intent.name.as_str())?;
            number(intents, row, 1, Some(intent.count as f64), &f.count)?;
            number(intents, row, 2, Some(intent.share / 100.0), &f.percent)?;
            number(intents, row, 3, intent.previous.map(|p| p as f64), &f.count)?;
        }
    }

    if !report.trends.is_empty() {
        let trends = book.add_worksheet().set_name("Trends")?;
        let mut titles = vec![if report.meta.kind == "monthly" { "Month" } else { "Week of" }];
        titles.extend(report.trends.iter().map(|t| t.label));
        header(trends, &f, &titles)?;
        for (i, point) in report.trends[0].points.iter().enumerate() {
            trends.write(i as u32 + 1, 0, point.label.as_str())?;
        }
        for (c, trend) in report.trends.iter().enumerate() {
            let format = match trend.key {
                "avg_response" => &f.minutes,
                "avg_rating" => &f.rating,
                _ => &f.count,
            };
            for (i, point) in trend.points.iter().enumerate() {
                number(trends, i as u32 + 1, c as u16 + 1, point.value, format)?;
            }
        }
    }

    if let Some(ai) = &report.ai {
        let sheet = book.add_worksheet().set_name("AI agents")?;
        header(sheet, &f, &["AI agent", "Sessions", "Containment", "Coverage"])?;
        for (i, agent) in ai.agents.iter().enumerate() {
            let row = i as u32 + 1;
            sheet.write(row, 0, agent.id.as_str())?;
            number(sheet, row, 1, Some(agent.sessions as f64), &f.count)?;
            number(sheet, row, 2, agent.containment, &f.percent)?;
            number(sheet, row, 3, agent.coverage, &f.percent)?;
        }
        if !ai.distribution.is_empty() {
            let sheet = book.add_worksheet().set_name("AI messages per session")?;
            header(sheet, &f, &["User messages", "Sessions", "Share"])?;
            for (i, bar) in ai.distribution.iter().enumerate() {
                let row = i as u32 + 1;
                sheet.write(row, 0, bar.label)?;
                number(sheet, row, 1, Some(bar.count as f64), &f.count)?;
                number(sheet, row, 2, Some(bar.share / 100.0), &f.percent)?;
            }
        }
    }

    if has(Field::Feedback) {
        let sheet = book.add_worksheet().set_name("Ratings")?;
        header(sheet, &f, &["Rating", "Count", "Share"])?;
        for (i, (rating, count, share)) in report.ratings.distribution.iter().enumerate() {
            let row = i as u32 + 1;
            number(sheet, row, 0, Some(*rating as f64), &f.count)?;
            number(sheet, row, 1, Some(*count as f64), &f.count)?;
            number(sheet, row, 2, Some(share / 100.0), &f.percent)?;
        }
    }

    if has(Field::Hourly) {
        let sheet = book.add_worksheet().set_name("Messages per hour")?;
        let hours: Vec<String> = (0..24).map(|h| format!("{h:02}:00")).collect();
        let mut titles = vec!["Weekday"];
        titles.extend(hours.iter().map(String::as_str));
        header(sheet, &f, &titles)?;
        for (d, name) in
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].iter().enumerate()
        {
            sheet.write(d as u32 + 1, 0, *name)?;
            for (h, count) in report.heatmap.cells[d].iter().enumerate() {
                number(sheet, d as u32 + 1, h as u16 + 1, Some(*count as f64), &f.count)?;
            }
        }
    }
    book.save_to_buffer()
}
