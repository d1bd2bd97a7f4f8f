//! Wildcards (`*`, `?`), policy variables (`${aws:username}`, `${aws:PrincipalTag/team,
//! 'default'}`, the escapes `${*}`, `${?}`, `${$}`) and ARN matching segment by segment.
//!
//! AWS, "IAM policy elements: Variables and tags": a variable is replaced by the value of the
//! request context key it names; a key that is absent (or multi-valued) makes the element that
//! holds it not match, unless the variable has a default (`${key, 'default'}`). The escapes
//! stand for the literal characters, which are then no wildcard.
//! AWS, "IAM JSON policy elements: Resource": each of the six colon-delimited parts of an ARN
//! is matched on its own; a wildcard in the resource part may span `/` and `:`.

use crate::context::Context;

/// One element of an expanded pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// Exactly this character.
    Lit(char),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: any one character.
    One,
}

/// Expands `text` into tokens: variables replaced from `context`, `*`/`?` read as wildcards
/// when `wildcards` (else as themselves). `None` when a variable has no value in the context.
pub(crate) fn expand(text: &str, context: &Context, wildcards: bool) -> Option<Vec<Tok>> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(end) = after.find('}') {
                let inner = &after[..end];
                match inner {
                    "*" | "?" | "$" => out.extend(inner.chars().map(Tok::Lit)),
                    _ => {
                        let value = variable(inner, context)?;
                        out.extend(value.chars().map(Tok::Lit));
                    }
                }
                rest = &after[end + 1..];
                continue;
            }
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        out.push(match c {
            '*' if wildcards => Tok::Star,
            '?' if wildcards => Tok::One,
            c => Tok::Lit(c),
        });
        rest = chars.as_str();
    }
    Some(out)
}

/// The value of the variable `inner` (the text between `${` and `}`): a single-valued context
/// key, or the default after `, '...'`.
fn variable(inner: &str, context: &Context) -> Option<String> {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let default = default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''));
            (key.trim(), default)
        }
        None => (inner.trim(), None),
    };
    match context.get(key) {
        Some([one]) => Some(one.text().to_owned()),
        _ => default.map(str::to_owned),
    }
}

/// Whether `text` matches `pattern`, ASCII case ignored when `ignore_case`.
pub(crate) fn glob(pattern: &[Tok], text: &str, ignore_case: bool) -> bool {
    let t: Vec<char> = text.chars().collect();
    glob_chars(pattern, &t, ignore_case)
}

/// Greedy glob with backtracking to the last `*`: linear in practice, never exponential.
fn glob_chars(p: &[Tok], t: &[char], ignore_case: bool) -> bool {
    let eq = |a: char, b: char| {
        if ignore_case {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(Tok::Star) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(Tok::One) => {
                pi += 1;
                ti += 1;
            }
            Some(Tok::Lit(c)) if t.get(ti).is_some_and(|&x| eq(*c, x)) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&tok| tok == Tok::Star))
}

/// Whether the ARN `text` matches the ARN `pattern`: the six colon-delimited parts one by one
/// (a wildcard in the first five stays inside its part; the resource part may span `:` and
/// `/`), case-sensitive. A pattern without `:` is matched whole (`*` matches every resource);
/// another pattern or text that is not six parts long matches nothing.
pub(crate) fn arn_matches(pattern: &[Tok], text: &str) -> bool {
    let p_parts = split_tokens(pattern);
    let t_parts: Vec<&str> = text.splitn(6, ':').collect();
    if p_parts.len() == 1 {
        return glob(pattern, text, false);
    }
    if p_parts.len() != 6 || t_parts.len() != 6 {
        return false;
    }
    p_parts.iter().zip(&t_parts).all(|(p, t)| glob(p, t, false))
}

/// Splits tokens at the first five literal `:`.
fn split_tokens(pattern: &[Tok]) -> Vec<&[Tok]> {
    let mut parts = Vec::with_capacity(6);
    let mut start = 0;
    for (i, tok) in pattern.iter().enumerate() {
        if parts.len() == 5 {
            break;
        }
        if *tok == Tok::Lit(':') {
            parts.push(&pattern[start..i]);
            start = i + 1;
        }
    }
    parts.push(&pattern[start..]);
    parts
}

/// Whether the action `text` (`service:Name`) matches the action pattern, case ignored.
pub(crate) fn action_matches(pattern: &str, text: &str) -> bool {
    let toks: Vec<Tok> = pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        })
        .collect();
    glob(&toks, text, true)
}
