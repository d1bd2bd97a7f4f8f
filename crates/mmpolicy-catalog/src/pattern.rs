//! Matching: IAM wildcards (`*`, `?`) in action names, resource ARNs against the ARN formats of
//! resource types, and condition keys against templated keys (`aws:RequestTag/${TagKey}`).
//!
//! Both sides of a resource match may hold wildcards: a resource pattern matches a resource
//! type when some ARN exists that both the pattern and the type's format describe. That is
//! decided on two small automata (the pattern's `*`/`?`, the format's `${Variable}`s), without
//! building either.

/// Whether `text` matches the IAM wildcard `pattern` (`*` any run, `?` one character),
/// ignoring ASCII case as IAM does for action names.
pub fn wildcard_matches_ignore_case(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    glob(&p, &t)
}

/// Classic greedy glob with backtracking to the last `*`.
fn glob(p: &[char], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
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
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether the string holds an IAM wildcard.
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// One element of a pattern over ARN characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// Exactly this character.
    Lit(char),
    /// Any one character of the class.
    One(Class),
    /// Any run (possibly empty) of characters of the class.
    Star(Class),
}

/// The characters a wildcard or a variable may stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Anything.
    Any,
    /// Anything but `:` (the fields before the resource part).
    NoColon,
    /// Anything but `/` and `:` (a resource part that is one variable, such as an S3
    /// bucket name: without this, `bucket/*` would pass for a bucket).
    NoSlash,
}

impl Class {
    fn admits(self, c: char) -> bool {
        match self {
            Class::Any => true,
            Class::NoColon => c != ':',
            Class::NoSlash => c != ':' && c != '/',
        }
    }

    fn meet(self, other: Class) -> Class {
        match (self, other) {
            (Class::NoSlash, _) | (_, Class::NoSlash) => Class::NoSlash,
            (Class::NoColon, _) | (_, Class::NoColon) => Class::NoColon,
            _ => Class::Any,
        }
    }
}

/// Tokens of a resource pattern as written in a policy (`*`, `?`, literal characters). A
/// policy variable (`${aws:username}`) stands for any run.
fn resource_tokens(resource: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(resource.len());
    let mut rest = resource;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(end) = after.find('}') {
                out.push(Tok::Star(Class::Any));
                rest = &after[end + 1..];
                continue;
            }
        }
        out.push(match c {
            '*' => Tok::Star(Class::Any),
            '?' => Tok::One(Class::Any),
            c => Tok::Lit(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Tokens of a resource type's ARN format (`arn:${Partition}:s3:::${BucketName}`): each
/// `${Variable}` is one or more characters.
fn format_tokens(format: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(format.len());
    let mut rest = format;
    let resource_start = resource_part_start(format);
    let whole_resource_is_one_variable = resource_start.is_some_and(|start| {
        let part = &format[start..];
        part.starts_with("${") && part.find('}') == Some(part.len() - 1)
    });
    let mut pos = 0;
    while let Some(c) = rest.chars().next() {
        let in_resource = resource_start.is_some_and(|s| pos >= s);
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(end) = after.find('}') {
                let class = if !in_resource {
                    Class::NoColon
                } else if whole_resource_is_one_variable {
                    Class::NoSlash
                } else {
                    Class::Any
                };
                out.push(Tok::One(class));
                out.push(Tok::Star(class));
                let used = 2 + end + 1;
                rest = &rest[used..];
                pos += used;
                continue;
            }
        }
        out.push(Tok::Lit(c));
        rest = &rest[c.len_utf8()..];
        pos += c.len_utf8();
    }
    out
}

/// The byte offset where the resource part of an ARN (format) starts: after the fifth `:`
/// outside `${...}`.
fn resource_part_start(arn: &str) -> Option<usize> {
    let mut colons = 0;
    let mut depth = 0;
    for (i, c) in arn.char_indices() {
        match c {
            '$' if arn[i..].starts_with("${") => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ':' if depth == 0 => {
                colons += 1;
                if colons == 5 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Whether some ARN is described both by `resource` (as written in a policy, with `*`/`?`)
/// and by the resource type's ARN `format`.
pub fn arn_matches_format(format: &str, resource: &str) -> bool {
    let f = format_tokens(format);
    let r = resource_tokens(resource);
    intersects(&f, &r)
}

/// Whether two token patterns describe at least one common string. Breadth-first over pairs
/// of positions; `Star` may be skipped, or consume a character and stay.
fn intersects(a: &[Tok], b: &[Tok]) -> bool {
    let (n, m) = (a.len(), b.len());
    let mut seen = vec![false; (n + 1) * (m + 1)];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let idx = i * (m + 1) + j;
        if seen[idx] {
            continue;
        }
        seen[idx] = true;
        if i == n && j == m {
            return true;
        }
        if let Some(Tok::Star(_)) = a.get(i) {
            stack.push((i + 1, j));
        }
        if let Some(Tok::Star(_)) = b.get(j) {
            stack.push((i, j + 1));
        }
        if let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
            if step_compatible(x, y) {
                let ni = if matches!(x, Tok::Star(_)) { i } else { i + 1 };
                let nj = if matches!(y, Tok::Star(_)) { j } else { j + 1 };
                if (ni, nj) != (i, j) {
                    stack.push((ni, nj));
                }
            }
        }
    }
    false
}

/// Whether one character can be consumed by both tokens at once.
fn step_compatible(x: Tok, y: Tok) -> bool {
    match (x, y) {
        (Tok::Lit(c), Tok::Lit(d)) => c == d,
        (Tok::Lit(c), Tok::One(k) | Tok::Star(k)) | (Tok::One(k) | Tok::Star(k), Tok::Lit(c)) => {
            k.admits(c)
        }
        // Two classes always share an ordinary character (`a`).
        (Tok::One(k) | Tok::Star(k), Tok::One(l) | Tok::Star(l)) => k.meet(l).admits('a'),
    }
}

/// Whether the condition `key` matches the catalog's `template`, ignoring ASCII case as IAM
/// does: `${...}` in the template stands for one or more characters
/// (`aws:RequestTag/${TagKey}` matches `aws:RequestTag/team`).
pub fn key_matches_template(template: &str, key: &str) -> bool {
    if !template.contains("${") {
        return template.eq_ignore_ascii_case(key);
    }
    let mut t: Vec<char> = Vec::with_capacity(template.len());
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(end) = after.find('}') {
                // `?*` in glob terms: one or more characters. Literal `*`/`?` cannot occur in
                // a key name, so the glob alphabet is safe here.
                t.push('?');
                t.push('*');
                rest = &after[end + 1..];
                continue;
            }
        }
        t.push(c.to_ascii_lowercase());
        rest = &rest[c.len_utf8()..];
    }
    let k: Vec<char> = key.chars().map(|c| c.to_ascii_lowercase()).collect();
    if k.iter().any(|&c| c == '*' || c == '?') {
        return false;
    }
    glob(&t, &k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_wildcards_ignore_case() {
        assert!(wildcard_matches_ignore_case(
            "kms:GenerateDataKey*",
            "kms:generatedatakeywithoutplaintext"
        ));
        assert!(wildcard_matches_ignore_case("s3:get*", "s3:GetObject"));
        assert!(wildcard_matches_ignore_case("s3:Get?bject", "s3:GetObject"));
        assert!(!wildcard_matches_ignore_case("s3:Get*", "s3:PutObject"));
        assert!(!wildcard_matches_ignore_case(
            "s3:GetObject",
            "s3:GetObjectAcl"
        ));
        assert!(wildcard_matches_ignore_case("*", "anything"));
    }

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const ARCHIVE: &str =
        "arn:${Partition}:ses:${Region}:${Account}:mailmanager-archive/${ArchiveId}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

    #[test]
    fn s3_bucket_and_object_are_told_apart() {
        assert!(arn_matches_format(BUCKET, "arn:aws:s3:::my-bucket"));
        assert!(!arn_matches_format(BUCKET, "arn:aws:s3:::my-bucket/*"));
        assert!(arn_matches_format(OBJECT, "arn:aws:s3:::my-bucket/*"));
        assert!(arn_matches_format(OBJECT, "arn:aws:s3:::my-bucket/a/b.eml"));
        assert!(!arn_matches_format(OBJECT, "arn:aws:s3:::my-bucket"));
        // A bare `*` could name either.
        assert!(arn_matches_format(BUCKET, "arn:aws:s3:::*"));
        assert!(arn_matches_format(OBJECT, "arn:aws:s3:::*"));
        assert!(arn_matches_format(BUCKET, "*"));
    }

    #[test]
    fn fields_before_the_resource_must_agree() {
        assert!(arn_matches_format(
            ARCHIVE,
            "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"
        ));
        assert!(arn_matches_format(
            ARCHIVE,
            "arn:aws:ses:*:*:mailmanager-archive/*"
        ));
        assert!(!arn_matches_format(
            ARCHIVE,
            "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/*"
        ));
        assert!(!arn_matches_format(
            ARCHIVE,
            "arn:aws:kms:us-east-1:111122223333:mailmanager-archive/a"
        ));
        // A region where the format has none.
        assert!(!arn_matches_format(
            ROLE,
            "arn:aws:iam:us-east-1:111122223333:role/r"
        ));
        assert!(arn_matches_format(
            ROLE,
            "arn:aws:iam::111122223333:role/path/r"
        ));
        // The empty variable: `mailmanager-archive/` names nothing.
        assert!(!arn_matches_format(
            ARCHIVE,
            "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/"
        ));
    }

    #[test]
    fn policy_variables_stand_for_any_run() {
        assert!(arn_matches_format(
            "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}",
            "arn:aws:iam::111122223333:user/${aws:username}"
        ));
    }

    #[test]
    fn templated_keys() {
        assert!(key_matches_template(
            "aws:RequestTag/${TagKey}",
            "aws:requesttag/key-name"
        ));
        assert!(!key_matches_template(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/"
        ));
        assert!(key_matches_template(
            "s3:RequestObjectTag/${Key}",
            "s3:RequestObjectTag/team"
        ));
        assert!(key_matches_template("aws:SourceArn", "AWS:sourcearn"));
        assert!(!key_matches_template("aws:SourceArn", "aws:SourceAccount"));
        assert!(key_matches_template(
            "kms:EncryptionContext:${EncryptionContextKey}",
            "kms:EncryptionContext:aws:secretsmanager:arn"
        ));
    }
}
