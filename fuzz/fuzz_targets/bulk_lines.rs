//! The `bulk_lines` fuzz target: see [`mmpolicy_fuzz::bulk_lines`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mmpolicy_fuzz::bulk_lines(data));
