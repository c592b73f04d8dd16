//! The message Logto asks to send, `{to, type, payload}`, and its validation.

use crate::error::{Error, ErrorCode, Issues};
use crate::header::is_mail_address;
use crate::limits::{MAX_RECIPIENTS, MAX_TO_BYTES};
use crate::value::Value;
use std::collections::BTreeMap;

/// The message Logto asks to send: `{to, type, payload}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub to: String,
    pub usage_type: String,
    pub payload: Value,
}

crate::raw_fields! {
    /// `sendMessage`'s data as it arrives, every field loose so validation can name each problem.
    pub struct RawMessage {
        to: "to" => take,
        usage_type: "type" => take,
        payload: "payload" => take,
    }
}

/// Validates `sendMessage`'s data, naming each bad field under `invalid_request_parameters`.
pub fn parse_message(raw: RawMessage) -> Result<Message, Error> {
    let mut issues = Issues::default();
    let mut text = |value: Option<Value>, key: &str| match value.filter(|v| !matches!(v, Value::Null)) {
        Some(Value::String(s)) if s.is_empty() => {
            issues.push(key, "must not be empty");
            s
        }
        Some(Value::String(s)) if s.len() > MAX_TO_BYTES => {
            issues.push(key, format!("must be at most {MAX_TO_BYTES} bytes"));
            String::new()
        }
        Some(Value::String(s)) => s,
        Some(other) => {
            issues.push(key, format!("expected string, got {}", other.type_name()));
            String::new()
        }
        None => {
            issues.push(key, "is required");
            String::new()
        }
    };
    let to = text(raw.to, "to");
    let usage_type = text(raw.usage_type, "type");
    let recipients = to.split(',').count();
    if recipients > MAX_RECIPIENTS {
        issues.push("to", format!("has {recipients} recipients; DirectMail takes at most {MAX_RECIPIENTS}"));
    } else if !to.is_empty() && to.split(',').any(|r| r.trim().is_empty()) {
        issues.push("to", "has an empty recipient");
    }
    if to.chars().any(char::is_control) {
        issues.push("to", "must not contain control characters");
    } else if recipients <= MAX_RECIPIENTS && to.split(',').any(|r| !r.trim().is_empty() && !is_mail_address(r.trim())) {
        issues.push("to", "must be mail addresses separated by , only (no other separator, blank or invisible character)");
    }
    let payload = match raw.payload {
        None | Some(Value::Null) => Value::Object(BTreeMap::new()),
        Some(p @ Value::Object(_)) => p,
        Some(other) => {
            issues.push("payload", format!("expected object, got {}", other.type_name()));
            Value::Null
        }
    };
    issues.finish(ErrorCode::InvalidRequestParameters, || Message { to, usage_type, payload })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: serde::de::DeserializeOwned>(s: &str) -> T {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn message_errors_name_the_field() {
        let e = parse_message(json(r#"{"to":"","type":3,"payload":"x"}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequestParameters);
        assert_eq!(e.paths(), ["to", "type", "payload"]);
        let long = format!(r#"{{"to":"{}","type":"SignIn"}}"#, "a".repeat(MAX_TO_BYTES + 1));
        assert_eq!(parse_message(json(&long)).unwrap_err().paths(), ["to"]);
    }

    #[test]
    fn every_recipient_is_an_address() {
        for to in ["a@b.c;d@e.f", "a@@b.cd", "a\u{2028}@b.c", "a@b.c\u{200B}", "not an address"] {
            let e = parse_message(RawMessage {
                to: Some(Value::String(to.into())),
                usage_type: Some(Value::String("SignIn".into())),
                payload: None,
            });
            assert_eq!(e.unwrap_err().paths(), ["to"], "{to:?}");
        }
        assert!(parse_message(json(r#"{"to":"a@b.c, d@e.f","type":"SignIn"}"#)).is_ok());
    }

    #[test]
    fn at_most_100_recipients() {
        let to = vec!["a@b.c"; 101].join(",");
        let e = parse_message(json(&format!(r#"{{"to":"{to}","type":"SignIn"}}"#))).unwrap_err();
        assert_eq!(e.paths(), ["to"]);
        assert!(parse_message(json(&format!(r#"{{"to":"{}","type":"SignIn"}}"#, vec!["a@b.c"; 100].join(",")))).is_ok());
    }
}
