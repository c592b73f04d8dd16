//! DirectMail's delivery events, as EventBridge publishes them (a CloudEvent whose `source` is
//! `acs:dm` and whose `type` is `dm:Deliver:Fail`, `dm:Trace:Open`…), read into one typed event.
//!
//! The fields follow Aliyun's "Direct Mail events" page (EventBridge user guide) and its samples,
//! kept in `vectors/events/`. The mail's `X-User-Notify-*` headers come back in `data.header`;
//! DirectMail's sample writes them without `User-` (`X-Notify-Message-ID`), so both spellings are
//! read, without regard to case.

use crate::error::{Error, ErrorCode, Issues};
use crate::value::Value;
use base64::Engine;
use serde::Serialize;
use std::collections::BTreeMap;

crate::raw_fields! {
    /// The CloudEvent members this reads, and the members of an MNS message that carries one; the
    /// rest are never looked at.
    pub struct RawDeliveryEvent {
        /// An MNS topic's JSON notification carries the event's text here.
        message: "Message" => kept,
        /// A message received from an MNS queue carries it here.
        message_body: "MessageBody" => kept,
        id: "id" => kept,
        source: "source" => kept,
        time: "time" => kept,
        event_type: "type" => kept,
        data: "data" => kept,
        aliyunregionid: "aliyunregionid" => kept,
    }
}

/// What happened to a mail, as a handler acts on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Delivered,
    Failed,
    Opened,
    Clicked,
    Unsubscribed,
    Resubscribed,
    Complaint,
    GraylistResult,
}

/// DirectMail's event types and what each is.
const KINDS: [(&str, Kind); 8] = [
    ("dm:Deliver:Succeed", Kind::Delivered),
    ("dm:Deliver:Fail", Kind::Failed),
    ("dm:Trace:Open", Kind::Opened),
    ("dm:Trace:Click", Kind::Clicked),
    ("dm:Feedback:UnSubscribe", Kind::Unsubscribed),
    ("dm:Feedback:Subscribe", Kind::Resubscribed),
    ("dm:Feedback:FblReport", Kind::Complaint),
    ("dm:Validator:GrayListResult", Kind::GraylistResult),
];

/// The sources EventBridge names DirectMail by: the CloudEvent's `source`, and the rule's event source.
const SOURCES: [&str; 2] = ["acs:dm", "acs.dm"];

/// The Logto stamps this package puts on each mail (`delivery::EVENT_HEADERS`), by what they hold.
const LOGTO_HEADERS: [(&str, LogtoField); 3] = [
    ("Logto-Usage-Type", LogtoField::UsageType),
    ("Logto-Application-Id", LogtoField::ApplicationId),
    ("Logto-User-Id", LogtoField::UserId),
];

#[derive(Clone, Copy)]
enum LogtoField {
    UsageType,
    ApplicationId,
    UserId,
}

/// Who in Logto a mail was for, from its `X-User-Notify-Logto-*` headers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogtoStamp {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// One delivery event, typed. Text fields are as DirectMail wrote them; absent ones are left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryEvent {
    pub kind: Kind,
    /// DirectMail's type, such as `dm:Deliver:Fail`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The CloudEvent's id: the same event delivered twice has the same id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When it happened: the CloudEvent's `time` (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The EnvId `SingleSendMail` returned for the mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_id: Option<String>,
    /// The recipient (`rcpt`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The sender address (`from`, else `account`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliver_time: Option<String>,
    /// DirectMail's delivery status code (`status`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The receiving server's SMTP code and text, and DirectMail's class of failure (`failed_type`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_type: Option<String>,
    /// The mail's `X-User-Notify-*` headers, as DirectMail returned them.
    pub headers: BTreeMap<String, String>,
    /// The Logto user, application and usage type the mail was sent for, when it was stamped.
    pub logto: LogtoStamp,
}

impl RawDeliveryEvent {
    /// The text of the event this MNS message carries, when it is one and not itself the event.
    pub fn carried_text(&self) -> Option<&str> {
        if self.event_type.is_some() {
            return None;
        }
        self.message.as_ref().or(self.message_body.as_ref()).and_then(Value::as_str)
    }
}

/// `text` as base64 of UTF-8 (EventBridge's MNS target can base64-encode the event), if it is.
pub fn from_base64(text: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()?;
    String::from_utf8(bytes).ok()
}

/// Reads a DirectMail CloudEvent; refuses, naming the field, what is not one.
pub fn parse_delivery_event(raw: RawDeliveryEvent) -> Result<DeliveryEvent, Error> {
    let mut issues = Issues::default();
    let text = |value: &Option<Value>| value.as_ref().and_then(Value::as_str).map(str::to_owned);
    let source = text(&raw.source);
    if !source.as_deref().is_some_and(|s| SOURCES.contains(&s)) {
        issues.push("source", "must be acs:dm, DirectMail's: this is not a DirectMail event");
    }
    let event_type = text(&raw.event_type).unwrap_or_default();
    let kind = KINDS.iter().find(|(name, _)| *name == event_type).map(|(_, kind)| *kind);
    if kind.is_none() {
        issues.push("type", "must be one of DirectMail's event types (dm:Deliver:Succeed, dm:Deliver:Fail, dm:Trace:Open…)");
    }
    let data = match &raw.data {
        Some(Value::Object(data)) => Some(data),
        _ => {
            issues.push("data", "must be an object: the event's details");
            None
        }
    };
    let (Some(kind), Some(data), []) = (kind, data, issues.0.as_slice()) else {
        return Err(Error::with_issues(ErrorCode::InvalidRequestParameters, issues.0));
    };
    // DirectMail writes every field read here as a string (codes and status included).
    let field = |key: &str| data.get(key).and_then(Value::as_str).map(str::to_owned);
    let headers: BTreeMap<String, String> = match data.get("header") {
        Some(Value::Object(header)) => {
            header.iter().filter_map(|(name, value)| value.as_str().map(|v| (name.clone(), v.to_owned()))).collect()
        }
        _ => BTreeMap::new(),
    };
    Ok(DeliveryEvent {
        kind,
        event_type,
        id: text(&raw.id),
        time: text(&raw.time),
        region: field("region").or_else(|| text(&raw.aliyunregionid)),
        env_id: field("env_id"),
        recipient: field("rcpt"),
        sender: field("from").or_else(|| field("account")),
        message_id: field("msg_id"),
        tag: field("tag"),
        send_time: field("send_time"),
        deliver_time: field("deliver_time"),
        status: field("status"),
        error_code: field("err_code"),
        error_message: field("err_msg"),
        failed_type: field("failed_type"),
        logto: logto_stamp(&headers),
        headers,
    })
}

/// The Logto stamp in `headers`: `X-User-Notify-Logto-*`, or `X-Notify-Logto-*` as DirectMail's
/// sample spells returned headers, compared without case.
fn logto_stamp(headers: &BTreeMap<String, String>) -> LogtoStamp {
    let mut stamp = LogtoStamp::default();
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("x-user-notify-").or_else(|| lower.strip_prefix("x-notify-")) else { continue };
        for (suffix, field) in LOGTO_HEADERS {
            if rest.eq_ignore_ascii_case(suffix) {
                let slot = match field {
                    LogtoField::UsageType => &mut stamp.usage_type,
                    LogtoField::ApplicationId => &mut stamp.application_id,
                    LogtoField::UserId => &mut stamp.user_id,
                };
                *slot = Some(value.clone());
            }
        }
    }
    stamp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(json: &str) -> Result<DeliveryEvent, Error> {
        parse_delivery_event(serde_json::from_str(json).unwrap())
    }

    #[test]
    fn the_documented_samples_read_as_typed_events() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/events/directmail.json")).unwrap();
        let vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
        for case in vectors["cases"].as_array().unwrap() {
            let event = parse_delivery_event(serde_json::from_value(case["event"].clone()).unwrap()).unwrap();
            let got = serde_json::to_value(&event).unwrap();
            for (key, want) in case["expect"].as_object().unwrap() {
                assert_eq!(&got[key], want, "{}: {key}", case["what"]);
            }
        }
    }

    #[test]
    fn what_is_not_a_directmail_event_is_refused_by_field() {
        let e = parsed(r#"{"source":"acs:ecs","type":"ecs:Instance:Start","data":{}}"#).unwrap_err();
        assert_eq!(e.paths(), ["source", "type"]);
        let e = parsed(r#"{"source":"acs:dm","type":"dm:Deliver:Fail","data":"x"}"#).unwrap_err();
        assert_eq!(e.paths(), ["data"]);
        assert_eq!(parsed("{}").unwrap_err().paths(), ["source", "type", "data"]);
    }

    #[test]
    fn an_mns_message_says_where_its_event_is() {
        let carried: RawDeliveryEvent = serde_json::from_str(r#"{"MessageBody":"eyJ0eXBlIjoxfQ==","MessageId":"m"}"#).unwrap();
        assert_eq!(carried.carried_text(), Some("eyJ0eXBlIjoxfQ=="));
        assert_eq!(from_base64("eyJ0eXBlIjoxfQ==").as_deref(), Some(r#"{"type":1}"#));
        assert_eq!(from_base64("not base64!"), None);
        let event: RawDeliveryEvent = serde_json::from_str(r#"{"type":"dm:Trace:Open","Message":"x"}"#).unwrap();
        assert_eq!(event.carried_text(), None, "an event is read as itself");
    }

    #[test]
    fn the_logto_stamp_is_read_in_either_spelling_and_any_case() {
        let event = parsed(
            r#"{"source":"acs:dm","type":"dm:Deliver:Succeed","data":{"header":{
                "x-user-notify-logto-usage-type":"SignIn","X-Notify-Logto-User-Id":"u1","X-User-Notify-Other":"o"}}}"#,
        )
        .unwrap();
        assert_eq!(
            event.logto,
            LogtoStamp { usage_type: Some("SignIn".into()), application_id: None, user_id: Some("u1".into()) }
        );
        assert_eq!(event.headers.len(), 3);
    }
}
