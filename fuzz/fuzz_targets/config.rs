//! Config validation on any JSON (or any string): never panics, never echoes the secret.
#![no_main]
use aliyun_dm::{parse_config, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let value = Value::parse(&text).unwrap_or_else(|_| Value::String(text.to_string()));
    if let Err(error) = parse_config(&value) {
        let shown = format!("{error} {error:?}");
        if let Some(secret) = value.get("accessKeySecret").and_then(Value::as_str).filter(|s| s.len() >= 8) {
            assert!(!shown.contains(secret), "the secret leaked into an error");
        }
    }
});
