//! Reading any reply (status and body): never panics; success only on 2xx.
#![no_main]
use aliyun_dm::{parse_reply, RawReply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]) % 600, rest),
        _ => (200, data),
    };
    let body = String::from_utf8_lossy(body);
    let reply = serde_json::from_str::<RawReply>(&body).ok();
    if parse_reply(status, reply, &body).is_ok() {
        assert!((200..300).contains(&status));
    }
});
