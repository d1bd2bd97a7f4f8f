//! Source positions: the line of a key in a TOML or JSON input file, so that a message can
//! point at it (``d.toml:9: unknown key `export_bucket` in `[archiving]` ``). Shared by the
//! deployment file (this crate) and by `mmpolicy render --params FILE`, whose parameter files
//! are not deployment files.

use std::path::Path;

/// The syntax of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl Format {
    /// TOML when the path ends in `.toml` (any case), else JSON.
    pub fn from_path(path: &Path) -> Self {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        {
            Format::Toml
        } else {
            Format::Json
        }
    }
}

/// The line of the key at the dotted `path` (`archiving.kms_key_arn`) in a TOML or JSON text
/// (a bundle file or a parameter file), when the text has it.
pub fn locate(text: &str, format: Format, path: &str) -> Option<usize> {
    let keys: Vec<&str> = path.split('.').collect();
    match format {
        Format::Toml => {
            let doc = toml_edit::ImDocument::parse(text).ok()?;
            let mut table: &dyn toml_edit::TableLike = doc.as_table();
            let mut span = None;
            let last = keys.len().saturating_sub(1);
            for (n, key) in keys.iter().enumerate() {
                let (name, index) = split_index(key);
                let (k, v) = table.get_key_value(name)?;
                span = k.span().or_else(|| v.span());
                if let Some(i) = index {
                    let (inner, inner_span): (&dyn toml_edit::TableLike, _) = match v {
                        toml_edit::Item::ArrayOfTables(a) => {
                            let t = a.get(i)?;
                            (t, t.span())
                        }
                        toml_edit::Item::Value(toml_edit::Value::Array(a)) => {
                            let t = a.get(i)?.as_inline_table()?;
                            (t, t.span())
                        }
                        _ => return None,
                    };
                    span = inner_span.or(span);
                    table = inner;
                } else if n < last {
                    table = v.as_table_like()?;
                }
            }
            span.map(|s| line_of(text, s.start))
        }
        Format::Json => {
            let mut scanner = JsonScanner {
                bytes: text.as_bytes(),
                pos: 0,
            };
            scanner.find(&keys).map(|offset| line_of(text, offset))
        }
    }
}

/// Splits `name[3]` into `name` and 3.
fn split_index(key: &str) -> (&str, Option<usize>) {
    key.strip_suffix(']')
        .and_then(|k| k.rsplit_once('['))
        .and_then(|(name, i)| i.parse().ok().map(|i| (name, Some(i))))
        .unwrap_or((key, None))
}

/// Just enough of a JSON reader to find where a key is: the text has already been read by
/// `serde_json`, so it is valid JSON.
struct JsonScanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl JsonScanner<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    /// Reads a string at the position (its opening quote), unescaping simple escapes.
    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.bytes.get(self.pos)?;
                    self.pos += 1;
                    match e {
                        b'u' => self.pos += 4,
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }

    /// Skips one value.
    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        match *self.bytes.get(self.pos)? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match *self.bytes.get(self.pos)? {
                        b if b == close => {
                            self.pos += 1;
                            return Some(());
                        }
                        b',' | b':' => self.pos += 1,
                        _ => self.skip_value()?,
                    }
                }
            }
            _ => {
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| !b",]}".contains(b) && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }

    /// Moves to item `i` of the array at the position; `Some(false)` when it has fewer.
    fn enter_item(&mut self, i: usize) -> Option<bool> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'[') {
            return Some(false);
        }
        self.pos += 1;
        for _ in 0..i {
            self.skip_value()?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b',') {
                return Some(false);
            }
            self.pos += 1;
        }
        self.skip_ws();
        Some(self.bytes.get(self.pos).is_some_and(|b| *b != b']'))
    }

    /// The offset of the last key of `path`, descending from the value at the position.
    fn find(&mut self, path: &[&str]) -> Option<usize> {
        let (first, rest) = path.split_first()?;
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'{') {
            return None;
        }
        self.pos += 1;
        loop {
            self.skip_ws();
            match *self.bytes.get(self.pos)? {
                b'}' => return None,
                b',' => self.pos += 1,
                _ => {
                    let at = self.pos;
                    let key = self.string()?;
                    self.skip_ws();
                    if self.bytes.get(self.pos) == Some(&b':') {
                        self.pos += 1;
                    }
                    let (name, index) = split_index(first);
                    if key == name {
                        if let Some(i) = index {
                            if !self.enter_item(i)? {
                                return None;
                            }
                            return if rest.is_empty() {
                                Some(self.pos)
                            } else {
                                self.find(rest)
                            };
                        }
                        return if rest.is_empty() {
                            Some(at)
                        } else {
                            self.find(rest)
                        };
                    }
                    self.skip_value()?;
                }
            }
        }
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .unwrap_or(text)
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_keys_past_nested_values() {
        let json = "{\"a\": [1, {\"b\": \"x\\\"}\"}, true],\n \"s\": {\"t\": null,\n  \"k\": 2}}";
        assert_eq!(locate(json, Format::Json, "s.k"), Some(3));
        assert_eq!(locate(json, Format::Json, "s"), Some(2));
        assert_eq!(locate(json, Format::Json, "s.missing"), None);
        assert_eq!(locate(json, Format::Json, "a.b"), None);
        let toml = "a = 1\n\n[s]\nt = 2\n\n[s.u]\nk = \"v\"\n";
        assert_eq!(locate(toml, Format::Toml, "s.u.k"), Some(7));
        assert_eq!(locate(toml, Format::Toml, "s.t"), Some(4));
        assert_eq!(locate(toml, Format::Toml, "s.x"), None);
        let toml = "[[s.l]]\nk = 1\n\n[[s.l]]\nk = 2\n";
        assert_eq!(locate(toml, Format::Toml, "s.l[1].k"), Some(5));
        assert_eq!(locate(toml, Format::Toml, "s.l[2].k"), None);
        assert_eq!(
            locate("s = { l = [{k = 1},\n {k = 2}] }", Format::Toml, "s.l[1].k"),
            Some(2)
        );
        let json = "{\"s\": {\"l\": [{\"k\": [1]},\n {\"j\": 0,\n \"k\": 2}]}}";
        assert_eq!(locate(json, Format::Json, "s.l[1].k"), Some(3));
        assert_eq!(locate(json, Format::Json, "s.l[2].k"), None);
    }
}
