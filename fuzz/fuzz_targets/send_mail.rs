//! The whole build from any config, message and per-send options JSON: never panics, never signs
//! an empty alias, and sends an ASCII form whose parameters are in the signature's order.
#![no_main]
use aliyun_dm::{build_send_mail, parse_config, parse_message, parse_options, Nonce, RawConfig, RawMessage, RawOptions, Stamp, Timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(3, '\n');
    let (config, message, options) = (lines.next().unwrap_or(""), lines.next().unwrap_or("{}"), lines.next().unwrap_or("{}"));
    let (Ok(config), Ok(message)) = (serde_json::from_str::<RawConfig>(config), serde_json::from_str::<RawMessage>(message)) else {
        return;
    };
    let (Ok(config), Ok(message)) = (parse_config(&config), parse_message(message)) else {
        return;
    };
    let options = serde_json::from_str::<RawOptions>(options).unwrap_or_default();
    let Ok(options) = parse_options(options, "options.", &config) else {
        return;
    };
    let (Some(nonce), Some(timestamp)) = (Nonce::parse("n"), Timestamp::parse("2024-01-01T00:00:00Z")) else {
        return;
    };
    if let Ok(request) = build_send_mail(&config, &message, &options, Stamp { nonce: &nonce, timestamp: &timestamp }) {
        assert!(request.body.is_ascii());
        let names: Vec<&str> = request.body.split('&').filter_map(|pair| pair.split('=').next()).filter(|n| *n != "Signature").collect();
        assert!(!request.body.split('&').any(|pair| pair == "FromAlias="));
        assert!(names.windows(2).all(|w| w[0] <= w[1]));
    }
});
