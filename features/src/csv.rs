//! A small, strict RFC 4180 record reader for the reference files.
//!
//! The reference files are small and are read once, so records are returned as owned strings.
//! Accepted: `,` separators; `\n` or `\r\n` record ends; fields in double quotes, which may hold
//! `,`, line breaks and `""` for one quote. A line that is entirely empty (outside quotes) is not a
//! record and is skipped. Rejected, as a [`SyntaxError`]: a quote that is never closed, a quote
//! inside an unquoted field, and anything but a separator or a record end after a closing quote.
//! Field counts are left to the caller, which knows the header.

/// One record and the 1-based physical line on which it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    /// 1-based line where the record starts.
    pub(crate) line: usize,
    /// Field values, unquoted.
    pub(crate) fields: Vec<String>,
}

/// Text that is not well-formed CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// 1-based line of the offending character (for an unclosed quote: of the opening quote).
    pub(crate) line: usize,
    /// What is wrong, for a person.
    pub(crate) reason: String,
}

/// Records of `text`, in order; iteration ends after the first [`SyntaxError`].
pub(crate) fn records(text: &str) -> Records<'_> {
    Records {
        text,
        pos: 0,
        line: 1,
    }
}

/// Iterator returned by [`records`].
pub(crate) struct Records<'a> {
    text: &'a str,
    /// Byte offset of the next unread character; always on a char boundary, since it only ever
    /// moves past ASCII delimiters or to the end.
    pos: usize,
    line: usize,
}

impl Records<'_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.text.as_bytes().get(at).copied()
    }

    /// Length of the record end at `at` (`\n` or `\r\n`), if there is one.
    fn record_end(&self, at: usize) -> Option<usize> {
        match (self.byte(at), self.byte(at + 1)) {
            (Some(b'\n'), _) => Some(1),
            (Some(b'\r'), Some(b'\n')) => Some(2),
            _ => None,
        }
    }

    fn fail(
        &mut self,
        line: usize,
        reason: impl Into<String>,
    ) -> Option<Result<Record, SyntaxError>> {
        self.pos = self.text.len();
        Some(Err(SyntaxError {
            line,
            reason: reason.into(),
        }))
    }

    /// A quoted field starting at the opening quote `self.pos`; leaves `pos` after the closing
    /// quote.
    fn quoted_field(&mut self) -> Result<String, SyntaxError> {
        let open_line = self.line;
        let mut value = String::new();
        let mut from = self.pos + 1;
        loop {
            let rest = self.text.get(from..).unwrap_or("");
            let Some(offset) = rest.find('"') else {
                return Err(SyntaxError {
                    line: open_line,
                    reason: "a quoted field is never closed".to_string(),
                });
            };
            let chunk = rest.get(..offset).unwrap_or("");
            self.line += chunk.matches('\n').count();
            value.push_str(chunk);
            let quote = from + offset;
            if self.byte(quote + 1) == Some(b'"') {
                value.push('"');
                from = quote + 2;
            } else {
                self.pos = quote + 1;
                return Ok(value);
            }
        }
    }

    /// An unquoted field starting at `self.pos`; leaves `pos` on the separator or record end.
    fn unquoted_field(&mut self) -> Result<String, SyntaxError> {
        let rest = self.text.get(self.pos..).unwrap_or("");
        let end = rest.find([',', '\n']).unwrap_or(rest.len());
        let before = rest.get(..end).unwrap_or("");
        let value = if rest.get(end..).is_some_and(|r| r.starts_with('\n')) {
            before.strip_suffix('\r').unwrap_or(before)
        } else {
            before
        };
        if value.contains('"') {
            return Err(SyntaxError {
                line: self.line,
                // The field is not echoed: it may be personal data.
                reason: "quote inside an unquoted field (quote the whole field and double the \
                         inner quotes)"
                    .to_string(),
            });
        }
        self.pos += value.len();
        Ok(value.to_string())
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Record, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(len) = self.record_end(self.pos) {
            self.pos += len;
            self.line += 1;
        }
        if self.pos >= self.text.len() {
            return None;
        }
        let start_line = self.line;
        let mut fields = Vec::new();
        loop {
            let quoted = self.byte(self.pos) == Some(b'"');
            let field = if quoted {
                self.quoted_field()
            } else {
                self.unquoted_field()
            };
            match field {
                Ok(field) => fields.push(field),
                Err(e) => return self.fail(e.line, e.reason),
            }
            if self.byte(self.pos) == Some(b',') {
                self.pos += 1;
            } else if let Some(len) = self.record_end(self.pos) {
                self.pos += len;
                self.line += 1;
                break;
            } else if self.pos >= self.text.len() {
                break;
            } else {
                let line = self.line;
                return self.fail(line, "unexpected character after a closing quote");
            }
        }
        Some(Ok(Record {
            line: start_line,
            fields,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, SyntaxError> {
        records(text)
            .map(|r| r.map(|r| (r.line, r.fields)))
            .collect()
    }

    fn rec(line: usize, fields: &[&str]) -> (usize, Vec<String>) {
        (line, fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn plain_quoted_crlf_and_blank_lines() {
        let text = "a,b,c\r\n\r\n1,\"x, \"\"y\"\"\",\n\"multi\nline\",2,\"\"\n3,4,5";
        assert_eq!(
            parse(text).unwrap(),
            vec![
                rec(1, &["a", "b", "c"]),
                rec(3, &["1", "x, \"y\"", ""]),
                rec(4, &["multi\nline", "2", ""]),
                rec(6, &["3", "4", "5"]),
            ]
        );
    }

    #[test]
    fn empty_text_has_no_records_and_a_lone_cr_is_data() {
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("\n\r\n").unwrap(), vec![]);
        assert_eq!(parse("a\rb,c").unwrap(), vec![rec(1, &["a\rb", "c"])]);
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let unclosed = parse("a,b\n1,\"open\n\n").unwrap_err();
        assert_eq!(unclosed.line, 2);
        assert!(unclosed.reason.contains("never closed"), "{unclosed:?}");

        let stray = parse("a,b\n\n1,x\"y\n").unwrap_err();
        assert_eq!(stray.line, 3);
        assert!(stray.reason.contains("quote inside"), "{stray:?}");

        let after = parse("a,b\n\"x\"y,1\n").unwrap_err();
        assert_eq!(after.line, 2);
        assert!(after.reason.contains("after a closing quote"), "{after:?}");
    }

    #[test]
    fn iteration_stops_after_an_error() {
        let mut it = records("\"open\n1,2\n");
        assert!(matches!(it.next(), Some(Err(_))));
        assert!(it.next().is_none());
    }
}
