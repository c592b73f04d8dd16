//! The JSON parser on any text: never panics; any string written by the core parses back to itself.
#![no_main]
use aliyun_dm::json::write_string;
use aliyun_dm::Value;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = Value::parse(&text);
    let mut written = String::new();
    write_string(&mut written, &text);
    assert_eq!(Value::parse(&written), Ok(Value::String(text.into_owned())));
});
