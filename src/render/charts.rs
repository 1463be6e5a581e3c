//! Charts as PNG bytes, sized for a 600 px wide email at 2× density.
//!
//! One builder chain per chart; colours come from the Okabe–Ito palette, which
//! stays distinguishable for the common kinds of colour blindness.

use super::fonts::{register_chart_fonts, CHART_FAMILY};
use crate::analytics::Interval;
use crate::locale::Locale;
use crate::report::{Report, Row};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Serialize;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 600;
/// The width the email shows a chart at; HTML uses it, the PNG has twice the pixels.
pub const DISPLAY_WIDTH: u32 = WIDTH / 2;

const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const INK: RGBColor = RGBColor(0x1F, 0x29, 0x37);
const GRID: RGBColor = RGBColor(0xE5, 0xE7, 0xEB);

// Sized for the smallest place a chart is shown: a phone's 343 px column and a half-width PDF column.
const TITLE_SIZE: u32 = 38;
const LABEL_SIZE: u32 = 30;
const LINE_WIDTH: u32 = 4;
/// Most date labels an axis shows before it thins them out.
const MAX_X_LABELS: usize = 8;

/// A rendered chart and what the email and PDF need to place it.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// File stem and Content-ID: `activity` → `charts/activity.png`, `cid:activity@moveo-reports`.
    pub name: &'static str,
    pub title: String,
    /// What the chart says, for readers with images off and screen readers.
    pub alt: String,
    #[serde(skip)]
    pub png: Vec<u8>,
    /// The same chart as SVG, for the PDF; sparklines have none (their PNG is tiny).
    #[serde(skip)]
    pub svg: Option<String>,
    pub width: u32,
    pub height: u32,
    /// A KPI's sparkline (its key), shown inside the KPI's card rather than as a chart.
    pub spark: Option<&'static str>,
}

impl Chart {
    pub fn file_name(&self) -> String {
        format!("{}.png", self.name)
    }

    pub fn content_id(&self) -> String {
        format!("{}@moveo-reports", self.name)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("drawing the {chart} chart: {detail}")]
pub struct ChartError {
    chart: &'static str,
    detail: String,
}

/// A drawing surface: the bitmap for the email, SVG for the PDF.
type Area<DB> = DrawingArea<DB, Shift>;
type Drawn = Result<(), Box<dyn std::error::Error>>;

/// One chart's drawing, run once per backend.
enum Paint<'r> {
    Activity(&'r Report),
    Intents(&'r Report),
    ResponseTimes(&'r Report),
    AgentReplies(&'r Report),
    Ratings(&'r Report),
    Heatmap(&'r Report),
    AiDistribution(&'r crate::report::ai::AiView, Locale),
}

impl Paint<'_> {
    fn on<DB: DrawingBackend>(&self, area: &Area<DB>) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        match self {
            Paint::Activity(report) => activity(area, report),
            Paint::Intents(report) => intents(area, report),
            Paint::ResponseTimes(report) => response_times(area, report),
            Paint::AgentReplies(report) => agent_replies(area, report),
            Paint::Ratings(report) => ratings(area, report),
            Paint::Heatmap(report) => heatmap(area, report),
            Paint::AiDistribution(ai, l) => ai_distribution(area, ai, *l),
        }
    }
}

/// Draws every chart of a report.
pub fn render_all(report: &Report) -> Result<Vec<Chart>, ChartError> {
    register_chart_fonts();
    let l = report.meta.locale;
    let rows = &report.rows;
    let total = |f: fn(&Row) -> u64| l.count(rows.iter().map(f).sum::<u64>() as i64);
    // Ranges longer than a quarter have a row per week, and every label says so.
    let weekly = report.meta.interval == Interval::Week.as_pg();
    let per = if weekly { "week" } else { "day" };
    let with = |alt: String| move |c: Chart| Chart { alt, ..c };
    let mut charts = vec![
        draw("activity", l.fmt("chart_activity", &[("per", per.into())]), 760, Paint::Activity(report)).map(with(
            l.fmt(
                "alt_activity",
                &[
                    ("sessions", total(|r| r.sessions).into()),
                    ("users", total(|r| r.users).into()),
                    ("messages", total(|r| r.messages).into()),
                    ("n", rows.len().into()),
                    ("per", per.into()),
                ],
            ),
        ))?,
        draw("intents", l.text("chart_intents"), HEIGHT, Paint::Intents(report)).map(with(
            match report.intents.first() {
                Some(top) => l.fmt(
                    "alt_intents",
                    &[
                        ("n", report.intents.len().into()),
                        ("intent", top.name.as_str().into()),
                        ("count", top.count_display.as_str().into()),
                    ],
                ),
                None => l.text("alt_intents_none"),
            },
        ))?,
        draw("response_times", l.text("chart_response_times"), HEIGHT, Paint::ResponseTimes(report)).map(with(
            l.fmt(
                "alt_response_times",
                &[
                    ("per", per.into()),
                    (
                        "average",
                        report.kpis.iter().find(|k| k.key == "avg_response").map_or("—", |k| k.display.as_str()).into(),
                    ),
                ],
            ),
        ))?,
        draw(
            "agent_replies",
            l.fmt("chart_agent_replies", &[("per", per.into())]),
            HEIGHT,
            Paint::AgentReplies(report),
        )
        .map(with(l.fmt("alt_agent_replies", &[("replies", total(|r| r.agent_replies).into())])))?,
        draw("ratings", l.text("chart_ratings"), HEIGHT, Paint::Ratings(report)).map(with({
            let counts: Vec<String> = report
                .ratings
                .distribution
                .iter()
                .map(|(r, n, _)| {
                    l.fmt("alt_ratings_count", &[("count", l.count(*n as i64).into()), ("stars", (*r).into())])
                })
                .collect();
            l.fmt("alt_ratings", &[("counts", counts.join(", ").into())])
        }))?,
        draw("messages_per_hour", l.text("chart_messages_per_hour"), 560, Paint::Heatmap(report))
            .map(with(l.fmt("alt_messages_per_hour", &[("busiest", report.heatmap.busiest.as_str().into())])))?,
    ];
    if let Some(ai) = report.ai.as_ref().filter(|ai| !ai.distribution.is_empty()) {
        let peak = ai.distribution.iter().max_by_key(|b| b.count).expect("not empty");
        charts.push(draw("ai_distribution", l.text("chart_ai_distribution"), 520, Paint::AiDistribution(ai, l)).map(
            with(l.fmt(
                "alt_ai_distribution",
                &[
                    ("share", l.percent(peak.share, 0).into()),
                    ("messages", peak.label.into()),
                    ("n", if peak.label == "1" { 1 } else { 2 }.into()),
                ],
            )),
        )?);
    }
    // A chart built from a query Moveo rejected would draw zeros as if they were data.
    charts.retain(|c| report.coverage.shows(c.name));
    for trend in &report.trends {
        if report.kpis.iter().any(|k| k.key == trend.key) {
            charts.push(sparkline(l, trend)?);
        }
    }
    Ok(charts)
}

pub const SPARK_WIDTH: u32 = 240;
pub const SPARK_HEIGHT: u32 = 64;

/// A KPI's last 8 weeks or 6 months as a small line, the latest point marked.
fn sparkline(l: Locale, trend: &crate::report::trend::Trend) -> Result<Chart, ChartError> {
    let name: &'static str = match trend.key {
        "sessions" => "trend_sessions",
        "users" => "trend_users",
        "messages" => "trend_messages",
        "agent_replies" => "trend_agent_replies",
        "avg_response" => "trend_avg_response",
        "avg_rating" => "trend_avg_rating",
        _ => "trend",
    };
    let fail = |e: &dyn std::fmt::Display| ChartError { chart: name, detail: e.to_string() };
    let (w, h) = (SPARK_WIDTH, SPARK_HEIGHT);
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    let points: Vec<(f64, f64)> =
        trend.points.iter().enumerate().filter_map(|(i, p)| p.value.map(|v| (i as f64, v))).collect();
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let (lo, hi) = points.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &(_, v)| (lo.min(v), hi.max(v)));
        let (lo, hi) = if points.is_empty() {
            (0.0, 1.0)
        } else if hi - lo < 1e-9 {
            (lo - 1.0, hi + 1.0)
        } else {
            (lo, hi)
        };
        let pad = (hi - lo) * 0.15;
        let n = trend.points.len().max(2) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .build_cartesian_2d(-0.2..n - 0.8, (lo - pad)..(hi + pad))
            .map_err(|e| fail(&e))?;
        chart.draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(4))).map_err(|e| fail(&e))?;
        if let Some(&last) = points.last() {
            chart.draw_series(std::iter::once(Circle::new(last, 7, BLUE.filled()))).map_err(|e| fail(&e))?;
        }
        root.present().map_err(|e| fail(&e))?;
    }
    let values: Vec<String> = trend
        .points
        .iter()
        .map(|p| format!("{} {}", p.label, p.value.map_or("—".into(), |v| l.decimal(v, 1))))
        .collect();
    Ok(Chart {
        name,
        title: trend.label.clone(),
        alt: l.fmt(
            "alt_trend",
            &[
                ("figure", trend.label.as_str().into()),
                ("n", trend.points.len().into()),
                ("values", values.join(", ").into()),
            ],
        ),
        png: encode_png(&rgb, w, h).map_err(|e| fail(&e))?,
        svg: None,
        width: w,
        height: h,
        spark: Some(trend.key),
    })
}

fn ai_distribution<DB: DrawingBackend>(area: &Area<DB>, ai: &crate::report::ai::AiView, l: Locale) -> Drawn
where
    DB::ErrorType: 'static,
{
    let bars = &ai.distribution;
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .x_label_area_size(56)
        .y_label_area_size(110)
        .build_cartesian_2d(-0.5..bars.len() as f64 - 0.5, 0.0..nice_max(max))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .x_labels(bars.len())
        .x_label_formatter(&|x: &f64| {
            let i = x.round();
            if (i - x).abs() < 0.01 && i >= 0.0 {
                bars.get(i as usize).map(|b| b.label.to_string()).unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_desc(l.text("axis_user_messages_in_session"))
        .y_label_formatter(&|y| l.count(y.round() as i64))
        .y_desc(l.text("axis_sessions"))
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let x = i as f64;
        Rectangle::new([(x - 0.34, 0.0), (x + 0.34, b.count as f64)], GREEN.filled())
    }))?;
    Ok(())
}

/// Draws a chart twice: a palette PNG for mail clients and SVG for the PDF,
/// where vectors print sharp and weigh a fraction of the pixels.
fn draw(name: &'static str, title: String, height: u32, paint: Paint) -> Result<Chart, ChartError> {
    let fail = |e: &dyn std::fmt::Display| ChartError { chart: name, detail: e.to_string() };
    fn titled<DB: DrawingBackend>(root: &Area<DB>, title: &str, paint: &Paint) -> Drawn
    where
        DB::ErrorType: 'static,
    {
        root.fill(&WHITE)?;
        let area = root.titled(title, (CHART_FAMILY, TITLE_SIZE).into_font().style(FontStyle::Bold).color(&INK))?;
        paint.on(&area)?;
        root.present()?;
        Ok(())
    }
    let mut rgb = vec![0u8; (WIDTH * height * 3) as usize];
    titled(&BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)).into_drawing_area(), &title, &paint)
        .map_err(|e| fail(&e))?;
    let mut svg = String::new();
    titled(&SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area(), &title, &paint)
        .map_err(|e| fail(&e))?;
    let png = encode_png(&rgb, WIDTH, height).map_err(|e| fail(&e))?;
    let svg = without_empty_rects(&paint_opacity(&svg));
    Ok(Chart { name, title, alt: String::new(), png, svg: Some(svg), width: WIDTH, height, spark: None })
}

/// plotters writes `opacity` on every element, which SVG renderers (and the PDF
/// export) turn into one transparency group per element: hundreds of tiny objects.
/// The same look as paint opacity: nothing for opaque, fill/stroke opacity otherwise.
fn paint_opacity(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(" opacity=\"") {
        out.push_str(&rest[..at]);
        let value_start = at + " opacity=\"".len();
        let Some(len) = rest[value_start..].find('"') else {
            rest = &rest[at..];
            break;
        };
        let value = &rest[value_start..value_start + len];
        if value != "1" {
            out.push_str(&format!(" fill-opacity=\"{value}\" stroke-opacity=\"{value}\""));
        }
        rest = &rest[value_start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// A bar of zero is a rect of zero height, which SVG calls an error (usvg warns and
/// skips it): drawn as nothing, so it is left out.
fn without_empty_rects(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find("<rect ") {
        out.push_str(&rest[..at]);
        let Some(len) = rest[at..].find("/>") else {
            rest = &rest[at..];
            break;
        };
        let rect = &rest[at..at + len + 2];
        let empty = [" height=\"0\"", " width=\"0\"", " height=\"-", " width=\"-"].iter().any(|a| rect.contains(a));
        if !empty {
            out.push_str(rect);
        }
        rest = &rest[at + len + 2..];
    }
    out.push_str(rest);
    out
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    super::png::encode(rgb, width, height)
}

fn label_font() -> TextStyle<'static> {
    (CHART_FAMILY, LABEL_SIZE).into_font().color(&INK)
}

/// Every n-th label, so a month's axis stays readable.
fn x_label(rows: &[Row], x: f64) -> String {
    let i = x.round();
    if i < 0.0 || (i - x).abs() > 0.01 {
        return String::new();
    }
    let step = rows.len().div_ceil(MAX_X_LABELS).max(1);
    rows.get(i as usize)
        .filter(|_| (i as usize).is_multiple_of(step))
        .map(|r| r.short_label.clone())
        .unwrap_or_default()
}

fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        1.0
    } else {
        max * 1.12
    }
}

type RowChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes for a series with one value per report row (day or week), x labels thinned out.
fn per_row_chart<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    rows: &[Row],
    y_max: f64,
    y_desc: &str,
    y_format: &dyn Fn(&f64) -> String,
) -> Result<RowChart<'a, DB>, Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let n = rows.len().max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .x_label_area_size(56)
        .y_label_area_size(110)
        .build_cartesian_2d(-0.5..n - 0.5, 0.0..y_max)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .x_labels(rows.len().min(40))
        .x_label_formatter(&|x| x_label(rows, *x))
        .y_label_formatter(y_format)
        .y_desc(y_desc)
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    Ok(chart)
}

fn line_chart<DB: DrawingBackend>(
    area: &Area<DB>,
    rows: &[Row],
    y_desc: &str,
    series: &[(&str, RGBColor, Vec<Option<f64>>)],
    y_format: &dyn Fn(&f64) -> String,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let max = series.iter().flat_map(|(_, _, v)| v.iter().flatten()).fold(0.0f64, |a, &b| a.max(b));
    // Headroom above the data keeps the legend clear of the lines.
    let headroom = if series.len() > 1 { 1.25 } else { 1.0 };
    let mut chart = per_row_chart(area, rows, nice_max(max) * headroom, y_desc, y_format)?;
    for (name, color, values) in series {
        let points: Vec<(f64, f64)> = values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64, v))).collect();
        let color = *color;
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(LINE_WIDTH)))?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], color.stroke_width(LINE_WIDTH)));
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 6, color.filled())))?;
    }
    // One series is named by its axis; a legend would only repeat it.
    if series.len() > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .legend_area_size(44)
            .background_style(WHITE.mix(0.9))
            .border_style(GRID)
            .label_font(label_font())
            .draw()?;
    }
    Ok(())
}

/// Small multiples: messages run at four times sessions, so one shared scale
/// would flatten sessions and users into the floor.
fn activity<DB: DrawingBackend>(area: &Area<DB>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (l, rows) = (report.meta.locale, &report.rows);
    let col = |f: fn(&Row) -> u64| rows.iter().map(|r| Some(f(r) as f64)).collect::<Vec<_>>();
    let panels = area.split_evenly((3, 1));
    let series = [
        (l.text("kpi_sessions"), ORANGE, col(|r| r.sessions)),
        (l.text("kpi_users"), GREEN, col(|r| r.users)),
        (l.text("kpi_messages"), BLUE, col(|r| r.messages)),
    ];
    for (panel, (name, color, values)) in panels.iter().zip(series) {
        line_chart(panel, rows, &name, &[(&name, color, values)], &|y| l.count(y.round() as i64))?;
    }
    Ok(())
}

fn response_times<DB: DrawingBackend>(area: &Area<DB>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (l, rows) = (report.meta.locale, &report.rows);
    line_chart(
        area,
        rows,
        &l.text("axis_minutes"),
        &[
            (&l.text("series_first_response"), VERMILLION, rows.iter().map(|r| r.first_response).collect()),
            (&l.text("series_average"), BLUE, rows.iter().map(|r| r.avg_response).collect()),
            (&l.text("series_median"), SKY, rows.iter().map(|r| r.median_response).collect()),
        ],
        &|y| l.decimal(*y, 1),
    )
}

fn agent_replies<DB: DrawingBackend>(area: &Area<DB>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (l, rows) = (report.meta.locale, &report.rows);
    let max = rows.iter().map(|r| r.agent_replies).max().unwrap_or(0) as f64;
    let mut chart = per_row_chart(area, rows, nice_max(max), &l.text("axis_replies"), &|y| l.count(y.round() as i64))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        let x = i as f64;
        Rectangle::new([(x - 0.35, 0.0), (x + 0.35, r.agent_replies as f64)], PURPLE.filled())
    }))?;
    Ok(())
}

fn intents<DB: DrawingBackend>(area: &Area<DB>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let rows = &report.intents;
    let n = rows.len().max(1);
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0) as f64;
    let name = |i: usize| -> String {
        rows.get(i)
            .map(|r| {
                let mut s: String = r.name.chars().take(26).collect();
                if r.name.chars().count() > 26 {
                    s.push('…');
                }
                s
            })
            .unwrap_or_default()
    };
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .x_label_area_size(50)
        .y_label_area_size(330)
        .build_cartesian_2d(0.0..nice_max(max) * 1.08, (n as f64 - 0.5)..-0.5)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .y_labels(n)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (i - y).abs() < 0.01 && i >= 0.0 {
                name(i as usize)
            } else {
                String::new()
            }
        })
        .x_label_formatter(&|x| report.meta.locale.count(x.round() as i64))
        .label_style(label_font())
        .draw()?;
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        let y = i as f64;
        Rectangle::new([(0.0, y - 0.36), (r.count as f64, y + 0.36)], BLUE.filled())
    }))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        Text::new(r.count_display.clone(), (r.count as f64 + max * 0.01, i as f64 - 0.25), label_font())
    }))?;
    Ok(())
}

fn ratings<DB: DrawingBackend>(area: &Area<DB>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let l = report.meta.locale;
    let dist = &report.ratings.distribution;
    let max = dist.iter().map(|d| d.1).max().unwrap_or(0) as f64;
    let colors = [VERMILLION, ORANGE, SKY, GREEN, BLUE];
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .x_label_area_size(56)
        .y_label_area_size(110)
        .build_cartesian_2d(0.5..5.5, 0.0..nice_max(max))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK.mix(0.6))
        .x_labels(5)
        .x_label_formatter(&|x: &f64| {
            let i = x.round();
            if (i - x).abs() < 0.01 {
                l.fmt("axis_stars", &[("stars", (i as u32).into())])
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| l.count(y.round() as i64))
        .y_desc(l.text("axis_ratings"))
        .label_style(label_font())
        .axis_desc_style(label_font())
        .draw()?;
    chart.draw_series(dist.iter().map(|&(r, n, _)| {
        let x = r as f64;
        Rectangle::new([(x - 0.32, 0.0), (x + 0.32, n as f64)], colors[r as usize - 1].filled())
    }))?;
    chart.draw_series(dist.iter().map(|&(r, n, share)| {
        Text::new(l.percent(share, 0), (r as f64 - 0.14, n as f64 + max * 0.05), label_font())
    }))?;
    Ok(())
}

/// A sequential blue scale: light for quiet hours, dark for busy ones.
fn heat_color(value: u64, max: u64) -> RGBColor {
    let t = if max == 0 { 0.0 } else { (value as f64 / max as f64).sqrt() };
    let lerp = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    RGBColor(lerp(0xF1, 0x08), lerp(0xF5, 0x30), lerp(0xF9, 0x6B))
}

fn heatmap<DB: DrawingBackend>(area: &Area<DB>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let l = report.meta.locale;
    let map = &report.heatmap;
    let mut chart = ChartBuilder::on(area)
        .margin(24)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..24.0, 6.5..-0.5)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .axis_style(INK.mix(0.6))
        .x_labels(13)
        .x_label_formatter(&|x| format!("{:02}h", *x as u32))
        .y_labels(7)
        .y_label_formatter(&|y: &f64| {
            let i = y.round();
            if (i - y).abs() < 0.01 && (0.0..7.0).contains(&i) {
                l.weekday_short(i as u32 + 1)
            } else {
                String::new()
            }
        })
        .label_style(label_font())
        .draw()?;
    chart.draw_series((0..7).flat_map(|d| {
        (0..24).map(move |h| {
            let v = map.cells[d][h];
            let (x, y) = (h as f64, d as f64);
            Rectangle::new([(x + 0.04, y - 0.44), (x + 0.96, y + 0.44)], heat_color(v, map.max).filled())
        })
    }))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_opacity_becomes_paint_opacity() {
        let rects = r#"<rect x="1" y="2" width="3" height="0" fill="x"/><rect x="1" y="2" width="3" height="4"/>"#;
        assert_eq!(without_empty_rects(rects), r#"<rect x="1" y="2" width="3" height="4"/>"#);
        let svg = r#"<line opacity="1" stroke="x"/><polyline fill="none" opacity="0.6" points="1"/>"#;
        assert_eq!(
            paint_opacity(svg),
            r#"<line stroke="x"/><polyline fill="none" fill-opacity="0.6" stroke-opacity="0.6" points="1"/>"#
        );
    }

    #[test]
    fn heat_scale_runs_from_light_to_dark() {
        assert_eq!(heat_color(0, 10), RGBColor(0xF1, 0xF5, 0xF9));
        assert_eq!(heat_color(10, 10), RGBColor(0x08, 0x30, 0x6B));
        assert_eq!(heat_color(0, 0), RGBColor(0xF1, 0xF5, 0xF9));
    }
}
