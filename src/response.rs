//! The reply to `SingleSendMail`: success, an Aliyun error, or something unexpected.

use crate::error::{excerpt, AliyunError, Error, ErrorCode, ErrorData, Reason};
use crate::limits::ALIYUN_TEXT_BYTES;
use crate::redact::Redactor;
use crate::value::Value;
use serde::Serialize;

/// DirectMail's success reply, `{EnvId, RequestId}` as the official connector returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SendResult {
    #[serde(rename = "EnvId")]
    pub env_id: String,
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

crate::raw_fields! {
    /// The members of a reply body this connector reads; the rest is never looked at. A member that is
    /// present but `null` is kept as `Some(Value::Null)`, so it fails the string checks as it should.
    pub struct RawReply {
        env_id: "EnvId" => kept,
        request_id: "RequestId" => kept,
        code: "Code" => kept,
        message: "Message" => kept,
        host_id: "HostId" => kept,
        recommend: "Recommend" => kept,
    }
}

/// How an Aliyun error code maps to a Logto code and a [`Reason`], with a hint for the operator. A pattern ending in
/// `.*` matches the code and every sub-code. Codes: DirectMail's error-code page and the RPC pages.
///
/// A wrong secret, an unknown key or a sender that is not set up are `general`, not
/// `invalid_config`: Logto (koa-connector-error-handler) answers the config codes with a fixed
/// sentence and drops `data`, while for `general` it shows `data.errorDescription`, which carries
/// DirectMail's own Code and Message and the hint. The operator needs those to fix the config.
pub const ERROR_TABLE: &[(&str, ErrorCode, Reason, &str)] = &[
    (
        "Throttling.*",
        ErrorCode::RateLimitExceeded, Reason::Throttled,
        "DirectMail is throttling this account or API. Retry later, or lower the sending rate.",
    ),
    (
        "SignatureDoesNotMatch",
        ErrorCode::General, Reason::Auth,
        "The signature did not verify. Check that accessKeySecret belongs to accessKeyId and has no stray spaces.",
    ),
    (
        "IncompleteSignature",
        ErrorCode::General, Reason::Auth,
        "The signature did not verify. Check that accessKeySecret belongs to accessKeyId and has no stray spaces.",
    ),
    (
        "InvalidAccessKeyId.*",
        ErrorCode::General, Reason::Auth,
        "The AccessKey ID is unknown or disabled. Check accessKeyId in the config and in the RAM console.",
    ),
    (
        "InvalidSecurityToken.*",
        ErrorCode::General, Reason::Auth,
        "The STS securityToken is invalid or has expired. Fetch fresh temporary credentials.",
    ),
    (
        "InvalidMailAddress.NotFound",
        ErrorCode::General, Reason::Sender,
        "accountName is not a sender address set up in the DirectMail console for this region.",
    ),
    (
        "InvalidTimeStamp.Expired",
        ErrorCode::General, Reason::Auth,
        "The request's time is outside Aliyun's validity window (31 minutes for a Timestamp). Synchronise this machine's clock (NTP).",
    ),
    (
        "SignatureNonceUsed",
        ErrorCode::General, Reason::Auth,
        "This SignatureNonce was used before: the request was replayed, or nonces repeat.",
    ),
    (
        "InvalidSendMail.Spam",
        ErrorCode::General, Reason::Content,
        "DirectMail refused the mail as spam, or the account's sending frequency is too high.",
    ),
    ("InvalidToAddress.*", ErrorCode::General, Reason::Recipient, "DirectMail refused the recipient address."),
    (
        "InvalidSubject.*",
        ErrorCode::General,
        Reason::Content,
        "DirectMail refused the subject: it must be at most 100 characters.",
    ),
    ("InvalidBody", ErrorCode::General, Reason::Content, "DirectMail refused the body: HtmlBody or TextBody is required."),
    (
        "InvalidTemplate.*",
        ErrorCode::General,
        Reason::Content,
        "The console template is unknown in this region, or not approved yet.",
    ),
    (
        "InvalidFromAlias.Malformed",
        ErrorCode::General, Reason::Sender,
        "DirectMail refused the sender name: fromAlias (or the template's sendFrom) must be fewer than 15 characters.",
    ),
    (
        "MissingParameter",
        ErrorCode::General, Reason::Auth,
        "A required value is empty: check accessKeyId, accessKeySecret and accountName in the config.",
    ),
];

/// The hint for a server error, whatever its body.
const SERVER_ERROR_HINT: &str = "DirectMail had a server error. Retry later.";

/// DirectMail's own words for a used-up sending quota, from Aliyun's "Summary of common email
/// return codes and solutions" (DirectMail, 常见邮件返回码及解决方法), class 发信额度超限制:
/// `552 Monthly sending quota exceeded`, `552 Daily sending quota exceeded` and
/// `552 Not enough sending quota`. The same page's spam refusal (`554 Reject by content spam`)
/// matches none of them, so a spam refusal stays `general`, whatever its Code.
pub const QUOTA_MESSAGES: [&str; 3] =
    ["Monthly sending quota exceeded", "Daily sending quota exceeded", "Not enough sending quota"];

/// The hint for a used-up quota.
const QUOTA_HINT: &str =
    "DirectMail's daily or monthly sending quota is used up. Wait for it to reset, or raise it in the DirectMail console.";

/// Whether a DirectMail message says the sending quota is used up, in the page's exact words
/// (see [`QUOTA_MESSAGES`]).
fn says_quota_exceeded(message: &str) -> bool {
    QUOTA_MESSAGES.iter().any(|quota| message.contains(quota))
}

/// How an Aliyun error with `code` and `message` at HTTP `status` is classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Classified {
    pub code: ErrorCode,
    pub reason: Reason,
    pub hint: Option<&'static str>,
}

/// The Logto code, reason and hint for Aliyun error `code` with `message` at HTTP `status`: the
/// one place DirectMail's codes are read.
pub fn classify(code: &str, message: &str, status: u16) -> Classified {
    if says_quota_exceeded(message) {
        return Classified { code: ErrorCode::UsageLimitExceeded, reason: Reason::Quota, hint: Some(QUOTA_HINT) };
    }
    let row = ERROR_TABLE.iter().find(|(pattern, _, _, _)| match pattern.strip_suffix(".*") {
        Some(prefix) => code == prefix || code.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.')),
        None => code == *pattern,
    });
    match row {
        Some((_, mapped, reason, hint)) => Classified { code: *mapped, reason: *reason, hint: Some(hint) },
        None if status >= 500 => Classified { code: ErrorCode::General, reason: Reason::Server, hint: Some(SERVER_ERROR_HINT) },
        None => Classified { code: ErrorCode::General, reason: Reason::Rejected, hint: None },
    }
}

/// Turns a reply into a result or a typed error: its HTTP status, its body's members (`None` when
/// the body is not a JSON object) and the start of its text, which errors quote. Whatever an error
/// takes from the server passes through `redactor` first, and the body is cut only after that, so
/// no part of a credential is left at the cut. `body_start` should reach
/// [`BODY_EXCERPT_BYTES`](crate::limits::BODY_EXCERPT_BYTES) plus [`Redactor::longest`] into the body.
pub fn parse_reply(status: u16, reply: Option<RawReply>, body_start: &str, redactor: &Redactor) -> Result<SendResult, Error> {
    let window = ALIYUN_TEXT_BYTES + redactor.longest();
    parse_unredacted(status, reply, body_start, window, redactor).map_err(|e| e.redacted(redactor))
}

/// The reply's meaning; an Aliyun error's texts are cut to `window` bytes, and a success is
/// checked against `redactor`, since it reaches the caller as it is.
fn parse_unredacted(
    status: u16,
    reply: Option<RawReply>,
    body_start: &str,
    window: usize,
    redactor: &Redactor,
) -> Result<SendResult, Error> {
    if (200..300).contains(&status) {
        return match reply.and_then(success) {
            Some(result) if redactor.holds_run_in_id(&result.env_id) || redactor.holds_run_in_id(&result.request_id) => {
                Err(unexpected(status, body_start, "The reply's EnvId or RequestId holds a credential".to_owned()))
            }
            Some(result) => Ok(result),
            None => Err(unexpected(
                status,
                body_start,
                "The reply is not DirectMail's {EnvId, RequestId}: EnvId must be digits, RequestId a UUID".to_owned(),
            )),
        };
    }
    match reply.and_then(|r| aliyun_error(r, status, window)) {
        Some(error) => {
            let Classified { code, reason, .. } = classify(&error.code, &error.message, error.status);
            let message = format!("{}: {}", error.code, error.message);
            // Throttling refused the mail, so sending it again cannot send it twice.
            let retryable = code == ErrorCode::RateLimitExceeded;
            Err(Error { retryable, reason, ..Error::with_data(code, message, ErrorData::Aliyun(Box::new(error))) })
        }
        // A server error is an outage, whatever its body says (often an HTML page from a proxy).
        None if status >= 500 => Err(Error::with_data(
            ErrorCode::General,
            format!("DirectMail answered HTTP {status}"),
            ErrorData::Reply { status, body: body_start.to_owned(), hint: Some(SERVER_ERROR_HINT) },
        )),
        None => Err(unexpected(status, body_start, format!("HTTP {status} with a body that is not an Aliyun error"))),
    }
}

/// A member that must be a string.
fn string(value: Option<Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// A member that may be absent, but must be a string if present: `None` when it is not.
fn optional_string(value: Option<Value>) -> Option<Option<String>> {
    match value {
        None => Some(None),
        Some(Value::String(s)) => Some(Some(s)),
        Some(_) => None,
    }
}

/// `{EnvId, RequestId}`, each of the shape DirectMail gives it, so that no echo of the request
/// reaches the caller as a result.
fn success(reply: RawReply) -> Option<SendResult> {
    let env_id = string(reply.env_id).filter(|id| is_env_id(id))?;
    let request_id = string(reply.request_id).filter(|id| is_request_id(id))?;
    Some(SendResult { env_id, request_id })
}

/// DirectMail's EnvId: a decimal number of at most 20 digits (a 64-bit one), as text.
fn is_env_id(id: &str) -> bool {
    (1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// Aliyun's RequestId: a UUID (8-4-4-4-12 hex digits).
fn is_request_id(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `{Code, Message, RequestId?, HostId?, Recommend?}`, each text cut to `window` bytes.
fn aliyun_error(reply: RawReply, status: u16, window: usize) -> Option<AliyunError> {
    let cut = |s: String| excerpt(&s, window).to_owned();
    let code = cut(string(reply.code)?);
    let message = cut(string(reply.message)?);
    let optional = |v: Option<Value>| optional_string(v).map(|s| s.map(cut));
    Some(AliyunError {
        hint: classify(&code, &message, status).hint,
        status,
        message,
        request_id: optional(reply.request_id)?,
        host_id: optional(reply.host_id)?,
        recommend: optional(reply.recommend)?,
        code,
    })
}

fn unexpected(status: u16, body_start: &str, message: String) -> Error {
    Error::with_data(ErrorCode::InvalidResponse, message, ErrorData::Reply { status, body: body_start.to_owned(), hint: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Result<SendResult, Error> {
        parse_reply(status, serde_json::from_str(body).ok(), body, &Redactor::default())
    }

    #[test]
    fn success_is_env_id_and_request_id() {
        let id = "0E1E2D8F-0F1C-4b1c-9E4A-9F0E8C1D2B3A";
        let ok = reply(200, &format!(r#"{{"EnvId":"600000123","RequestId":"{id}","Extra":1}}"#)).unwrap();
        assert_eq!(ok, SendResult { env_id: "600000123".into(), request_id: id.into() });
        for (env_id, request_id) in [("e", id), ("600000123", "r"), ("1.5", id), ("1", "0E1E2D8F0F1C4B1C9E4A9F0E8C1D2B3A")] {
            let body = format!(r#"{{"EnvId":"{env_id}","RequestId":"{request_id}"}}"#);
            assert_eq!(reply(200, &body).unwrap_err().code, ErrorCode::InvalidResponse, "{body}");
        }
    }

    #[test]
    fn general_errors_carry_the_sentence_logto_shows() {
        let data = |status, body| serde_json::to_value(reply(status, body).unwrap_err().data()).unwrap();
        let signature = data(400, r#"{"Code":"SignatureDoesNotMatch","Message":"Bad signature."}"#);
        let hint = classify("SignatureDoesNotMatch", "", 400).hint.unwrap();
        assert_eq!(signature["errorDescription"], format!("SignatureDoesNotMatch: Bad signature. — {hint}"));
        assert_eq!(signature["Code"], "SignatureDoesNotMatch");
        let outage = data(502, "<html>Bad gateway</html>");
        assert_eq!(outage["errorDescription"], format!("DirectMail answered HTTP 502 — {SERVER_ERROR_HINT}"));
        // Logto shows its own sentence for invalid_response, so none is added there.
        assert!(data(200, "not json").get("errorDescription").is_none());
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
            // General, so that Logto shows DirectMail's message and the hint (see ERROR_TABLE).
            ("SignatureDoesNotMatch", 400, ErrorCode::General),
            ("InvalidAccessKeyId.NotFound", 404, ErrorCode::General),
            ("InvalidMailAddress.NotFound", 404, ErrorCode::General),
            ("InvalidTimeStamp.Expired", 400, ErrorCode::General),
            ("ServiceUnavailable", 503, ErrorCode::General),
            ("SomethingNew", 400, ErrorCode::General),
        ] {
            assert_eq!(classify(code, "", status).code, expected, "{code}");
        }
        assert!(classify("InvalidTimeStamp.Expired", "", 400).hint.is_some_and(|h| h.contains("clock")));
        assert!(classify("SignatureNonceUsed", "", 400).hint.is_some_and(|h| h.contains("nonce") || h.contains("Nonce")));
        assert!(classify("ServiceUnavailable", "", 503).hint.is_some());
        assert_eq!(classify("SomethingNew", "", 400).hint, None);
    }

    #[test]
    fn replies_get_the_code_reason_and_retryability_of_the_vectors() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/errors/reasons.json")).unwrap();
        let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
        for case in vectors["cases"].as_array().unwrap() {
            let status = u16::try_from(case["status"].as_u64().unwrap()).unwrap();
            let body = match case["body"].as_str() {
                Some(body) => body.to_owned(),
                None => serde_json::json!({"Code": case["Code"], "Message": case["Message"], "RequestId": "r-1"}).to_string(),
            };
            let e = reply(status, &body).unwrap_err();
            let got = (e.code.as_str(), e.reason.as_str(), e.retryable);
            let want = (case["code"].as_str().unwrap(), case["reason"].as_str().unwrap(), case["retryable"].as_bool().unwrap());
            assert_eq!(got, want, "{case}");
        }
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
    fn error_data_keeps_only_the_start_of_the_body() {
        let long = format!("<html>{}</html>", "x".repeat(2000));
        match reply(502, &long).unwrap_err().data {
            ErrorData::Reply { body, .. } => assert_eq!(body.len(), crate::limits::BODY_EXCERPT_BYTES),
            other => panic!("unexpected data {other:?}"),
        }
    }

    #[test]
    fn only_directmail_quota_messages_are_usage_limits_and_spam_stays_general() {
        for message in ["552 Daily sending quota exceeded", "Monthly sending quota exceeded.", "552 Not enough sending quota"] {
            assert_eq!(classify("InvalidSendMail.Spam", message, 400).code, ErrorCode::UsageLimitExceeded, "{message}");
        }
        for message in ["554 Reject by content spam", "Emulated InvalidSendMail.Spam", "quota", "daily sending quota exceeded"] {
            assert_eq!(classify("InvalidSendMail.Spam", message, 400).code, ErrorCode::General, "{message}");
        }
        let body = r#"{"Code":"InvalidSendMail.Spam","Message":"552 Daily sending quota exceeded"}"#;
        let quota = serde_json::to_value(reply(400, body).unwrap_err().data()).unwrap();
        assert_eq!(quota["errorDescription"], format!("InvalidSendMail.Spam: 552 Daily sending quota exceeded — {QUOTA_HINT}"));
    }
}
