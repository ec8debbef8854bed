#![no_main]
//! Any bytes through the whole pipeline; the first byte picks the language (and header-ness).

#[path = "common.rs"]
mod common;

const NAMES: &[&str] = &["fuzz.swift", "fuzz.m", "fuzz.mm", "fuzz.h", "fuzz.rs"];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    common::lint_one(NAMES[first as usize % NAMES.len()], rest);
});
