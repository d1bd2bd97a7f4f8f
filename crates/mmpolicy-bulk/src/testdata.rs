//! A reproducible generator of varied, valid parameter sets for every provider, shared by the
//! tests and the benches. No network, no randomness source: a fixed seed gives the same sets on
//! every machine.
//!
//! Sets are derived from each provider's [`example_params`](mmpolicy::PolicyProvider::example_params),
//! so a provider added later is covered without change here. Only fields whose names say what
//! they hold are varied, each in a way that keeps it valid:
//! - `account_id`: twelve other digits;
//! - `region`: another commercial region where Mail Manager runs;
//! - other `*_id` fields: the same prefix (up to the first `-`) and the rest redrawn character by
//!   character in the same class (digits, hexadecimal or lowercase letters), so the length and
//!   the alphabet, and with them the type's rule, still hold;
//! - `bucket` and `*_bucket`: the example's name with a short suffix;
//! - ARNs anywhere in the set (`arn:...`): the example's account and region segments follow the
//!   new account and region, so keys and principals stay in the same account and region.
//!
//! Every candidate is rendered; one that fails (a provider with a rule the generator does not
//! know) is replaced by a variant with only the ids redrawn, and failing that by the example
//! itself.
//!
//! [`serde_floor`] is what the benches compare the bulk path with: the same policies, rendered
//! beforehand, serialised by `serde_json` in the shape `mmpolicy bulk` writes.

use mmpolicy::{PolicyDocument, PolicyProvider, Shape};
use serde_json::{Map, Value};

/// The seed the tests and benches use.
pub const SEED: u64 = 0x6d6d_706f_6c69_6379;

/// Commercial regions where Mail Manager is available.
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
];

/// splitmix64: a tiny, fast, well-mixed generator, plenty for test data.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    /// One byte of `alphabet`.
    fn pick(&mut self, alphabet: &[u8]) -> u8 {
        alphabet
            .get(self.below(alphabet.len()))
            .copied()
            .unwrap_or(b'0')
    }
}

const DIGITS: &[u8] = b"0123456789";
const HEX_LETTERS: &[u8] = b"abcdef";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// `count` parameter sets for `provider`, the same for the same seed.
pub fn param_sets(provider: &dyn PolicyProvider, count: usize, seed: u64) -> Vec<Value> {
    let example = provider.example_params();
    let mut rng = Rng(seed ^ fnv1a(provider.id()));
    (0..count)
        .map(|_| {
            let full = vary(&example, &mut rng, true);
            if provider.render_value(&full).is_ok() {
                return full;
            }
            let ids_only = vary(&example, &mut rng, false);
            if provider.render_value(&ids_only).is_ok() {
                return ids_only;
            }
            example.clone()
        })
        .collect()
}

/// The sets of [`param_sets`] as NDJSON, one set a line.
pub fn ndjson(provider: &dyn PolicyProvider, count: usize, seed: u64) -> String {
    let mut out = String::new();
    for set in param_sets(provider, count, seed) {
        out.push_str(&set.to_string());
        out.push('\n');
    }
    out
}

/// The serde floor of one finished policy: `document` serialised by `serde_json::to_writer`
/// in `shape`, the shape `mmpolicy bulk` writes for the provider's kind
/// ([`PolicyKind::shape`](mmpolicy::PolicyKind::shape)): the whole document, or the list of
/// its statements. The same bytes as the bulk path's line, without the newline.
pub fn serde_floor(shape: Shape, document: &PolicyDocument, out: &mut Vec<u8>) {
    // Writing into a `Vec` cannot fail.
    let _ = match shape {
        Shape::Document => serde_json::to_writer(&mut *out, document),
        Shape::Statements => serde_json::to_writer(&mut *out, document.statements()),
    };
}

/// Parameter sets as CSV, in the form `mmpolicy bulk --input-format csv` reads: a header of
/// every parameter any set has, an empty cell for a parameter a set leaves out, strings as
/// written, structured values as JSON, booleans and numbers as JSON writes them.
pub fn to_csv(sets: &[Value]) -> String {
    let mut columns: Vec<String> = Vec::new();
    for set in sets {
        if let Value::Object(map) = set {
            for key in map.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&columns);
    for set in sets {
        let row: Vec<String> = columns
            .iter()
            .map(|c| match set.get(c) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            })
            .collect();
        let _ = writer.write_record(&row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A hash of the provider id, so that each provider gets its own stream from one seed.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// One variant of the example; `place` also moves it to another account and region.
fn vary(example: &Value, rng: &mut Rng, place: bool) -> Value {
    let Value::Object(map) = example else {
        return example.clone();
    };
    let old_account = map.get("account_id").and_then(Value::as_str);
    let old_region = map.get("region").and_then(Value::as_str);
    let new_account: String = (0..12).map(|_| char::from(rng.pick(DIGITS))).collect();
    let new_region = REGIONS
        .get(rng.below(REGIONS.len()))
        .copied()
        .unwrap_or("us-east-1");
    let moves = Moves {
        account: old_account
            .filter(|_| place)
            .map(|old| (old.to_owned(), new_account)),
        region: old_region
            .filter(|_| place)
            .map(|old| (old.to_owned(), new_region.to_owned())),
    };
    let mut out = Map::new();
    for (key, value) in map {
        let varied = match (key.as_str(), value) {
            ("account_id", Value::String(_)) => moves
                .account
                .as_ref()
                .map_or_else(|| value.clone(), |(_, new)| Value::from(new.as_str())),
            ("region", Value::String(_)) => moves
                .region
                .as_ref()
                .map_or_else(|| value.clone(), |(_, new)| Value::from(new.as_str())),
            (k, Value::String(s)) if k.ends_with("_id") && !s.starts_with("arn:") => {
                Value::from(vary_id(s, rng))
            }
            (k, Value::String(s)) if k == "bucket" || k.ends_with("_bucket") => {
                Value::from(vary_bucket(s, rng))
            }
            _ => moves.apply(value),
        };
        out.insert(key.clone(), varied);
    }
    Value::Object(out)
}

/// The account and region a variant moves to, from the example's.
struct Moves {
    account: Option<(String, String)>,
    region: Option<(String, String)>,
}

impl Moves {
    /// `value` with its ARNs' account and region segments moved.
    fn apply(&self, value: &Value) -> Value {
        match value {
            Value::String(s) if s.starts_with("arn:") => Value::from(self.arn(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.apply(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.apply(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// `arn:partition:service:region:account:resource` with region and account moved.
    fn arn(&self, arn: &str) -> String {
        let mut parts: Vec<&str> = arn.splitn(6, ':').collect();
        if let (Some((old, new)), Some(part)) = (&self.region, parts.get_mut(3)) {
            if part == old {
                *part = new;
            }
        }
        if let (Some((old, new)), Some(part)) = (&self.account, parts.get_mut(4)) {
            if part == old {
                *part = new;
            }
        }
        parts.join(":")
    }
}

/// The same prefix (up to the first `-`), the rest redrawn in the same character classes.
fn vary_id(id: &str, rng: &mut Rng) -> String {
    let (prefix, rest) = match id.find('-') {
        Some(i) if i + 1 < id.len() && i <= 4 => id.split_at(i + 1),
        _ => ("", id),
    };
    let hex_only = rest
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-');
    let mut out = String::with_capacity(id.len());
    out.push_str(prefix);
    for b in rest.bytes() {
        let c = match b {
            b'0'..=b'9' => rng.pick(DIGITS),
            b'a'..=b'z' if hex_only => rng.pick(HEX_LETTERS),
            b'a'..=b'z' => rng.pick(LOWER),
            b'A'..=b'Z' => rng.pick(UPPER),
            other => other,
        };
        out.push(char::from(c));
    }
    out
}

/// The bucket name with a short suffix, when it stays within S3's 63 characters.
fn vary_bucket(bucket: &str, rng: &mut Rng) -> String {
    if bucket.len() + 7 > 63 {
        return bucket.to_owned();
    }
    let suffix: String = (0..6).map(|_| char::from(rng.pick(LOWER))).collect();
    format!("{bucket}-{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_prefix_length_and_alphabet() {
        let mut rng = Rng(1);
        let id = vary_id("inp-7x3kq9b2m4n8p1r5t6v0w2y4z8", &mut rng);
        assert!(id.starts_with("inp-") && id.len() == 30, "{id}");
        assert_ne!(id, "inp-7x3kq9b2m4n8p1r5t6v0w2y4z8");
        let id = vary_id("m-0123456789abcdef0123456789abcdef", &mut rng);
        assert!(id.starts_with("m-") && id.len() == 34, "{id}");
        assert!(
            id[2..]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{id}"
        );
    }

    #[test]
    fn arns_follow_the_account_and_region() {
        let moves = Moves {
            account: Some(("111122223333".into(), "444455556666".into())),
            region: Some(("us-east-1".into(), "eu-west-1".into())),
        };
        assert_eq!(
            moves.arn("arn:aws:kms:us-east-1:111122223333:key/x:y"),
            "arn:aws:kms:eu-west-1:444455556666:key/x:y"
        );
        assert_eq!(
            moves.arn("arn:aws:iam::111122223333:role/r"),
            "arn:aws:iam::444455556666:role/r"
        );
        assert_eq!(moves.arn("arn:aws:s3:::bucket"), "arn:aws:s3:::bucket");
    }

    /// A provider that accepts only `us-east-1`, to exercise the generator's fallbacks.
    struct EastOnly;

    #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct EastParams {
        account_id: mmpolicy::types::AccountId,
        region: mmpolicy::types::Region,
        widget_id: String,
    }

    impl mmpolicy::Provider for EastOnly {
        type Params = EastParams;
        const ID: &'static str = "test.east-only";
        const FEATURE: &'static str = "test";
        const KIND: mmpolicy::PolicyKind = mmpolicy::PolicyKind::Identity;
        const TITLE: &'static str = "test";
        const DESCRIPTION: &'static str = "test";
        const SOURCE: &'static str = "test";

        fn example() -> EastParams {
            EastParams {
                account_id: mmpolicy::types::example::account_id(),
                region: mmpolicy::types::example::region(),
                widget_id: "w-0a1b2c".into(),
            }
        }

        fn render(p: &EastParams) -> Result<mmpolicy::PolicyDocument, mmpolicy::InvalidValue> {
            if p.region.as_str() != "us-east-1" {
                return Err(mmpolicy::InvalidValue::new(
                    "region",
                    p.region.as_str(),
                    "east only",
                ));
            }
            Ok(mmpolicy::PolicyDocument::new(vec![]))
        }

        fn required_requests(
            p: &EastParams,
        ) -> Result<Vec<mmpolicy::ExpectedRequest>, mmpolicy::InvalidValue> {
            Self::render(p).map(|_| Vec::new())
        }
    }

    #[test]
    fn a_set_the_provider_refuses_falls_back_to_varied_ids_only() {
        let sets = param_sets(&EastOnly, 50, SEED);
        // A moved set is kept only when it drew `us-east-1` (one in sixteen); the others fall
        // back to the example's account and region with new ids.
        let fell_back = sets
            .iter()
            .filter(|s| s["account_id"] == "111122223333")
            .count();
        assert!(fell_back > 35, "{fell_back}");
        for set in &sets {
            assert_eq!(set["region"], "us-east-1");
            let widget = set["widget_id"].as_str().unwrap();
            assert!(widget.starts_with("w-") && widget.len() == 8, "{widget}");
        }
        let widgets: std::collections::HashSet<String> =
            sets.iter().map(|s| s["widget_id"].to_string()).collect();
        assert!(widgets.len() > 40, "{widgets:?}");
    }

    #[test]
    fn the_serde_floor_writes_what_bulk_writes() {
        for provider in mmpolicy::registry().iter() {
            let input = ndjson(provider, 3, SEED);
            let mut bulk = Vec::new();
            for line in input.lines() {
                provider.render_compact_into(line, &mut bulk).unwrap();
                bulk.push(b'\n');
            }
            let mut floor = Vec::new();
            for set in param_sets(provider, 3, SEED) {
                let document = provider.render_value(&set).unwrap();
                serde_floor(provider.kind().shape(), &document, &mut floor);
                floor.push(b'\n');
            }
            assert_eq!(
                String::from_utf8(bulk).unwrap(),
                String::from_utf8(floor).unwrap(),
                "{}",
                provider.id()
            );
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_sets() {
        let provider = mmpolicy::registry().iter().next().unwrap();
        assert_eq!(
            param_sets(provider, 50, SEED),
            param_sets(provider, 50, SEED)
        );
        assert_ne!(param_sets(provider, 50, SEED), param_sets(provider, 50, 7));
    }
}
