#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    xmpp_core::fuzzing::connection(data, std::time::Instant::now());
});
