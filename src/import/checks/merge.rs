//! Sorting, deduplicating and merging checks by time. One row per instant: what a file
//! already holds is kept; an imported row at a time already present with other content
//! is counted and reported, never silently replacing it.

use super::row::Check;

/// The source's own rows in time order, one per instant.
#[derive(Debug, Default)]
pub struct Deduped {
    pub rows: Vec<Check>,
    /// Rows repeating an earlier row exactly.
    pub repeated: usize,
    /// Rows at a time an earlier row (in the source's order) already took with other
    /// content: (the kept row's line, the dropped row's line, the time).
    pub clashes: Vec<(usize, usize, i64)>,
}

/// Sorts the source's rows by time (keeping the source's order among equal times) and
/// keeps the first row of each instant. `lines[i]` is the source line of `rows[i]`.
/// Exports are nearly always in time order already: then nothing is copied, and the
/// deduplication works in place, so a year of checks is held once.
pub fn dedup(mut rows: Vec<Check>, mut lines: Vec<u32>) -> Deduped {
    if !rows.is_sorted_by_key(|c| c.at_ms) {
        let mut pairs: Vec<(Check, u32)> = rows.into_iter().zip(lines).collect();
        pairs.sort_by_key(|(c, _)| c.at_ms);
        (rows, lines) = pairs.into_iter().unzip();
    }
    let mut out = Deduped::default();
    let mut kept = 0;
    let mut kept_line = 0;
    for i in 0..rows.len() {
        if kept > 0 && rows[kept - 1].at_ms == rows[i].at_ms {
            if rows[kept - 1] == rows[i] {
                out.repeated += 1;
            } else {
                out.clashes
                    .push((kept_line, lines[i] as usize, rows[i].at_ms));
            }
        } else {
            // Rows between `kept` and `i` were dropped: the next kept row moves down.
            rows.swap(kept, i);
            kept_line = lines[i] as usize;
            kept += 1;
        }
    }
    rows.truncate(kept);
    out.rows = rows;
    out
}

/// What merging imported rows into a file's rows gives.
#[derive(Debug, Default)]
pub struct Merged {
    pub rows: Vec<Check>,
    /// Imported rows new to the file.
    pub added: usize,
    /// Imported rows the file already held, identical.
    pub present: usize,
    /// Times where the file holds a different row: the file's row was kept.
    pub kept_existing: Vec<i64>,
}

/// Merges two time-ordered lists with one row per instant; on a shared time the
/// existing row wins.
pub fn merge(existing: Vec<Check>, imported: Vec<Check>) -> Merged {
    if existing.is_empty() {
        // A first import: the rows as they are, without a second copy of a large history.
        return Merged {
            added: imported.len(),
            rows: imported,
            ..Merged::default()
        };
    }
    let mut out = Merged {
        rows: Vec::with_capacity(existing.len() + imported.len()),
        ..Merged::default()
    };
    let mut old = existing.into_iter().peekable();
    let mut new = imported.into_iter().peekable();
    loop {
        let take_old = match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(o), Some(n)) if o.at_ms == n.at_ms => {
                if o == n {
                    out.present += 1;
                } else {
                    out.kept_existing.push(n.at_ms);
                }
                new.next();
                true
            }
            (Some(o), Some(n)) => o.at_ms < n.at_ms,
        };
        if take_old {
            out.rows.extend(old.next());
        } else {
            out.added += 1;
            out.rows.extend(new.next());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(at_ms: i64, ok: bool) -> Check {
        Check {
            at_ms,
            ok,
            response_us: None,
            status_code: None,
            note: None,
        }
    }

    #[test]
    fn dedup_sorts_and_keeps_the_first_of_an_instant() {
        let d = dedup(
            vec![
                check(30, true),
                check(10, true),
                check(20, false),
                check(10, true),
                check(20, true),
            ],
            vec![2, 3, 4, 5, 6],
        );
        assert_eq!(
            d.rows,
            vec![check(10, true), check(20, false), check(30, true)]
        );
        assert_eq!(d.repeated, 1);
        assert_eq!(d.clashes, vec![(4, 6, 20)]);
    }

    #[test]
    fn dedup_in_order_works_in_place() {
        let d = dedup(
            vec![
                check(10, true),
                check(10, true),
                check(20, true),
                check(20, false),
                check(20, true),
                check(30, false),
            ],
            vec![1, 2, 3, 4, 5, 6],
        );
        assert_eq!(
            d.rows,
            vec![check(10, true), check(20, true), check(30, false)]
        );
        assert_eq!(d.repeated, 2);
        assert_eq!(d.clashes, vec![(3, 4, 20)]);
    }

    #[test]
    fn merge_keeps_existing_rows_and_counts() {
        let m = merge(
            vec![check(10, true), check(20, true), check(40, true)],
            vec![
                check(5, false),
                check(20, true),
                check(30, true),
                check(40, false),
            ],
        );
        let times: Vec<i64> = m.rows.iter().map(|c| c.at_ms).collect();
        assert_eq!(times, vec![5, 10, 20, 30, 40]);
        assert!(m.rows[4].ok, "the file's row at 40 is kept");
        assert_eq!((m.added, m.present), (2, 1));
        assert_eq!(m.kept_existing, vec![40]);
    }

    #[test]
    fn merge_into_nothing_is_the_import() {
        let m = merge(Vec::new(), vec![check(1, true), check(2, false)]);
        assert_eq!(m.rows.len(), 2);
        assert_eq!(m.added, 2);
    }
}
