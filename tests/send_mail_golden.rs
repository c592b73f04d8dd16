//! Golden signed SingleSendMail requests (`vectors/send-mail/`), one test per file: each pins a
//! config, a message, per-send options, the nonce and the timestamp, and the exact URL, headers and
//! body a send hands to fetch. `UPDATE_GOLDEN=1 cargo test --test send_mail_golden` rewrites the
//! `expected` member after a deliberate change; review its diff like code.

use aliyun_dm::single_send_mail::http;
use aliyun_dm::{build_send_mail, parse_config, parse_message, parse_options, Nonce, Stamp, Timestamp};
use serde_json::{json, Value};

fn check(file: &str) {
    let path = format!("{}/vectors/send-mail/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut v: Value = serde_json::from_str(&text).unwrap();
    let config = parse_config(&serde_json::from_value(v["config"].clone()).unwrap()).unwrap();
    let message = parse_message(serde_json::from_value(v["message"].clone()).unwrap()).unwrap();
    let options = parse_options(serde_json::from_value(v["options"].clone()).unwrap(), "options.", &config).unwrap();
    let nonce = Nonce::parse(v["nonce"].as_str().unwrap()).unwrap();
    let timestamp = Timestamp::parse(v["timestamp"].as_str().unwrap()).unwrap();
    let signed = build_send_mail(&config, &message, &options, Stamp { nonce: &nonce, timestamp: &timestamp }).unwrap();
    let actual = serde_json::to_value(http(&signed)).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        v["expected"] = actual;
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap() + "\n").unwrap();
        return;
    }
    let expected = &v["expected"];
    assert_eq!(actual["url"], expected["url"], "{file}: url");
    assert_eq!(actual["method"], json!("POST"), "{file}: method");
    assert_eq!(actual["headers"], expected["headers"], "{file}: headers");
    assert_eq!(actual["body"], expected["body"], "{file}: body");
}

#[test]
fn v2_logto_default() {
    check("v2-logto-default.json");
}

#[test]
fn v2_sts_every_parameter() {
    check("v2-sts-every-parameter.json");
}

#[test]
fn v2_i18n_template() {
    check("v2-i18n-template.json");
}

#[test]
fn v3_sts_text() {
    check("v3-sts-text.json");
}

#[test]
fn v3_console_template() {
    check("v3-console-template.json");
}
