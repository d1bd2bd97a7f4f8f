//! The `params_toml` fuzz target: see [`mmpolicy_fuzz::params_toml`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mmpolicy_fuzz::params_toml(data));
