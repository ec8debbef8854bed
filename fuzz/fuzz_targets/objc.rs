#![no_main]
//! Parse + lower + analyse one objc file.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::lint_one("fuzz.m", data));
