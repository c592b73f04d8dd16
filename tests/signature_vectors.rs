//! The signing vectors in `vectors/signature/` (V2) and `vectors/signature-v3/`, one test per file,
//! each stage checked on its own.

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

/// A V3 vector: each stage, then the `Authorization` header, as `v3` builds them.
fn check_v3(file: &str) {
    use aliyun_dm::sign::v3;
    let path = format!("{}/vectors/signature-v3/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    let pairs = |key: &str| -> Vec<(&str, &str)> {
        v[key].as_object().unwrap().iter().map(|(k, v)| (k.as_str(), v.as_str().unwrap())).collect()
    };
    let method = Method::parse(v["method"].as_str().unwrap()).unwrap();
    let payload = v3::PayloadHash::of(v["body"].as_str().unwrap().as_bytes());
    assert_eq!(payload.as_str(), v["payloadHash"], "{file}: payload hash");
    let request = v3::CanonicalRequest::new(method, v["path"].as_str().unwrap(), &pairs("query"), &pairs("headers"), &payload);
    assert_eq!(request.to_string(), v["canonicalRequest"], "{file}: stage 1, canonical request");
    let to_sign = v3::StringToSign::new(&request);
    assert_eq!(to_sign.to_string(), v["stringToSign"], "{file}: stage 2, string-to-sign");
    let signature = v3::Signature::new(v["secret"].as_str().unwrap(), &to_sign);
    assert_eq!(signature.to_string(), v["signature"], "{file}: stage 3, signature");
    let authorization = v3::Authorization::new(v["accessKeyId"].as_str().unwrap(), &request, &signature);
    assert_eq!(authorization.to_string(), v["authorization"], "{file}: the Authorization header");
}

#[test]
fn v3_aliyun_doc_runinstances() {
    check_v3("aliyun-doc-runinstances.json");
}

#[test]
fn v3_directmail_sts_form() {
    check_v3("directmail-sts-form.json");
}
