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
    let l = report.meta.locale;
    let f = formats();
    let mut book = Workbook::new();
    let has = |field| report.coverage.has(field);

    let kpis = book.add_worksheet().set_name(l.text("xlsx_key_figures"))?;
    header(
        kpis,
        &f,
        &[&l.text("xlsx_figure"), &l.text("xlsx_this_period"), &l.text("xlsx_previous_period"), &l.text("xlsx_unit")],
    )?;
    for (i, k) in report.kpis.iter().enumerate() {
        let row = i as u32 + 1;
        // Percentages are stored as fractions, so Excel's % format and arithmetic agree.
        let (scale, format, unit) = match k.unit {
            Unit::Count => (1.0, &f.count, l.text("xlsx_unit_count")),
            Unit::Decimal => (1.0, &f.decimal, l.text("xlsx_unit_ratio")),
            Unit::Minutes => (1.0, &f.minutes, l.text("axis_minutes")),
            Unit::Rating => (1.0, &f.rating, l.text("xlsx_unit_rating")),
            Unit::Percent => (0.01, &f.percent, l.text("xlsx_unit_share")),
        };
        kpis.write(row, 0, k.label.as_str())?;
        number(kpis, row, 1, k.value.map(|v| v * scale), format)?;
        number(kpis, row, 2, k.previous.map(|v| v * scale), format)?;
        kpis.write(row, 3, unit)?;
    }

    let weekly = report.meta.interval == "1 week";
    let first = NaiveDate::parse_from_str(&report.meta.first_day, "%Y-%m-%d").ok();
    let days = book.add_worksheet().set_name(l.text(if weekly { "xlsx_by_week" } else { "xlsx_by_day" }))?;
    type Column<'a> = (String, Field, fn(&crate::report::Row) -> Option<f64>, &'a Format);
    let columns: Vec<Column> = vec![
        (l.text("kpi_sessions"), Field::Sessions, |r| Some(r.sessions as f64), &f.count),
        (l.text("kpi_users"), Field::Users, |r| Some(r.users as f64), &f.count),
        (l.text("kpi_messages"), Field::Messages, |r| Some(r.messages as f64), &f.count),
        (l.text("kpi_agent_replies"), Field::AgentReplies, |r| Some(r.agent_replies as f64), &f.count),
        (l.text("kpi_closed_sessions"), Field::OpenClosed, |r| Some(r.closed as f64), &f.count),
        (l.text("xlsx_avg_response_min"), Field::ResponseTimes, |r| r.avg_response, &f.minutes),
        (l.text("kpi_ratings"), Field::Ratings, |r| Some(r.ratings as f64), &f.count),
        (l.text("kpi_avg_rating"), Field::Ratings, |r| r.avg_rating, &f.rating),
    ];
    let columns: Vec<&Column> = columns.iter().filter(|c| has(c.1)).collect();
    let first_title = l.text(if weekly { "xlsx_week_of" } else { "col_day" });
    let mut titles = vec![first_title.as_str()];
    titles.extend(columns.iter().map(|c| c.0.as_str()));
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
        let intents = book.add_worksheet().set_name(l.text("chart_intents"))?;
        header(
            intents,
            &f,
            &[&l.text("xlsx_intent"), &l.text("xlsx_uses"), &l.text("xlsx_share"), &l.text("xlsx_previous_period")],
        )?;
        for (i, intent) in report.intents.iter().enumerate() {
            let row = i as u32 + 1;
            intents.write(row, 0, intent.name.as_str())?;
            number(intents, row, 1, Some(intent.count as f64), &f.count)?;
            number(intents, row, 2, Some(intent.share / 100.0), &f.percent)?;
            number(intents, row, 3, intent.previous.map(|p| p as f64), &f.count)?;
        }
    }

    if !report.trends.is_empty() {
        let trends = book.add_worksheet().set_name(l.text("xlsx_trends"))?;
        let first_title = l.text(if report.meta.kind == "monthly" { "xlsx_month" } else { "xlsx_week_of" });
        let mut titles = vec![first_title.as_str()];
        titles.extend(report.trends.iter().map(|t| t.label.as_str()));
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
        let sheet = book.add_worksheet().set_name(l.text("xlsx_ai_agents"))?;
        header(
            sheet,
            &f,
            &[&l.text("xlsx_ai_agent"), &l.text("kpi_sessions"), &l.text("kpi_containment"), &l.text("kpi_coverage")],
        )?;
        for (i, agent) in ai.agents.iter().enumerate() {
            let row = i as u32 + 1;
            sheet.write(row, 0, agent.id.as_str())?;
            number(sheet, row, 1, Some(agent.sessions as f64), &f.count)?;
            number(sheet, row, 2, agent.containment, &f.percent)?;
            number(sheet, row, 3, agent.coverage, &f.percent)?;
        }
        if !ai.distribution.is_empty() {
            let sheet = book.add_worksheet().set_name(l.text("xlsx_ai_messages"))?;
            header(sheet, &f, &[&l.text("kpi_messages"), &l.text("kpi_sessions"), &l.text("xlsx_share")])?;
            for (i, bar) in ai.distribution.iter().enumerate() {
                let row = i as u32 + 1;
                sheet.write(row, 0, bar.label)?;
                number(sheet, row, 1, Some(bar.count as f64), &f.count)?;
                number(sheet, row, 2, Some(bar.share / 100.0), &f.percent)?;
            }
        }
    }

    if has(Field::Feedback) {
        let sheet = book.add_worksheet().set_name(l.text("kpi_ratings"))?;
        header(sheet, &f, &[&l.text("xlsx_rating"), &l.text("xlsx_count"), &l.text("xlsx_share")])?;
        for (i, (rating, count, share)) in report.ratings.distribution.iter().enumerate() {
            let row = i as u32 + 1;
            number(sheet, row, 0, Some(*rating as f64), &f.count)?;
            number(sheet, row, 1, Some(*count as f64), &f.count)?;
            number(sheet, row, 2, Some(share / 100.0), &f.percent)?;
        }
    }

    if has(Field::Hourly) {
        let sheet = book.add_worksheet().set_name(l.text("section_messages_per_hour"))?;
        let hours: Vec<String> = (0..24).map(|h| format!("{h:02}:00")).collect();
        let weekday = l.text("xlsx_weekday");
        let mut titles = vec![weekday.as_str()];
        titles.extend(hours.iter().map(String::as_str));
        header(sheet, &f, &titles)?;
        for d in 0..7 {
            sheet.write(d as u32 + 1, 0, l.text(&format!("weekday_{}", d + 1)))?;
            for (h, count) in report.heatmap.cells[d].iter().enumerate() {
                number(sheet, d as u32 + 1, h as u16 + 1, Some(*count as f64), &f.count)?;
            }
        }
    }
    book.save_to_buffer()
}
