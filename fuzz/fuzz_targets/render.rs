//! Rendering any template with any payload: never panics, stays within the size cap.
#![no_main]
use aliyun_dm::template::{render, Escape};
use aliyun_dm::Value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line is the payload JSON, the rest the template.
    let (payload, template) = text.split_once('\n').unwrap_or(("{}", &text));
    let payload = serde_json::from_str::<Value>(payload).unwrap_or(Value::Object(Default::default()));
    for escape in [Escape::None, Escape::Html] {
        if let Ok(out) = render(template, &payload, escape, 1 << 16) {
            assert!(out.len() <= 1 << 16);
        }
    }
});
