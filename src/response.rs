//! The reply to `SingleSendMail`: success, an Aliyun error, or something unexpected.

use crate::prelude::*;
use crate::error::{AliyunError, Error, ErrorCode, ErrorData};
use crate::text::{cat, int};
use crate::value::Value;

/// How much of an unexpected body an error keeps, in bytes.
pub const BODY_EXCERPT_BYTES: usize = 512;

/// DirectMail's success reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendResult {
    pub env_id: String,
    pub request_id: String,
}

impl SendResult {
    /// `{"EnvId":…,"RequestId":…}`, as the official connector returns it.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64);
        crate::json::ObjectWriter::new(&mut out).string("EnvId", &self.env_id).string("RequestId", &self.request_id).finish();
        out
    }
}

/// How an Aliyun error code maps to a Logto code, with a hint for the operator. A pattern ending in
/// `.*` matches the code and every sub-code. Codes: DESIGN §4 and DirectMail's error-code page.
pub const ERROR_TABLE: &[(&str, ErrorCode, &str)] = &[
    ("Throttling.*", ErrorCode::RateLimitExceeded, "DirectMail is throttling this account or API. Retry later, or lower the sending rate."),
    ("SignatureDoesNotMatch", ErrorCode::InvalidConfig, "The signature did not verify. Check that accessKeySecret belongs to accessKeyId and has no stray spaces."),
    ("IncompleteSignature", ErrorCode::InvalidConfig, "The signature did not verify. Check that accessKeySecret belongs to accessKeyId and has no stray spaces."),
    ("InvalidAccessKeyId.*", ErrorCode::InvalidConfig, "The AccessKey ID is unknown or disabled. Check accessKeyId in the config and in the RAM console."),
    ("InvalidSecurityToken.*", ErrorCode::InvalidConfig, "The STS securityToken is invalid or has expired. Fetch fresh temporary credentials."),
    ("InvalidMailAddress.NotFound", ErrorCode::InvalidConfig, "accountName is not a sender address set up in the DirectMail console for this region."),
    ("InvalidTimeStamp.Expired", ErrorCode::General, "The Timestamp is more than 15 minutes off Aliyun's clock. Synchronise this machine's clock (NTP)."),
    ("SignatureNonceUsed", ErrorCode::General, "This SignatureNonce was used before: the request was replayed, or nonces repeat."),
    ("InvalidSendMail.Spam", ErrorCode::General, "DirectMail refused the mail as spam, or the account's frequency or daily quota is used up."),
    ("InvalidToAddress.*", ErrorCode::General, "DirectMail refused the recipient address."),
];

/// The hint for a server error, whatever its body.
const SERVER_ERROR_HINT: &str = "DirectMail had a server error. Retry later.";

/// The Logto code and hint for Aliyun error `code` at HTTP `status`.
pub fn classify(code: &str, status: u16) -> (ErrorCode, Option<&'static str>) {
    let row = ERROR_TABLE.iter().find(|(pattern, _, _)| match pattern.strip_suffix(".*") {
        Some(prefix) => code == prefix || code.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.')),
        None => code == *pattern,
    });
    match row {
        Some((_, mapped, hint)) => (*mapped, Some(hint)),
        None if status >= 500 => (ErrorCode::General, Some(SERVER_ERROR_HINT)),
        None => (ErrorCode::General, None),
    }
}

/// Turns a reply (HTTP status and body text) into a result or a typed error.
pub fn parse_reply(status: u16, body: &str) -> Result<SendResult, Error> {
    let parsed = Value::parse(body).ok();
    if (200..300).contains(&status) {
        return match parsed.and_then(success) {
            Some(result) => Ok(result),
            None => Err(unexpected(status, body, "The reply is not DirectMail's {EnvId, RequestId}")),
        };
    }
    match parsed.as_ref().and_then(|j| aliyun_error(j, status)) {
        Some(error) => Err(Error {
            code: error.code_mapped(),
            message: cat(&[&error.code, ": ", &error.message]),
            data: ErrorData::Aliyun(Box::new(error)),
        }),
        // A server error is an outage, whatever its body says (often an HTML page from a proxy).
        None if status >= 500 => Err(Error {
            code: ErrorCode::General,
            message: cat(&["DirectMail answered HTTP ", &int(usize::from(status))]),
            data: ErrorData::Reply { status, body: excerpt(body, BODY_EXCERPT_BYTES).to_owned(), hint: Some(SERVER_ERROR_HINT) },
        }),
        None => Err(unexpected(status, body, &cat(&["HTTP ", &int(usize::from(status)), " with a body that is not an Aliyun error"]))),
    }
}

impl AliyunError {
    fn code_mapped(&self) -> ErrorCode {
        classify(&self.code, self.status).0
    }
}

/// The ids, moved out of the parsed reply.
fn success(mut json: Value) -> Option<SendResult> {
    let mut id = |key: &str| match json.take(key)? {
        Value::String(s) => Some(s),
        _ => None,
    };
    Some(SendResult { env_id: id("EnvId")?, request_id: id("RequestId")? })
}

/// `{Code, Message, RequestId?, HostId?, Recommend?}`; an optional key, if present, must be a string.
fn aliyun_error(json: &Value, status: u16) -> Option<AliyunError> {
    let optional = |key: &str| match json.get(key) {
        None => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    };
    let code = json.get("Code")?.as_str()?;
    Some(AliyunError {
        hint: classify(code, status).1,
        status,
        code: code.to_owned(),
        message: json.get("Message")?.as_str()?.to_owned(),
        request_id: optional("RequestId")?,
        host_id: optional("HostId")?,
        recommend: optional("Recommend")?,
    })
}

fn unexpected(status: u16, body: &str, message: &str) -> Error {
    Error {
        code: ErrorCode::InvalidResponse,
        message: message.to_owned(),
        data: ErrorData::Reply { status, body: excerpt(body, BODY_EXCERPT_BYTES).to_owned(), hint: None },
    }
}

/// The longest prefix of `s` within `max` bytes that ends on a character boundary.
fn excerpt(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Result<SendResult, Error> {
        parse_reply(status, body)
    }

    #[test]
    fn success_is_env_id_and_request_id() {
        let ok = reply(200, r#"{"EnvId":"e","RequestId":"r","Extra":1}"#).unwrap();
        assert_eq!(ok, SendResult { env_id: "e".into(), request_id: "r".into() });
    }

    #[test]
    fn aliyun_errors_keep_their_fields() {
        let e = reply(400, r#"{"Code":"InvalidToAddress","Message":"bad","RequestId":"r"}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::General);
        match e.data {
            ErrorData::Aliyun(a) => {
                assert_eq!((a.code.as_str(), a.message.as_str()), ("InvalidToAddress", "bad"));
                assert_eq!((a.request_id.as_deref(), a.host_id, a.recommend), (Some("r"), None, None));
            }
            other => panic!("unexpected data {other:?}"),
        }
    }

    #[test]
    fn the_table_maps_codes_and_sub_codes() {
        for (code, status, expected) in [
            ("Throttling.User", 400, ErrorCode::RateLimitExceeded),
            ("Throttling", 400, ErrorCode::RateLimitExceeded),
            ("ThrottlingX", 400, ErrorCode::General),
            ("SignatureDoesNotMatch", 400, ErrorCode::InvalidConfig),
            ("InvalidAccessKeyId.NotFound", 404, ErrorCode::InvalidConfig),
            ("InvalidTimeStamp.Expired", 400, ErrorCode::General),
            ("ServiceUnavailable", 503, ErrorCode::General),
            ("SomethingNew", 400, ErrorCode::General),
        ] {
            assert_eq!(classify(code, status).0, expected, "{code}");
        }
        assert!(classify("InvalidTimeStamp.Expired", 400).1.is_some_and(|h| h.contains("clock")));
        assert!(classify("SignatureNonceUsed", 400).1.is_some_and(|h| h.contains("nonce") || h.contains("Nonce")));
        assert!(classify("ServiceUnavailable", 503).1.is_some());
        assert_eq!(classify("SomethingNew", 400).1, None);
    }

    #[test]
    fn server_errors_are_general_whatever_the_body() {
        let e = reply(502, "<html>Bad gateway</html>").unwrap_err();
        assert_eq!(e.code, ErrorCode::General);
        assert!(matches!(e.data, ErrorData::Reply { status: 502, .. }));
    }

    #[test]
    fn anything_else_is_invalid_response() {
        for (status, body) in [
            (200, "not json"),
            (200, r#"{"EnvId":1,"RequestId":"r"}"#),
            (404, "<html>oops</html>"),
            (400, r#"{"Code":"X"}"#),
            (400, r#"{"Code":"X","Message":"m","RequestId":null}"#),
            (400, "[]"),
        ] {
            assert_eq!(reply(status, body).unwrap_err().code, ErrorCode::InvalidResponse, "{status} {body}");
        }
    }

    #[test]
    fn excerpts_stop_on_a_char_boundary() {
        assert_eq!(excerpt("aé", 2), "a");
        assert_eq!(excerpt("abc", 10), "abc");
    }
}
