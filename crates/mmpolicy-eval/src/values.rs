//! Reading typed values from text: numbers, dates (ISO 8601 and epoch seconds), booleans, IP
//! addresses and CIDR ranges (v4 and v6).
//!
//! AWS, "IAM JSON policy elements: Condition operators": date values are "one of the
//! variations of ISO 8601" or epoch (UNIX) time; IP values follow RFC 4632 (CIDR), and an
//! address without a prefix length is that one address.

use std::net::IpAddr;

/// A number, as IAM reads `NumericEquals` values (integers and decimals).
pub(crate) fn number(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `true` or `false`, case ignored.
pub(crate) fn boolean(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A date as seconds since the epoch: ISO 8601 (`2025-01-31`, `2025-01-31T12:00:00Z`,
/// `2025-01-31T12:00:00.5+02:00`, `2025-01-31T12:00Z`) or epoch seconds (`1738324800`).
pub(crate) fn date(text: &str) -> Option<f64> {
    let t = text.trim();
    if !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        if let Some(n) = number(t).filter(|_| !t[1..].contains('-')) {
            return Some(n);
        }
    }
    let (day, time) = match t.split_once(['T', 't', ' ']) {
        Some((d, rest)) => (d, Some(rest)),
        None => (t, None),
    };
    let mut ymd = day.splitn(3, '-');
    let year: i64 = digits(ymd.next()?, 4)?;
    let month: i64 = digits(ymd.next()?, 2)?;
    let dom: i64 = digits(ymd.next()?, 2)?;
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&dom) {
        return None;
    }
    let mut seconds = (days_from_civil(year, month, dom) * 86_400) as f64;
    if let Some(time) = time {
        let (clock, offset) = split_zone(time)?;
        let mut hms = clock.splitn(3, ':');
        let h: i64 = digits(hms.next()?, 2)?;
        let m: i64 = digits(hms.next()?, 2)?;
        let s: f64 = match hms.next() {
            Some(s) => {
                let (whole, frac) = match s.split_once(['.', ',']) {
                    Some((w, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
                        (w, f)
                    }
                    Some(_) => return None,
                    None => (s, "0"),
                };
                let whole: i64 = digits(whole, 2)?;
                whole as f64 + format!("0.{frac}").parse::<f64>().ok()?
            }
            None => 0.0,
        };
        if h > 24 || m > 59 || s >= 61.0 {
            return None;
        }
        seconds += (h * 3600 + m * 60) as f64 + s - offset as f64;
    }
    Some(seconds)
}

/// Splits `12:00:00+02:00` into the clock and the zone's offset in seconds (`Z` or none: 0).
fn split_zone(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    match time.rfind(['+', '-']) {
        Some(i) => {
            let (clock, zone) = time.split_at(i);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let zone = &zone[1..];
            let (h, m) = match zone.split_once(':') {
                Some((h, m)) => (h, m),
                None if zone.len() == 4 => zone.split_at(2),
                None => (zone, "00"),
            };
            let offset = digits(h, 2)? * 3600 + digits(m, 2)? * 60;
            Some((clock, sign * offset))
        }
        None => Some((time, 0)),
    }
}

/// Exactly `len` ASCII digits.
fn digits(text: &str, len: usize) -> Option<i64> {
    if text.len() == len && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An address or a CIDR range: the network and its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    addr: IpAddr,
    len: u8,
}

impl Cidr {
    /// Reads `203.0.113.0/24`, `2001:db8::/32` or a lone address.
    pub(crate) fn parse(text: &str) -> Option<Cidr> {
        let t = text.trim();
        let (addr, len) = match t.split_once('/') {
            Some((a, l)) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => {
                (a, Some(l.parse::<u8>().ok()?))
            }
            Some(_) => return None,
            None => (t, None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let len = len.unwrap_or(max);
        (len <= max).then_some(Cidr { addr, len })
    }

    /// Whether `ip` (an address, or a range read by its address) is in this range.
    pub(crate) fn contains(&self, ip: &Cidr) -> bool {
        match (self.addr, ip.addr) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.len)).unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.len))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(date("2020-01-01"), Some(1_577_836_800.0));
        assert_eq!(date("2020-01-01T01:00:00+01:00"), Some(1_577_836_800.0));
        assert_eq!(date("1577836800"), Some(1_577_836_800.0));
        assert_eq!(date("2020-02-30"), None);
        assert_eq!(date("soon"), None);
    }

    #[test]
    fn cidrs() {
        let net = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(net.contains(&Cidr::parse("10.1.2.3").unwrap()));
        assert!(!net.contains(&Cidr::parse("11.1.2.3").unwrap()));
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.contains(&Cidr::parse("192.0.2.1").unwrap()));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(&Cidr::parse("2001:db8::1").unwrap()));
        assert!(!v6.contains(&Cidr::parse("10.0.0.1").unwrap()));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
    }
}
