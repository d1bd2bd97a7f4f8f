//! The `params_json` fuzz target: see [`mmpolicy_fuzz::params_json`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mmpolicy_fuzz::params_json(data));
