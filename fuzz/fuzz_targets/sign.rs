//! Signing any parameters: never panics; the body is pure ASCII, as percent-encoding promises;
//! signing while encoding (what a send does) equals signing the built string-to-sign.
#![no_main]
use aliyun_dm::sign::{sign, Method, Signature, SigningKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let secret = lines.next().unwrap_or("");
    let pairs: Vec<(&str, &str)> = lines.map(|l| l.split_once('=').unwrap_or((l, ""))).collect();
    for method in [Method::Get, Method::Post] {
        let signed = sign(pairs.iter().copied(), method, secret);
        assert!(signed.canonical_query.as_str().is_ascii());
        assert!(signed.string_to_sign.as_str().is_ascii());
        assert_eq!(signed.signature.as_str().len(), 28);
        assert_eq!(Signature::of_query(&SigningKey::new(secret), method, &signed.canonical_query), signed.signature);
    }
});
