//! Splits a content file into its TOML front matter and Markdown body, whatever the bytes.

/// A content file split at its `+++` fences.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The file text without a BOM.
    pub text: &'a str,
    /// The TOML between the fences.
    pub front: &'a str,
    /// Byte offset of `front` in `text`.
    pub front_offset: usize,
    pub body: &'a str,
    /// 1-based line where the body starts.
    pub body_line: usize,
}

/// Why a file could not be split; each has a line to point at.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("the file is not valid UTF-8 text")]
    NotUtf8 { line: usize },
    /// A UTF-16 byte-order mark: saved as "Unicode" by some Windows editors.
    #[error("the file is UTF-16 text, not UTF-8")]
    Utf16,
    #[error("the file is empty")]
    Empty,
    #[error("the file does not start with a `+++` front-matter line")]
    NoOpening,
    #[error("the front matter is never closed")]
    NoClosing,
}

impl SplitError {
    pub fn line(&self) -> usize {
        match self {
            SplitError::NotUtf8 { line } => *line,
            _ => 1,
        }
    }
    pub fn message(&self) -> String {
        self.to_string()
    }
    pub fn help(&self) -> &'static str {
        match self {
            SplitError::NotUtf8 { .. } => {
                "save the file as UTF-8 (this line holds bytes that are not UTF-8)"
            }
            SplitError::Utf16 => {
                "save the file as UTF-8 (in Notepad: Save As, Encoding: UTF-8; or run iconv -f UTF-16 -t UTF-8)"
            }
            SplitError::Empty | SplitError::NoOpening => {
                "start the file with a line `+++`, the TOML front matter (title = \"...\", ...), and a closing `+++` line"
            }
            SplitError::NoClosing => {
                "add a line `+++` after the front matter, before the Markdown body"
            }
        }
    }
}

pub fn decode(bytes: &[u8]) -> Result<&str, SplitError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(SplitError::Utf16);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        SplitError::NotUtf8 { line }
    })
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\r', '\n']).trim_end() == "+++"
}

pub fn split(bytes: &[u8]) -> Result<Split<'_>, SplitError> {
    let text = decode(bytes)?;
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_fence(first) {
        return Err(SplitError::NoOpening);
    }
    let front_offset = first.len();
    let mut offset = front_offset;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        if is_fence(line) {
            let front = &text[front_offset..offset];
            let body = &text[offset + line.len()..];
            return Ok(Split {
                text,
                front,
                front_offset,
                body,
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError::NoClosing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_lf_crlf_and_bom() {
        let s = split(b"+++\ntitle = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!(s.front, "title = \"a\"\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
        let s = split(b"\xEF\xBB\xBF+++\r\ntitle = \"a\"\r\n+++\r\nbody").unwrap();
        assert_eq!(s.front, "title = \"a\"\r\n");
        assert_eq!(s.body, "body");
        assert_eq!(s.front_offset, 5);
    }

    #[test]
    fn bad_shapes_are_errors_not_panics() {
        assert_eq!(split(b""), Err(SplitError::Empty));
        assert_eq!(split(b"  \n"), Err(SplitError::Empty));
        assert_eq!(split(b"title = 1"), Err(SplitError::NoOpening));
        assert_eq!(split(b"+++\ntitle = 1\n"), Err(SplitError::NoClosing));
        assert_eq!(split(b"+++"), Err(SplitError::NoClosing));
        assert_eq!(
            split(b"+++\n\xff\xfe\n+++\n"),
            Err(SplitError::NotUtf8 { line: 2 })
        );
    }

    #[test]
    fn empty_front_matter_and_body() {
        let s = split(b"+++\n+++").unwrap();
        assert_eq!(s.front, "");
        assert_eq!(s.body, "");
    }
}
