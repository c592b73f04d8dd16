//! The reply to `SingleSendMail`: success, an Aliyun error, or something unexpected.

use crate::error::{AliyunError, Error, ErrorCode, ErrorData};
use crate::value::Value;

/// How much of an unexpected body an error keeps, in bytes.
pub const BODY_EXCERPT_BYTES: usize = 512;

/// DirectMail's success reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendResult {
    pub env_id: String,
    pub request_id: String,
}

/// Turns a reply into a result: `body` is the raw text, `json` its parse if it was JSON.
pub fn parse_reply(status: u16, body: &str, json: Option<&Value>) -> Result<SendResult, Error> {
    if (200..300).contains(&status) {
        return match json.and_then(success) {
            Some(result) => Ok(result),
            None => Err(unexpected(status, body, "The reply is not DirectMail's {EnvId, RequestId}")),
        };
    }
    match json.and_then(aliyun_error) {
        Some(error) => Err(Error {
            code: ErrorCode::General,
            message: format!("{}: {}", error.code, error.message),
            data: ErrorData::Aliyun(Box::new(error)),
        }),
        None => Err(unexpected(status, body, &format!("HTTP {status} with a body that is not an Aliyun error"))),
    }
}

fn success(json: &Value) -> Option<SendResult> {
    Some(SendResult {
        env_id: json.get("EnvId")?.as_str()?.to_owned(),
        request_id: json.get("RequestId")?.as_str()?.to_owned(),
    })
}

/// `{Code, Message, RequestId?, HostId?, Recommend?}`; an optional key, if present, must be a string.
fn aliyun_error(json: &Value) -> Option<AliyunError> {
    let optional = |key: &str| match json.get(key) {
        None => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    };
    Some(AliyunError {
        code: json.get("Code")?.as_str()?.to_owned(),
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
        data: ErrorData::Reply { status, body: excerpt(body, BODY_EXCERPT_BYTES).to_owned() },
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
        let json: Option<Value> = serde_json::from_str(body).ok();
        parse_reply(status, body, json.as_ref())
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
    fn anything_else_is_invalid_response() {
        for (status, body) in [
            (200, "not json"),
            (200, r#"{"EnvId":1,"RequestId":"r"}"#),
            (500, "<html>oops</html>"),
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
