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
