//! Finding bytes eight at a time, for the checks of short values: a loop that branches on each
//! byte it looks for mispredicts at each one it finds.

/// Every bit of a word but the high bit of each byte.
const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// A word with every byte `b`.
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// The high bit of each byte of `x` that is zero, exactly: no borrow from one byte to the next
/// sets a bit for a byte that is not zero.
#[inline(always)]
const fn zero_bytes(x: u64) -> u64 {
    !(((x & LOW).wrapping_add(LOW)) | x | LOW)
}

/// The positions among the first 64 bytes of `bytes` that hold `target`, as the bits of a mask
/// (byte `k`, bit `k`). The target must not be zero, the padding of a value shorter than 64
/// bytes.
#[inline]
pub(crate) fn head_mask(bytes: &[u8], target: u8) -> u64 {
    let mut head = [0u8; 64];
    let n = bytes.len().min(64);
    if let (Some(to), Some(from)) = (head.get_mut(..n), bytes.get(..n)) {
        to.copy_from_slice(from);
    }
    let mut mask = 0u64;
    for (i, word) in head.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let zero = zero_bytes(word ^ splat(target));
        // Those eight bits gathered into the low byte, byte `k`'s into bit `k`.
        let bits = (zero >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask |= bits << (8 * i);
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_have_a_bit_for_each_byte_looked_for() {
        // Bytes next to the targets in value and in bits, and non-ASCII bytes.
        let text = "a:b;c::d9.e-f.-@.:\u{ba}:\u{7f}.x@y".repeat(3);
        let bytes = text.as_bytes();
        for target in [b':', b'.', b'-', b'@'] {
            let mask = head_mask(bytes, target);
            let want = bytes
                .iter()
                .take(64)
                .enumerate()
                .filter(|(_, b)| **b == target)
                .fold(0u64, |m, (k, _)| m | 1 << k);
            assert_eq!(mask, want, "{}", target as char);
            assert_ne!(want, 0);
        }
        assert_eq!(head_mask(b"", b':'), 0);
        assert_eq!(head_mask(&[b':'; 100], b':'), u64::MAX);
    }
}
