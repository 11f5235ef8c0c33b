//! The HTML report's charts, drawn by `plotters` into SVG text (its SVG backend only: text
//! is left to the browser, so no font is read here).

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

/// A chart that could not be drawn (plotters' own error, as text).
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the {chart} chart: {reason}")]
pub struct ChartError {
    pub chart: &'static str,
    pub reason: String,
}

type Drawn = Result<(), Box<dyn std::error::Error>>;

fn finish(chart: &'static str, svg: String, drawn: Drawn) -> Result<String, ChartError> {
    drawn.map_err(|e| ChartError {
        chart,
        reason: e.to_string(),
    })?;
    Ok(svg)
}

/// How a model is marked: the best one, one the folds cannot tell from it, the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Best,
    Tied,
    Other,
}

impl Mark {
    fn color(self) -> RGBColor {
        match self {
            Mark::Best => RGBColor(200, 30, 45),
            Mark::Tied => RGBColor(230, 125, 0),
            Mark::Other => RGBColor(40, 100, 170),
        }
    }
}

const FONT: &str = "sans-serif";

/// An axis tick: at most four significant digits, no trailing zeros, powers of ten for
/// the very small and the very large (`1e-4`, `250`, `0.035`).
pub fn tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || !v.is_finite() {
        return "0".into();
    }
    if !(1e-3..1e6).contains(&a) {
        let s = format!("{v:.1e}");
        return s.replace(".0e", "e");
    }
    let decimals = (3 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}
const GRID: RGBColor = RGBColor(235, 235, 235);

/// One model's dot on the RMSE chart.
#[derive(Clone, Debug)]
pub struct Dot {
    pub label: String,
    pub rmse: f64,
    /// The error bar (mean ± the folds' standard deviation), under cross-validation.
    pub bar: Option<(f64, f64)>,
    /// Every fold's RMSE, drawn small behind the dot.
    pub folds: Vec<f64>,
    pub mark: Mark,
}

/// `lo..hi` padded by 5 % of its width on each side (a unit either side when it is a point).
fn padded(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo {
        (hi - lo) * 0.05
    } else {
        lo.abs().max(1.0) * 0.05
    };
    (lo - pad, hi + pad)
}

/// The longest label the RMSE chart shows whole; longer ones end in `…` (the table has them
/// whole).
const LABEL_CHARS: usize = 56;

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
    s.push('…');
    s
}

/// How far past the best RMSE the RMSE chart's axis goes: a model worse than this many
/// times the best is drawn at the right edge as a triangle, its RMSE beside its name, so
/// that one very bad model does not squash the others together.
pub const OFF_CHART: f64 = 3.0;

/// The RMSE past which a model is off the chart, if any model is.
pub fn off_chart_limit(dots: &[Dot]) -> Option<f64> {
    let best = dots.iter().map(|d| d.rmse).fold(f64::INFINITY, f64::min);
    let limit = best * OFF_CHART;
    (best > 0.0 && limit.is_finite() && dots.iter().any(|d| d.rmse > limit)).then_some(limit)
}

/// RMSE per model, best at the top: a dot each, the folds' spread as an error bar.
pub fn rmse_dots(dots: &[Dot], x_desc: &str) -> Result<String, ChartError> {
    let n = dots.len().max(1);
    let limit = off_chart_limit(dots);
    let cap = |v: f64| limit.map_or(v, |l| v.min(l));
    let off = |d: &Dot| limit.is_some_and(|l| d.rmse > l);
    let labels: Vec<String> = dots
        .iter()
        .map(|d| {
            if off(d) {
                format!("{} [{} →]", short(&d.label), tick(d.rmse))
            } else {
                short(&d.label)
            }
        })
        .collect();
    let chars = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4);
    let label_w = (chars as f64 * 7.5) as u32 + 24;
    let (w, h) = (1000 + label_w.saturating_sub(300), n as u32 * 22 + 70);
    let (lo, hi) = padded(dots.iter().flat_map(|d| {
        let (a, b) = d.bar.unwrap_or((d.rmse, d.rmse));
        [d.rmse, a, b]
            .into_iter()
            .chain(d.folds.iter().copied())
            .map(cap)
    }));
    // row i of the chart (from the bottom) is dots[n - 1 - i]: the best is on top
    let at = |i: usize| SegmentValue::CenterOf(n - 1 - i);
    let mut svg = String::new();
    let drawn = (|| -> Drawn {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(30)
            .x_label_area_size(45)
            .y_label_area_size(label_w)
            .build_cartesian_2d(lo..hi, (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .y_labels(n)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) if *i < n => {
                    labels.get(n - 1 - i).cloned().unwrap_or_default()
                }
                _ => String::new(),
            })
            .x_label_formatter(&|v| tick(*v))
            .x_desc(x_desc)
            .label_style((FONT, 15))
            .light_line_style(GRID)
            .disable_y_mesh()
            .draw()?;
        chart.draw_series(dots.iter().enumerate().flat_map(|(i, d)| {
            d.folds
                .iter()
                .filter(move |&&f| cap(f) == f)
                .map(move |&f| Circle::new((f, at(i)), 2, RGBColor(150, 150, 150).filled()))
        }))?;
        chart.draw_series(dots.iter().enumerate().filter_map(|(i, d)| {
            let (a, b) = d.bar.filter(|_| !off(d))?;
            Some(ErrorBar::new_horizontal(
                at(i),
                a,
                d.rmse,
                cap(b),
                d.mark.color().stroke_width(2),
                8,
            ))
        }))?;
        chart.draw_series(
            dots.iter()
                .enumerate()
                .filter(|(_, d)| !off(d))
                .map(|(i, d)| Circle::new((d.rmse, at(i)), 5, d.mark.color().filled())),
        )?;
        chart.draw_series(
            dots.iter()
                .enumerate()
                .filter(|(_, d)| off(d))
                .map(|(i, d)| {
                    TriangleMarker::new((cap(d.rmse), at(i)), 6, d.mark.color().filled())
                }),
        )?;
        root.present()?;
        Ok(())
    })();
    finish("RMSE per model", svg, drawn)
}

/// One model on the fit time chart.
#[derive(Clone, Debug)]
pub struct TimePoint {
    pub rank: usize,
    pub fit_seconds: f64,
    pub rmse: f64,
    pub mark: Mark,
    pub pareto: bool,
}

/// The smallest fit time the log axis shows: a model that fits faster (a nearest-neighbours
/// model stores its rows in a microsecond) is drawn there.
pub const MIN_SECONDS: f64 = 1e-6;

/// Fit time (log scale) against RMSE: a dot per model, the Pareto front joined by a line and
/// its models numbered by rank.
pub fn time_vs_rmse(points: &[TimePoint], y_desc: &str) -> Result<String, ChartError> {
    let t = |p: &TimePoint| p.fit_seconds.max(MIN_SECONDS);
    let (tlo, thi) = points.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| {
        (lo.min(t(p)), hi.max(t(p)))
    });
    let (tlo, thi) = if tlo.is_finite() {
        (tlo / 1.6, thi * 1.6)
    } else {
        (MIN_SECONDS, 1.0)
    };
    let (rlo, rhi) = padded(points.iter().map(|p| p.rmse));
    let mut front: Vec<&TimePoint> = points.iter().filter(|p| p.pareto).collect();
    front.sort_by(|a, b| t(a).total_cmp(&t(b)));
    let mut svg = String::new();
    let drawn = (|| -> Drawn {
        let root = SVGBackend::with_string(&mut svg, (1000, 520)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(30)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d((tlo..thi).log_scale(), rlo..rhi)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .x_desc("fit time, seconds (log scale)")
            .y_desc(y_desc)
            .label_style((FONT, 15))
            .light_line_style(GRID)
            .draw()?;
        chart.draw_series(LineSeries::new(
            front.iter().map(|p| (t(p), p.rmse)),
            RGBColor(60, 160, 90).stroke_width(2),
        ))?;
        chart.draw_series(
            points
                .iter()
                .map(|p| Circle::new((t(p), p.rmse), 5, p.mark.color().filled())),
        )?;
        // the rank beside its dot, up and right of it
        chart.draw_series(front.iter().map(|p| {
            EmptyElement::at((t(p), p.rmse))
                + Text::new(
                    format!("#{}", p.rank),
                    (7, -18),
                    (FONT, 15).into_font().color(&BLACK),
                )
        }))?;
        root.present()?;
        Ok(())
    })();
    finish("fit time against RMSE", svg, drawn)
}

/// Which of the two row charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowChart {
    /// Predicted (y) against actual (x), with the diagonal.
    PredictedVsActual,
    /// Residual (actual - predicted, y) against predicted (x), with zero.
    ResidualsVsPredicted,
}

/// One model's scored rows as a scatter: `actual` and `predicted` pairs.
pub fn rows_scatter(
    kind: RowChart,
    title: &str,
    pairs: &[(f64, f64)],
    mark: Mark,
) -> Result<String, ChartError> {
    let xy: Vec<(f64, f64)> = pairs
        .iter()
        .map(|&(a, p)| match kind {
            RowChart::PredictedVsActual => (a, p),
            RowChart::ResidualsVsPredicted => (p, a - p),
        })
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let (xlo, xhi, ylo, yhi) = match kind {
        RowChart::PredictedVsActual => {
            let (lo, hi) = padded(xy.iter().flat_map(|&(x, y)| [x, y]));
            (lo, hi, lo, hi)
        }
        RowChart::ResidualsVsPredicted => {
            let (xlo, xhi) = padded(xy.iter().map(|p| p.0));
            let m = xy.iter().fold(0.0f64, |m, p| m.max(p.1.abs())) * 1.05;
            let m = if m > 0.0 { m } else { 1.0 };
            (xlo, xhi, -m, m)
        }
    };
    let (x_desc, y_desc, name) = match kind {
        RowChart::PredictedVsActual => ("actual", "predicted", "predicted against actual"),
        RowChart::ResidualsVsPredicted => (
            "predicted",
            "residual (actual − predicted)",
            "residuals against predicted",
        ),
    };
    let mut svg = String::new();
    let drawn = (|| -> Drawn {
        let root = SVGBackend::with_string(&mut svg, (480, 420)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(20)
            .caption(title, (FONT, 16))
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(xlo..xhi, ylo..yhi)?;
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style((FONT, 14))
            .light_line_style(GRID)
            .draw()?;
        let line = match kind {
            RowChart::PredictedVsActual => [(xlo, xlo), (xhi, xhi)],
            RowChart::ResidualsVsPredicted => [(xlo, 0.0), (xhi, 0.0)],
        };
        chart.draw_series(LineSeries::new(line, BLACK.mix(0.5).stroke_width(1)))?;
        let color = mark.color().mix(0.45).filled();
        chart.draw_series(xy.iter().map(|&p| Circle::new(p, 2, color)))?;
        root.present()?;
        Ok(())
    })();
    finish(name, svg, drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(60.0), "60");
        assert_eq!(tick(62.5), "62.5");
        assert_eq!(tick(0.0001), "1e-4");
        assert_eq!(tick(0.001), "0.001");
        assert_eq!(tick(0.0355), "0.0355");
        assert_eq!(tick(-100.0), "-100");
        assert_eq!(tick(2.5e6), "2.5e6");
        assert_eq!(tick(0.0), "0");
    }

    #[test]
    fn charts_are_svg_with_a_circle_per_point() {
        let dots: Vec<Dot> = (0..3)
            .map(|i| Dot {
                label: format!("M{i}()"),
                rmse: 1.0 + f64::from(i),
                bar: Some((0.5 + f64::from(i), 1.5 + f64::from(i))),
                folds: vec![1.0, 2.0],
                mark: if i == 0 { Mark::Best } else { Mark::Other },
            })
            .collect();
        let svg = rmse_dots(&dots, "RMSE").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..60]);
        // a dot per model, one per fold, and the error bar's own ring (under the dot)
        assert_eq!(svg.matches("<circle").count(), 3 + 6 + 3);
        assert!(svg.contains("M2()") && svg.contains("RMSE"), "labels");
        // a model 100 times worse is off the chart: a triangle, its RMSE in its label
        let mut far = dots.clone();
        far[2].rmse = 100.0;
        far[2].bar = Some((90.0, 110.0));
        far[2].folds = vec![90.0, 110.0];
        assert_eq!(off_chart_limit(&far), Some(3.0));
        let svg = rmse_dots(&far, "RMSE").unwrap();
        assert_eq!(svg.matches("<circle").count(), 2 + 4 + 2);
        assert!(svg.contains("<polygon"), "a triangle");
        assert!(svg.contains("[100 →]"));
        let pairs = [(1.0, 1.5), (2.0, 1.0), (f64::NAN, 1.0)];
        let svg = rows_scatter(RowChart::ResidualsVsPredicted, "t", &pairs, Mark::Best).unwrap();
        assert_eq!(
            svg.matches("<circle").count(),
            2,
            "the NaN row is not drawn"
        );
    }
}
