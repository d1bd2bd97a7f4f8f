//! AWS regions and partitions.

use crate::InvalidValue;
use crate::string_newtype;
use schemars::json_schema;
use std::fmt;

/// An AWS partition: the namespace of ARNs (`arn:<partition>:...`) and of endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-cn`: the China regions.
    AwsCn,
    /// `aws-us-gov`: AWS GovCloud (US).
    AwsUsGov,
}

impl Partition {
    /// The partition as it appears in ARNs.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    /// The DNS suffix of the partition's endpoints (`amazonaws.com`, `amazonaws.com.cn`).
    pub fn dns_suffix(self) -> &'static str {
        match self {
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
            Partition::AwsCn => "amazonaws.com.cn",
        }
    }

    /// Parses `aws`, `aws-cn` or `aws-us-gov`.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        match value {
            "aws" => Ok(Partition::Aws),
            "aws-cn" => Ok(Partition::AwsCn),
            "aws-us-gov" => Ok(Partition::AwsUsGov),
            _ => Err(InvalidValue::new(
                "partition",
                value,
                "expected `aws`, `aws-cn` or `aws-us-gov` (or leave it out: it follows from the region)",
            )),
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Partition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Partition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Partition::new(&s).map_err(|e| serde::de::Error::custom(e.detail()))
    }
}

impl schemars::JsonSchema for Partition {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Partition".into()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        "mmpolicy::Partition".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        json_schema!({
            "title": "AWS partition",
            "type": "string",
            "description": "An AWS partition: `aws`, `aws-cn` or `aws-us-gov` (or leave it out: it follows from the region).",
            "enum": ["aws", "aws-cn", "aws-us-gov"]
        })
    }
}

/// Every region code mmpolicy knows, with its partition, in code order.
const REGIONS: &[(&str, Partition)] = &[
    ("af-south-1", Partition::Aws),
    ("ap-east-1", Partition::Aws),
    ("ap-east-2", Partition::Aws),
    ("ap-northeast-1", Partition::Aws),
    ("ap-northeast-2", Partition::Aws),
    ("ap-northeast-3", Partition::Aws),
    ("ap-south-1", Partition::Aws),
    ("ap-south-2", Partition::Aws),
    ("ap-southeast-1", Partition::Aws),
    ("ap-southeast-2", Partition::Aws),
    ("ap-southeast-3", Partition::Aws),
    ("ap-southeast-4", Partition::Aws),
    ("ap-southeast-5", Partition::Aws),
    ("ap-southeast-6", Partition::Aws),
    ("ap-southeast-7", Partition::Aws),
    ("ca-central-1", Partition::Aws),
    ("ca-west-1", Partition::Aws),
    ("cn-north-1", Partition::AwsCn),
    ("cn-northwest-1", Partition::AwsCn),
    ("eu-central-1", Partition::Aws),
    ("eu-central-2", Partition::Aws),
    ("eu-north-1", Partition::Aws),
    ("eu-south-1", Partition::Aws),
    ("eu-south-2", Partition::Aws),
    ("eu-west-1", Partition::Aws),
    ("eu-west-2", Partition::Aws),
    ("eu-west-3", Partition::Aws),
    ("il-central-1", Partition::Aws),
    ("me-central-1", Partition::Aws),
    ("me-south-1", Partition::Aws),
    ("mx-central-1", Partition::Aws),
    ("sa-east-1", Partition::Aws),
    ("us-east-1", Partition::Aws),
    ("us-east-2", Partition::Aws),
    ("us-gov-east-1", Partition::AwsUsGov),
    ("us-gov-west-1", Partition::AwsUsGov),
    ("us-west-1", Partition::Aws),
    ("us-west-2", Partition::Aws),
];

/// What a region code of at most sixteen bytes is made of, for the lookup: its first eight
/// bytes, its last eight (they overlap for a code shorter than sixteen) and its length, which
/// together are the whole code. `None` for a code shorter than eight bytes or longer than
/// sixteen, which is no region code.
const fn region_words(code: &[u8]) -> Option<(u64, u64, usize)> {
    let n = code.len();
    if n < 8 || n > 16 {
        return None;
    }
    let (mut head, mut tail) = ([0u8; 8], [0u8; 8]);
    let mut i = 0;
    while i < 8 {
        head[i] = code[i];
        tail[i] = code[n - 8 + i];
        i += 1;
    }
    Some((u64::from_le_bytes(head), u64::from_le_bytes(tail), n))
}

/// The slot of a code's words in a table of `1 << bits` slots, for a multiplier `m`.
const fn slot((head, tail, len): (u64, u64, usize), m: u64, bits: u32) -> usize {
    ((head ^ tail.rotate_left(29) ^ len as u64).wrapping_mul(m) >> (64 - bits)) as usize
}

/// The [`region_words`] of each code of [`REGIONS`], in the same order.
const REGION_WORDS: [(u64, u64, usize); REGIONS.len()] = {
    let mut words = [(0, 0, 0); REGIONS.len()];
    let mut i = 0;
    while i < REGIONS.len() {
        words[i] = match region_words(REGIONS[i].0.as_bytes()) {
            Some(w) => w,
            None => panic!("a region code has 8 to 16 characters"),
        };
        i += 1;
    }
    words
};

/// The most slots the lookup table may have.
const MAX_SLOTS: usize = 1024;

/// A perfect hash of the codes: the first table size (from 128 slots up) and multiplier (from
/// a fixed sequence) under which no two codes share a slot, found by the compiler. Looking a
/// code up is then one multiplication and one comparison, with no branch that depends on
/// which region it is, where a binary search mispredicts several.
static LOOKUP: (u64, u32, [u8; MAX_SLOTS]) = {
    let mut bits = 7;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut found = None;
    while found.is_none() && (1 << bits) <= MAX_SLOTS {
        let mut tries = 0;
        while found.is_none() && tries < 4096 {
            // splitmix64's step: a well-mixed odd multiplier each try.
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = seed;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            let m = (z ^ (z >> 31)) | 1;
            let mut table = [u8::MAX; MAX_SLOTS];
            let mut i = 0;
            while i < REGIONS.len() {
                let s = slot(REGION_WORDS[i], m, bits);
                if table[s] != u8::MAX {
                    break;
                }
                table[s] = i as u8;
                i += 1;
            }
            if i == REGIONS.len() {
                found = Some((m, bits, table));
            }
            tries += 1;
        }
        bits += 1;
    }
    assert!(
        REGIONS.len() < u8::MAX as usize,
        "a region's index fits a byte"
    );
    match found {
        Some(lookup) => lookup,
        None => panic!("no perfect hash of the region codes: raise MAX_SLOTS"),
    }
};

/// The index in [`REGIONS`] of the code `value`.
fn region_index(value: &str) -> Option<usize> {
    let words = region_words(value.as_bytes())?;
    let (m, bits, table) = &LOOKUP;
    let i = usize::from(*table.get(slot(words, *m, *bits))?);
    // The words and length of a code are the whole code.
    (REGION_WORDS.get(i)? == &words).then_some(i)
}

/// An AWS region code that exists (`us-east-1`), with the partition it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(u8);

impl Region {
    /// Parses a region code; an unknown code is refused with the nearest known one.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        // REGIONS is sorted by code (`tests::regions_are_sorted`).
        if let Some(i) = region_index(value) {
            // REGIONS has fewer than 256 entries.
            return Ok(Region(u8::try_from(i).unwrap_or(0)));
        }
        super::reject_widening(Self::FIELD, value)?;
        let lower = value.to_ascii_lowercase();
        let nearest = REGIONS
            .iter()
            .map(|(code, _)| (strsim::levenshtein(&lower, code), *code))
            .min()
            .map(|(_, code)| code)
            .unwrap_or("us-east-1");
        Err(InvalidValue::new(
            Self::FIELD,
            value,
            format!("not a known AWS region code: did you mean `{nearest}`?"),
        ))
    }

    /// The region code.
    pub fn as_str(&self) -> &'static str {
        REGIONS
            .get(usize::from(self.0))
            .map_or("us-east-1", |r| r.0)
    }

    /// The partition the region is in.
    pub fn partition(&self) -> Partition {
        REGIONS
            .get(usize::from(self.0))
            .map_or(Partition::Aws, |r| r.1)
    }

    /// Every known region, in code order.
    pub fn all() -> impl Iterator<Item = Region> {
        (0..REGIONS.len()).filter_map(|i| u8::try_from(i).ok().map(Region))
    }

    /// `<service>.<region>.<dns suffix>`, the value of `kms:ViaService` for a service here.
    pub fn service_endpoint(&self, service: &str) -> String {
        [
            service,
            ".",
            self.as_str(),
            ".",
            self.partition().dns_suffix(),
        ]
        .concat()
    }
}

string_newtype!(
    Region,
    field = "region",
    schema = {
        let codes: Vec<&str> = REGIONS.iter().map(|r| r.0).collect();
        json_schema!({
            "title": "AWS region code",
            "type": "string",
            "description": "A known AWS region code, such as `us-east-1`.",
            "enum": codes
        })
    }
);

/// The partition of `region`, checked against an explicitly given `partition`.
pub fn resolve_partition(
    region: Region,
    partition: Option<Partition>,
) -> Result<Partition, InvalidValue> {
    match partition {
        None => Ok(region.partition()),
        Some(p) if p == region.partition() => Ok(p),
        Some(p) => Err(InvalidValue::new(
            "partition",
            p.as_str(),
            format!(
                "region `{region}` is in partition `{}`; leave `partition` out or make it match",
                region.partition()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_regions_parse_with_their_partition() {
        assert_eq!(
            Region::new("us-east-1").unwrap().partition(),
            Partition::Aws
        );
        assert_eq!(
            Region::new("cn-north-1").unwrap().partition(),
            Partition::AwsCn
        );
        assert_eq!(
            Region::new("us-gov-west-1").unwrap().partition(),
            Partition::AwsUsGov
        );
        assert_eq!(Region::new("eu-west-3").unwrap().to_string(), "eu-west-3");
    }

    #[test]
    fn regions_are_sorted() {
        assert!(REGIONS.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, _) in REGIONS {
            assert_eq!(Region::new(code).unwrap().as_str(), *code);
        }
    }

    #[test]
    fn only_whole_codes_are_regions() {
        for code in [
            "us-east-1\0",
            "us-east-",
            "us-east-10",
            "",
            "us-east-1us-east-1",
            "\0us-east-1",
            "aaaaaaaaaaaaaaaaa",
        ] {
            assert!(Region::new(code).is_err(), "{code:?}");
        }
        for (code, _) in REGIONS {
            assert_eq!(region_index(code).map(|i| REGIONS[i].0), Some(*code));
        }
    }

    #[test]
    fn the_lookup_finds_what_a_linear_search_finds() {
        let linear = |value: &str| REGIONS.iter().position(|(code, _)| *code == value);
        let mut tried = 0;
        for (code, _) in REGIONS {
            let bytes = code.as_bytes();
            for at in 0..=bytes.len() {
                // Every prefix, and every code with one byte changed.
                let mut candidates = vec![bytes[..at].to_vec()];
                for b in [b'-', b'0', b'1', b'9', b'a', b'z', b'\0', 0xff] {
                    let mut changed = bytes.to_vec();
                    if at < changed.len() {
                        changed[at] = b;
                    } else {
                        changed.push(b);
                    }
                    candidates.push(changed);
                }
                for candidate in candidates {
                    let value = String::from_utf8_lossy(&candidate);
                    assert_eq!(region_index(&value), linear(&value), "{value:?}");
                    tried += 1;
                }
            }
        }
        assert!(tried > REGIONS.len() * 90, "{tried}");
    }

    #[test]
    fn unknown_region_suggests_the_nearest() {
        let e = Region::new("us-east-7").unwrap_err();
        assert!(e.to_string().contains("did you mean `us-east-1`?"), "{e}");
        let e = Region::new("US-WEST-2").unwrap_err();
        assert!(e.to_string().contains("`us-west-2`"), "{e}");
        let e = Region::new("*").unwrap_err();
        assert!(e.rule.contains("wildcard"), "{e}");
    }

    #[test]
    fn endpoints_follow_the_partition() {
        assert_eq!(
            Region::new("cn-northwest-1")
                .unwrap()
                .service_endpoint("secretsmanager"),
            "secretsmanager.cn-northwest-1.amazonaws.com.cn"
        );
        assert_eq!(
            Region::new("us-gov-east-1")
                .unwrap()
                .service_endpoint("ses"),
            "ses.us-gov-east-1.amazonaws.com"
        );
    }

    #[test]
    fn region_list_is_sorted_and_unique() {
        let codes: Vec<&str> = REGIONS.iter().map(|r| r.0).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert_eq!(Region::all().count(), REGIONS.len());
    }

    #[test]
    fn partition_must_match_region() {
        let r = Region::new("cn-north-1").unwrap();
        assert_eq!(resolve_partition(r, None).unwrap(), Partition::AwsCn);
        assert_eq!(
            resolve_partition(r, Some(Partition::AwsCn)).unwrap(),
            Partition::AwsCn
        );
        let e = resolve_partition(r, Some(Partition::Aws)).unwrap_err();
        assert_eq!(e.field, "partition");
        assert!(Partition::new("aws-iso").is_err());
    }
}
