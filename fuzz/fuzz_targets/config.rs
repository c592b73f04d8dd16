//! Config validation on any JSON: never panics, never echoes the secret.
#![no_main]
use aliyun_dm::{parse_config, RawConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(raw) = serde_json::from_str::<RawConfig>(&text) else {
        return;
    };
    let secret = raw.access_key_secret.as_ref().and_then(|v| v.as_str()).filter(|s| s.len() >= 8).map(str::to_owned);
    if let Err(error) = parse_config(&raw) {
        let shown = format!("{error} {error:?}");
        if let Some(secret) = secret {
            assert!(!shown.contains(&secret), "the secret leaked into an error");
        }
    }
});
