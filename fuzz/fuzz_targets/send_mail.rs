//! The whole build from any config and message JSON: never panics, never signs an empty alias, and
//! lists the parameters already in the order the signature sorts them.
#![no_main]
use aliyun_dm::{build_send_mail, parse_config, parse_message, Nonce, RawConfig, RawMessage, RequestContext, Timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (config, message) = text.split_once('\n').unwrap_or((&text, "{}"));
    let (Ok(config), Ok(message)) = (serde_json::from_str::<RawConfig>(config), serde_json::from_str::<RawMessage>(message)) else {
        return;
    };
    let (Ok(config), Ok(message)) = (parse_config(&config), parse_message(message)) else {
        return;
    };
    let (Some(nonce), Some(timestamp)) = (Nonce::parse("n"), Timestamp::parse("2024-01-01T00:00:00Z")) else {
        return;
    };
    let ctx = RequestContext { custom_template: None, nonce: &nonce, timestamp: &timestamp, endpoint: None, number_text: aliyun_dm::value::write_js_number };
    if let Ok(request) = build_send_mail(&config, &message, &ctx) {
        assert!(request.params.iter().all(|(k, v)| *k != "FromAlias" || !v.is_empty()));
        assert!(request.body.is_ascii());
        assert!(request.params.windows(2).all(|w| w[0].0 < w[1].0));
    }
});
