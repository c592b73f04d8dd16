//! Config validation on any JSON: never panics, never echoes the secret.
#![no_main]
use aliyun_dm::{parse_config, RawConfig, Value};
use libfuzzer_sys::fuzz_target;

/// The error for `raw`, as a caller sees it: its Display and its Debug.
fn shown(raw: &RawConfig) -> Option<String> {
    parse_config(raw).err().map(|error| format!("{error} {error:?}"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(mut raw) = serde_json::from_str::<RawConfig>(&text) else {
        return;
    };
    let Some(secret) = raw.access_key_secret.as_ref().and_then(|v| v.as_str()).filter(|s| s.len() >= 8).map(str::to_owned)
    else {
        return;
    };
    let Some(shown_with_secret) = shown(&raw).filter(|shown| shown.contains(&secret)) else {
        return;
    };
    // The text holds the secret. That is a leak unless the same text comes with another secret in
    // its place: a secret can equal the package's own words (a region's id, say).
    raw.access_key_secret = Some(Value::String("\u{1}".repeat(secret.len())));
    let shown_without = shown(&raw).unwrap_or_default();
    assert!(shown_without.contains(&secret), "the secret leaked into an error: {}", shown_with_secret.len());
});
