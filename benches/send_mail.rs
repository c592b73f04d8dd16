//! The native lower bound for `npm run bench`: the same message the JS benchmark sends, through the
//! core without wasm (read config and message JSON through serde, validate, render, sign, read the
//! reply). Prints ns per message.

use aliyun_dm::{
    build_send_mail, parse_config, parse_message, parse_reply, Nonce, Options, RawConfig, RawMessage, RawReply, Stamp, Timestamp,
};
use std::hint::black_box;
use std::time::Instant;

/// A distinct nonce for message `i`, as the wasm draws a fresh one per send.
fn nonce_for(i: u64) -> Nonce {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&i.to_le_bytes());
    Nonce::uuid_v4(bytes)
}

fn main() {
    let config_json =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/example-config.json")).unwrap_or_default();
    let data_json = r#"{"to":"user@example.com","type":"SignIn","payload":{"code":"123456"}}"#;
    let reply = r#"{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}"#;
    let timestamp = Timestamp::parse("2026-01-01T00:00:00Z");
    let send = |i: u64| {
        let config = parse_config(&serde_json::from_str::<RawConfig>(black_box(&config_json)).ok()?).ok()?;
        let message = parse_message(serde_json::from_str::<RawMessage>(black_box(data_json)).ok()?).ok()?;
        let nonce = nonce_for(i);
        let stamp = Stamp { nonce: &nonce, timestamp: timestamp.as_ref()? };
        let request = build_send_mail(&config, &message, &Options::default(), stamp).ok()?;
        black_box(request.body.len());
        parse_reply(200, serde_json::from_str::<RawReply>(black_box(reply)).ok(), reply, &config.redactor).ok()
    };
    // The JS path validates the config once and reuses it; measure that path too.
    let config = serde_json::from_str::<RawConfig>(&config_json).ok().and_then(|raw| parse_config(&raw).ok());
    let send_cached = |i: u64| {
        let message = parse_message(serde_json::from_str::<RawMessage>(black_box(data_json)).ok()?).ok()?;
        let nonce = nonce_for(i);
        let stamp = Stamp { nonce: &nonce, timestamp: timestamp.as_ref()? };
        let request = build_send_mail(config.as_ref()?, &message, &Options::default(), stamp).ok()?;
        black_box(request.body.len());
        parse_reply(200, serde_json::from_str::<RawReply>(black_box(reply)).ok(), reply, &config.as_ref()?.redactor).ok()
    };
    for (label, f) in
        [("native_ns_per_message", &send as &dyn Fn(u64) -> Option<_>), ("native_cached_config_ns_per_message", &send_cached)]
    {
        for i in 0..20_000 {
            black_box(f(i));
        }
        let mut per_batch = Vec::new();
        for batch in 0..15u64 {
            let started = Instant::now();
            for i in 0..20_000 {
                black_box(f(batch * 20_000 + i));
            }
            per_batch.push(started.elapsed().as_nanos() as f64 / 20_000.0);
        }
        per_batch.sort_by(f64::total_cmp);
        println!("{label} {:.0}", per_batch[per_batch.len() / 2]);
    }
}
