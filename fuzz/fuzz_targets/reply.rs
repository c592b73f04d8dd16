//! Reading any reply (status and body): never panics; success only on 2xx.
#![no_main]
use aliyun_dm::redact::Redactor;
use aliyun_dm::{parse_reply, RawReply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]) % 600, rest),
        _ => (200, data),
    };
    let body = String::from_utf8_lossy(body);
    let reply = serde_json::from_str::<RawReply>(&body).ok();
    let redactor = Redactor::new(["Zq9-secret", "Zq9-token"]);
    match parse_reply(status, reply, &body, &redactor) {
        Ok(_) => assert!((200..300).contains(&status)),
        Err(error) => {
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("Zq9-secret") && !shown.contains("Zq9-token"), "a credential in {shown}");
        }
    }
});
