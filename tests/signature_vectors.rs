//! The signing vectors in `vectors/signature/`, one test per file, each stage checked on its own.

use aliyun_dm::sign::{CanonicalQuery, Method, Signature, SigningKey, StringToSign};
use serde_json::Value;

fn check(file: &str) {
    let path = format!("{}/vectors/signature/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    let params: Vec<(&str, &str)> =
        v["params"].as_object().unwrap().iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap())).collect();
    let method = Method::parse(v["method"].as_str().unwrap()).unwrap();

    let query = CanonicalQuery::new(params.iter().copied());
    assert_eq!(query.to_string(), v["canonicalQuery"], "{file}: stage 1, canonical query");
    let to_sign = StringToSign::new(method, &query);
    assert_eq!(to_sign.to_string(), v["stringToSign"], "{file}: stage 2, string-to-sign");
    let signature = Signature::new(v["secret"].as_str().unwrap(), &to_sign);
    assert_eq!(signature.to_string(), v["signature"], "{file}: stage 3, signature");
    let streamed = Signature::of_query(&SigningKey::new(v["secret"].as_str().unwrap()), method, &query);
    assert_eq!(streamed.to_string(), v["signature"], "{file}: signature while encoding, as a send signs");
}

#[test]
fn directmail_doc() {
    check("directmail-doc.json");
}

#[test]
fn ecs_doc() {
    check("ecs-doc.json");
}

#[test]
fn reserved_and_unicode() {
    check("reserved-and-unicode.json");
}
