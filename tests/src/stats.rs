//! Percentiles and the small tables the benchmarks print, both as plain
//! text for the terminal and as Markdown for the README.

use std::time::Duration;

/// The `p`-th percentile (0–100) by nearest rank; `None` when empty.
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The median of some figures (the mean of the middle two for an even
/// count); `None` when empty. The comparison reports the median of its
/// alternating runs, which one disturbed run cannot move much.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// `left / right` as a factor, e.g. `0.52×`; a dash when either is missing
/// or the divisor is zero.
pub fn ratio(left: Option<f64>, right: Option<f64>) -> String {
    match (left, right) {
        (Some(l), Some(r)) if r != 0.0 => format!("{:.2}×", l / r),
        _ => "–".into(),
    }
}

/// Milliseconds with two decimals, the unit every table here uses.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A two-column table: what was measured, and the figure.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<(String, String)>,
}

impl Table {
    pub fn row(&mut self, what: impl Into<String>, value: impl Into<String>) {
        self.rows.push((what.into(), value.into()));
    }

    pub fn text(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|(w, _)| w.chars().count())
            .max()
            .unwrap_or(0);
        self.rows
            .iter()
            .map(|(w, v)| format!("{w:<width$}  {v}\n"))
            .collect()
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from("| Measure | Result |\n| --- | --- |\n");
        for (w, v) in &self.rows {
            out.push_str(&format!("| {w} | {v} |\n"));
        }
        out
    }
}

/// A side-by-side table: what was measured, the figure for each of two
/// subjects, and their ratio.
#[derive(Debug)]
pub struct Comparison {
    header: [String; 4],
    rows: Vec<[String; 4]>,
}

impl Comparison {
    pub fn new(left: &str, right: &str) -> Comparison {
        Comparison {
            header: [
                "Measure".into(),
                left.into(),
                right.into(),
                format!("{left} / {right}"),
            ],
            rows: Vec::new(),
        }
    }

    pub fn row(
        &mut self,
        what: impl Into<String>,
        left: impl Into<String>,
        right: impl Into<String>,
        ratio: impl Into<String>,
    ) {
        self.rows
            .push([what.into(), left.into(), right.into(), ratio.into()]);
    }

    pub fn text(&self) -> String {
        let mut width = [0; 4];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (w, cell) in width.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        std::iter::once(&self.header)
            .chain(&self.rows)
            .map(|row| {
                let cells: Vec<String> = row
                    .iter()
                    .zip(width)
                    .map(|(cell, w)| format!("{cell:<w$}"))
                    .collect();
                format!("{}\n", cells.join("  ").trim_end())
            })
            .collect()
    }

    pub fn markdown(&self) -> String {
        let line = |row: &[String; 4]| format!("| {} |\n", row.join(" | "));
        let mut out = line(&self.header);
        out.push_str("| --- | --- | --- | --- |\n");
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&sorted, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&sorted, 0.0), Some(Duration::from_millis(1)));
        assert_eq!(percentile(&[], 50.0), None);
        let one = [Duration::from_millis(7)];
        assert_eq!(percentile(&one, 99.0), Some(Duration::from_millis(7)));
    }

    #[test]
    fn medians_and_ratios() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(ratio(Some(1.0), Some(4.0)), "0.25×");
        assert_eq!(ratio(Some(1.0), Some(0.0)), "–");
        assert_eq!(ratio(None, Some(1.0)), "–");
    }

    #[test]
    fn comparisons_render() {
        let mut t = Comparison::new("A", "B");
        t.row("sessions/s", "10", "5", "2.00×");
        assert_eq!(
            t.markdown(),
            "| Measure | A | B | A / B |\n| --- | --- | --- | --- |\n| sessions/s | 10 | 5 | 2.00× |\n"
        );
        assert_eq!(
            t.text(),
            "Measure     A   B  A / B\nsessions/s  10  5  2.00×\n"
        );
    }

    #[test]
    fn tables_render() {
        let mut t = Table::default();
        t.row("sessions/s", "12.5");
        assert_eq!(
            t.markdown(),
            "| Measure | Result |\n| --- | --- |\n| sessions/s | 12.5 |\n"
        );
        assert_eq!(t.text(), "sessions/s  12.5\n");
    }
}
