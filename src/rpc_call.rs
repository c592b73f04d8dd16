//! Any Aliyun RPC call, signed with the same envelope as `SingleSendMail`: what the credentials
//! providers (STS `AssumeRole`) and the operator's checks (`QueryMailAddressByParam`…) send.

use crate::endpoint::parse_endpoint;
use crate::error::{Error, ErrorCode, Issues};
use crate::fields::{optional_string, present, required_string, string_field};
use crate::header::is_header_value;
use crate::limits::{MAX_FIELD_BYTES, MAX_PARAMS};
use crate::sign::{self, Credentials, SignedRequest, Stamp, Version};
use crate::value::Value;

crate::raw_fields! {
    /// A call as it arrives, every field loose so validation can name each problem.
    pub struct RawCall {
        access_key_id: "accessKeyId" => take,
        access_key_secret: "accessKeySecret" => take,
        security_token: "securityToken" => take,
        action: "action" => take,
        version: "version" => take,
        region_id: "regionId" => take,
        endpoint: "endpoint" => take,
        params: "params" => take,
        signature_version: "signatureVersion" => take,
    }
}

/// A validated call.
#[derive(Debug)]
pub struct Call {
    credentials: Credentials,
    action: String,
    version: String,
    region_id: String,
    url: String,
    params: Vec<(String, String)>,
    signature_version: Version,
}

/// An API name or version: letters, digits, `-` and `.`, as Aliyun's are.
fn is_api_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Validates a call, naming each bad field under `invalid_request_parameters`.
pub fn parse_call(raw: RawCall) -> Result<Call, Error> {
    let mut issues = Issues::default();
    let access_key_id = required_string(present(raw.access_key_id.as_ref()), "accessKeyId", &mut issues);
    let secret = required_string(present(raw.access_key_secret.as_ref()), "accessKeySecret", &mut issues);
    let security_token = optional_string(present(raw.security_token.as_ref()), "securityToken", &mut issues);
    for (key, value, given) in [
        ("accessKeyId", &access_key_id, raw.access_key_id.is_some()),
        ("accessKeySecret", &secret, raw.access_key_secret.is_some()),
    ] {
        if given && value.is_empty() {
            issues.push(key, "must not be empty");
        }
    }
    for (key, value) in [("accessKeyId", Some(&access_key_id)), ("securityToken", security_token.as_ref())] {
        if value.is_some_and(|v| !is_header_value(v)) {
            issues.push(key, "must be one line, without control characters");
        }
    }
    let mut token = |key: &str, value: &Option<Value>| {
        let given = present(value.as_ref()).is_some_and(|v| matches!(v, Value::String(_)));
        let text = required_string(present(value.as_ref()), key, &mut issues);
        if given && !is_api_token(&text) {
            issues.push(key, "must be an API name or version (letters, digits, - and .)");
        }
        text
    };
    let action = token("action", &raw.action);
    let version = token("version", &raw.version);
    let region_id = optional_string(present(raw.region_id.as_ref()), "regionId", &mut issues).unwrap_or_default();
    let url = match present(raw.endpoint.as_ref()).and_then(|v| string_field(v, "endpoint", MAX_FIELD_BYTES, &mut issues)) {
        Some(endpoint) => parse_endpoint(&endpoint).map_err(|why| issues.push("endpoint", why)).unwrap_or_default(),
        None => {
            issues.push("endpoint", "is required");
            String::new()
        }
    };
    let mut params = Vec::new();
    match present(raw.params.as_ref()) {
        None => {}
        Some(Value::Object(entries)) if entries.len() > MAX_PARAMS => {
            issues.push("params", format!("must have at most {MAX_PARAMS} parameters"));
        }
        Some(Value::Object(entries)) => {
            for (name, value) in entries {
                if let Some(text) = string_field(value, &format!("params.{name}"), MAX_FIELD_BYTES, &mut issues) {
                    params.push((name.clone(), text));
                }
            }
        }
        Some(other) => issues.push("params", format!("expected an object of strings, got {}", other.type_name())),
    }
    let signature_version = match present(raw.signature_version.as_ref()).and_then(Value::as_str) {
        None | Some("v3") => Version::V3,
        Some("v2") => Version::V2,
        Some(_) => {
            issues.push("signatureVersion", "must be v2 or v3");
            Version::V3
        }
    };
    issues.finish(ErrorCode::InvalidRequestParameters, || Call {
        credentials: Credentials::new(access_key_id, secret, security_token),
        action,
        version,
        region_id,
        url,
        params,
        signature_version,
    })
}

/// The call, signed with `stamp`: a POST for fetch.
pub fn sign_call(call: &Call, stamp: Stamp) -> SignedRequest {
    let params: Vec<(&str, &str)> = call.params.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let spec = sign::Call { action: &call.action, version: &call.version, region_id: &call.region_id, url: &call.url };
    sign::sign_request(&call.credentials, call.signature_version, &spec, &params, stamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{Nonce, Timestamp};

    fn raw(json: &str) -> RawCall {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_call_is_signed_with_the_send_mail_envelope() {
        let call =
            parse_call(raw(r#"{"accessKeyId":"id","accessKeySecret":"secret","action":"AssumeRole","version":"2015-04-01",
                "endpoint":"https://sts.aliyuncs.com/","params":{"RoleArn":"acs:ram::1:role/r","RoleSessionName":"s"},
                "signatureVersion":"v2"}"#))
            .unwrap();
        let nonce = Nonce::parse("n-1").unwrap();
        let timestamp = Timestamp::parse("2026-01-02T03:04:05Z").unwrap();
        let signed = sign_call(&call, Stamp { nonce: &nonce, timestamp: &timestamp });
        assert_eq!(signed.url, "https://sts.aliyuncs.com/");
        assert!(signed
            .body
            .starts_with("AccessKeyId=id&Action=AssumeRole&Format=json&RegionId=&RoleArn=acs%3Aram%3A%3A1%3Arole%2Fr"));
        assert!(signed.body.contains("&Version=2015-04-01&Signature="));
        assert!(!signed.body.contains("secret"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let e = parse_call(raw(
            r#"{"action":"Assume Role","version":"","endpoint":"ftp://x","params":{"a":1},"signatureVersion":"v4"}"#,
        ))
        .unwrap_err();
        let paths = e.paths();
        for path in ["accessKeyId", "accessKeySecret", "action", "version", "endpoint", "params.a", "signatureVersion"] {
            assert!(paths.contains(&path), "{path} in {paths:?}");
        }
    }
}
