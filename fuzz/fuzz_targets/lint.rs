//! The `lint` fuzz target: see [`mmpolicy_fuzz::lint`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mmpolicy_fuzz::lint(data));
