//! The `bundle` fuzz target: see [`mmpolicy_fuzz::bundle`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mmpolicy_fuzz::bundle(data));
