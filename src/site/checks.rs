//! Check histories (`data/checks/<component-id>.csv|jsonl`): what monitoring measured,
//! one series per component, stored by column so a year of 1-minute checks stays small
//! and fast to walk (docs/checks.md).

use std::sync::Arc;

/// Every component's check history, in `site.toml` order of the components that have one.
/// Shared (`Arc`) so cloning a [`crate::site::Site`] stays cheap.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    pub series: Vec<Arc<Series>>,
}

impl Checks {
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

/// One component's checks, strictly ascending by time. The columns have equal length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub component: String,
    /// The file, relative to the site root with `/` separators.
    pub source: String,
    /// Milliseconds since the Unix epoch (sub-millisecond parts dropped).
    pub times: Vec<i64>,
    /// The check passed.
    pub ok: Vec<bool>,
    /// Response time in milliseconds; NaN where the row gives none.
    pub response_ms: Vec<f32>,
    /// `(row, line)` wherever a row's line is not the previous row's line + 1 (the first
    /// row always): the file line of any row without storing one per row.
    pub line_marks: Vec<(u32, u32)>,
}

impl Series {
    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Appends one check read from file line `line`.
    pub fn push(&mut self, time_ms: i64, ok: bool, response_ms: Option<f32>, line: usize) {
        let row = self.times.len();
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        let expected = self
            .line_marks
            .last()
            .map(|&(r, l)| l as u64 + (row as u64 - r as u64));
        if expected != Some(line as u64) {
            self.line_marks
                .push((u32::try_from(row).unwrap_or(u32::MAX), line));
        }
        self.times.push(time_ms);
        self.ok.push(ok);
        self.response_ms.push(response_ms.unwrap_or(f32::NAN));
    }

    /// The 1-based file line of row `row` (0 when unknown).
    pub fn line_of(&self, row: usize) -> usize {
        let n = self.line_marks.partition_point(|&(r, _)| r as usize <= row);
        match n.checked_sub(1).map(|k| self.line_marks[k]) {
            Some((r, l)) => l as usize + (row - r as usize),
            None => 0,
        }
    }

    /// The response time of row `row`, if the row gives one.
    pub fn response(&self, row: usize) -> Option<f32> {
        self.response_ms.get(row).copied().filter(|v| !v.is_nan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept_compactly() {
        let mut s = Series::default();
        s.push(1, true, None, 2);
        s.push(2, true, Some(5.0), 3);
        s.push(3, false, None, 6);
        s.push(4, true, None, 7);
        assert_eq!(s.line_marks, vec![(0, 2), (2, 6)]);
        assert_eq!(
            (0..4).map(|r| s.line_of(r)).collect::<Vec<_>>(),
            vec![2, 3, 6, 7]
        );
        assert_eq!(s.response(1), Some(5.0));
        assert_eq!(s.response(0), None);
    }
}
