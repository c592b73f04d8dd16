//! DirectMail's newer `SingleSendMail` parameters, which the official connector does not send:
//! `Headers`, `BccAddress`, `IpPoolId`, `UnSubscribeLinkType`, `UnSubscribeFilterLevel`, and the
//! `X-User-Notify-*` headers that tie DirectMail's delivery events to a Logto sign-in.
//!
//! Source: `@alicloud/dm20151123` 1.9.0's `SingleSendMailRequest` (its documented rules), and
//! DirectMail's API reference for `SingleSendMail`.

use crate::error::Issues;
use crate::fields::{optional_choice, optional_string, string_field};
use crate::header::{is_header_value, is_mail_address};
use crate::limits::{MAX_BCC, MAX_FIELD_BYTES, MAX_HEADERS, MAX_HEADER_NAME_BYTES};
use crate::redact::json_escaped;
use crate::value::Value;

/// The standard headers DirectMail lets a sender set, compared without case.
pub const STANDARD_HEADERS: [&str; 3] = ["Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"];
/// Custom headers must start with this (case-insensitive); `X-User-Notify-` ones are also pushed
/// with DirectMail's delivery events (EventBridge, MNS).
pub const CUSTOM_HEADER_PREFIX: &str = "X-User-";
/// The headers `deliveryEventHeaders` adds, from the usage type and the payload's ids.
pub const EVENT_HEADERS: [&str; 3] =
    ["X-User-Notify-Logto-Usage-Type", "X-User-Notify-Logto-Application-Id", "X-User-Notify-Logto-User-Id"];

/// `UnSubscribeLinkType`: whether DirectMail adds an unsubscribe link.
pub const UNSUBSCRIBE_LINK_TYPES: [&str; 2] = ["disabled", "default"];
/// `UnSubscribeFilterLevel`: at which level an unsubscribed recipient is filtered out.
pub const UNSUBSCRIBE_FILTER_LEVELS: [&str; 5] = ["disabled", "default", "mailfrom", "mailfrom_domain", "edm_id"];

/// The delivery settings of a config; all optional, and none sent when absent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Fixed headers, by name as written, sent in `Headers`.
    pub headers: Vec<(String, String)>,
    /// `BccAddress`, comma-joined.
    pub bcc_address: Option<String>,
    pub ip_pool_id: Option<String>,
    pub unsubscribe_link_type: Option<&'static str>,
    pub unsubscribe_filter_level: Option<&'static str>,
    /// Adds [`EVENT_HEADERS`] to each mail.
    pub event_headers: bool,
}

/// The raw config fields this module reads.
pub struct RawDelivery<'a> {
    pub headers: Option<&'a Value>,
    pub bcc_address: Option<&'a Value>,
    pub ip_pool_id: Option<&'a Value>,
    pub unsubscribe_link_type: Option<&'a Value>,
    pub unsubscribe_filter_level: Option<&'a Value>,
    pub delivery_event_headers: Option<&'a Value>,
}

/// Whether `name` is a header DirectMail takes: a standard one, or `X-User-` and an RFC 7230 token.
pub fn is_allowed_header(name: &str) -> bool {
    let token = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    let custom = name.get(..CUSTOM_HEADER_PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(CUSTOM_HEADER_PREFIX))
        && name.len() > CUSTOM_HEADER_PREFIX.len();
    token && (custom || STANDARD_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name)))
}

/// Validates the delivery fields, recording each problem under its config key.
pub fn parse_delivery(raw: RawDelivery, issues: &mut Issues) -> Delivery {
    let event_headers = match raw.delivery_event_headers {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            issues.push("deliveryEventHeaders", format!("expected boolean, got {}", other.type_name()));
            false
        }
    };
    let headers = parse_headers(raw.headers, "headers", if event_headers { EVENT_HEADERS.len() } else { 0 }, issues);
    let bcc_address = parse_bcc(raw.bcc_address, "bccAddress", issues);
    let ip_pool_id = optional_string(raw.ip_pool_id, "ipPoolId", issues);
    if ip_pool_id.as_deref().is_some_and(|id| id.is_empty() || !id.bytes().all(|b| b.is_ascii_graphic())) {
        issues.push("ipPoolId", "must be the pool's id: printable ASCII without spaces");
    }
    let choices = |names: &'static [&'static str]| names.iter().map(|n| (*n, *n)).collect::<Vec<_>>();
    let unsubscribe_link_type =
        optional_choice(raw.unsubscribe_link_type, "unSubscribeLinkType", &choices(&UNSUBSCRIBE_LINK_TYPES), issues);
    let unsubscribe_filter_level =
        optional_choice(raw.unsubscribe_filter_level, "unSubscribeFilterLevel", &choices(&UNSUBSCRIBE_FILTER_LEVELS), issues);
    Delivery { headers, bcc_address, ip_pool_id, unsubscribe_link_type, unsubscribe_filter_level, event_headers }
}

/// Validates a `headers` object named `key`: allowed names, each once whatever its case, one-line
/// values, and at most [`MAX_HEADERS`] with the `reserved` ones `deliveryEventHeaders` adds.
pub fn parse_headers(value: Option<&Value>, key: &str, reserved: usize, issues: &mut Issues) -> Vec<(String, String)> {
    let entries = match value {
        None => return Vec::new(),
        Some(Value::Object(entries)) => entries,
        Some(other) => {
            issues.push(key, format!("expected an object of header names to values, got {}", other.type_name()));
            return Vec::new();
        }
    };
    if entries.len() + reserved > MAX_HEADERS {
        let also = if reserved > 0 { format!(" (deliveryEventHeaders adds {reserved})") } else { String::new() };
        issues.push(key, format!("has {} headers{also}; DirectMail takes at most {MAX_HEADERS}", entries.len()));
        return Vec::new();
    }
    let mut headers = Vec::with_capacity(entries.len());
    for (name, value) in entries {
        let path = format!("{key}.{name}");
        if name.len() > MAX_HEADER_NAME_BYTES {
            issues.push(path, format!("is longer than {MAX_HEADER_NAME_BYTES} bytes"));
            continue;
        }
        if !is_allowed_header(name) {
            issues.push(
                path,
                "is not a header DirectMail takes: use Message-ID, List-Unsubscribe, List-Unsubscribe-Post, or a name starting X-User-",
            );
            continue;
        }
        if reserved > 0 && EVENT_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name)) {
            issues.push(path, "is set by deliveryEventHeaders");
            continue;
        }
        // DirectMail would send both: a mail with two Message-IDs.
        if headers.iter().any(|(seen, _): &(String, String)| seen.eq_ignore_ascii_case(name)) {
            issues.push(path, "repeats a header name (names are compared without case)");
            continue;
        }
        match string_field(value, &path, MAX_FIELD_BYTES, issues) {
            Some(v) if !is_header_value(&v) => issues.push(path, "must be one line, without control characters"),
            Some(v) => headers.push((name.clone(), v)),
            None => {}
        }
    }
    headers
}

/// Validates a `bccAddress` named `key`: one or two addresses, comma-separated or an array;
/// comma-joined.
pub fn parse_bcc(value: Option<&Value>, key: &str, issues: &mut Issues) -> Option<String> {
    let addresses: Vec<String> = match value? {
        Value::String(s) => s.split(',').map(|a| a.trim().to_owned()).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| string_field(item, &format!("{key}[{i}]"), MAX_FIELD_BYTES, issues))
            .collect(),
        other => {
            issues.push(key, format!("expected a string or an array of strings, got {}", other.type_name()));
            return None;
        }
    };
    if addresses.len() > MAX_BCC {
        issues.push(key, format!("has {} addresses; DirectMail takes at most {MAX_BCC}", addresses.len()));
        return None;
    }
    if addresses.is_empty() || !addresses.iter().all(|a| is_mail_address(a)) {
        issues.push(key, "must be one or two mail addresses, separated by , only");
        return None;
    }
    Some(addresses.join(","))
}

/// The `Headers` parameter for one mail: the config's headers with this send's laid over them by
/// name (compared without case), then the event headers with the usage type and the payload's
/// `application.id` and `user.id` when present. `None` when empty.
pub fn headers_param(delivery: &Delivery, per_send: &[(String, String)], usage_type: &str, payload: &Value) -> Option<String> {
    let overridden = |name: &str| per_send.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let mut all: Vec<(&str, String)> =
        delivery.headers.iter().filter(|(n, _)| !overridden(n)).chain(per_send).map(|(n, v)| (n.as_str(), v.clone())).collect();
    if delivery.event_headers {
        // An id that could not be a header value (too long, or with a line break) is left out.
        let id = |key: &str| {
            let id = payload.get(key).and_then(|v| v.get("id")).and_then(scalar_text);
            id.filter(|s| s.len() <= MAX_FIELD_BYTES && is_header_value(s))
        };
        let [usage, application, user] = EVENT_HEADERS;
        all.push((usage, usage_type.to_owned()));
        if let Some(application_id) = id("application") {
            all.push((application, application_id));
        }
        if let Some(user_id) = id("user") {
            all.push((user, user_id));
        }
    }
    (!all.is_empty()).then(|| json_object(all.iter().map(|(n, v)| (*n, v.as_str()))))
}

/// The `Template` parameter: `{"TemplateData":{…},"TemplateId":"…"}` as the SDK writes it, with
/// the payload's scalar values, nested ones under dotted keys (`application.name`).
pub fn template_param(template_id: &str, payload: &Value) -> String {
    let mut data = Vec::new();
    flatten(payload, "", &mut data);
    let mut out = String::from("{");
    if !data.is_empty() {
        out.push_str("\"TemplateData\":");
        out.push_str(&json_object(data.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        out.push(',');
    }
    out.push_str("\"TemplateId\":");
    out.push_str(&json_string(template_id));
    out.push('}');
    out
}

/// A scalar as JS `String(value)` writes it (payload numbers arrive from JS as text already);
/// objects, arrays and null have none.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Every scalar under the object `value`, with its dotted path, in key order at each level (depth
/// is bounded by [`Value`]'s reader).
fn flatten(value: &Value, prefix: &str, out: &mut Vec<(String, String)>) {
    let Value::Object(entries) = value else { return };
    for (key, child) in entries {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match scalar_text(child) {
            Some(text) => out.push((path, text)),
            None => flatten(child, &path, out),
        }
    }
}

/// A JSON object of string members, written compactly as `JSON.stringify` writes it.
fn json_object<'a>(members: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in members.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&json_string(name));
        out.push(':');
        out.push_str(&json_string(value));
    }
    out.push('}');
    out
}

/// A JSON string literal, with the escapes `JSON.stringify` uses.
fn json_string(s: &str) -> String {
    format!("\"{}\"", json_escaped(s, false, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    fn parse(json: &str) -> (Delivery, Vec<String>) {
        let v = value(json);
        let mut issues = Issues::default();
        let d = parse_delivery(
            RawDelivery {
                headers: v.get("headers"),
                bcc_address: v.get("bccAddress"),
                ip_pool_id: v.get("ipPoolId"),
                unsubscribe_link_type: v.get("unSubscribeLinkType"),
                unsubscribe_filter_level: v.get("unSubscribeFilterLevel"),
                delivery_event_headers: v.get("deliveryEventHeaders"),
            },
            &mut issues,
        );
        (d, issues.0.into_iter().map(|i| format!("{}: {}", i.path, i.message)).collect())
    }

    #[test]
    fn allowed_headers_are_the_standard_three_and_x_user_names() {
        for ok in ["Message-ID", "message-id", "List-Unsubscribe", "List-Unsubscribe-Post", "X-User-UID", "x-user-notify-a"] {
            assert!(is_allowed_header(ok), "{ok}");
        }
        for bad in ["From", "Subject", "X-User-", "X-Mailer", "X-User-A B", "Reply-To", "", "X-User-é"] {
            assert!(!is_allowed_header(bad), "{bad}");
        }
    }

    #[test]
    fn headers_are_checked_and_counted_with_the_event_headers() {
        let (d, issues) = parse(r#"{"headers":{"X-User-A":"1","Message-ID":"<a@b>"}}"#);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(d.headers.len(), 2);
        let (_, issues) = parse(r#"{"headers":{"From":"x","X-User-B":"a\nb","X-User-C":1}}"#);
        assert_eq!(
            issues,
            [
                "headers.From: is not a header DirectMail takes: use Message-ID, List-Unsubscribe, List-Unsubscribe-Post, or a name starting X-User-",
                "headers.X-User-B: must be one line, without control characters",
                "headers.X-User-C: expected string, got number",
            ]
        );
        let (_, issues) = parse(r#"{"headers":{"Message-ID":"<a@b>","message-id":"<c@d>"}}"#);
        assert_eq!(issues, ["headers.message-id: repeats a header name (names are compared without case)"]);
        let eight: Vec<String> = (0..8).map(|i| format!("\"X-User-{i}\":\"v\"")).collect();
        let (_, issues) = parse(&format!(r#"{{"headers":{{{}}},"deliveryEventHeaders":true}}"#, eight.join(",")));
        assert_eq!(issues, ["headers: has 8 headers (deliveryEventHeaders adds 3); DirectMail takes at most 10"]);
    }

    #[test]
    fn bcc_takes_a_string_or_an_array_of_at_most_two_addresses() {
        assert_eq!(parse(r#"{"bccAddress":"a@b.c, d@e.f"}"#).0.bcc_address.as_deref(), Some("a@b.c,d@e.f"));
        assert_eq!(parse(r#"{"bccAddress":["a@b.c"]}"#).0.bcc_address.as_deref(), Some("a@b.c"));
        assert_eq!(parse(r#"{"bccAddress":"a@b.c,d@e.f,g@h.i"}"#).1, ["bccAddress: has 3 addresses; DirectMail takes at most 2"]);
        for bad in ["nope", "a@b.c;d@e.f", "a@@b.cd"] {
            let refused = parse(&format!(r#"{{"bccAddress":"{bad}"}}"#)).1;
            assert_eq!(refused, ["bccAddress: must be one or two mail addresses, separated by , only"], "{bad}");
        }
    }

    #[test]
    fn the_unsubscribe_enums_and_the_pool_id_are_checked() {
        let (d, issues) =
            parse(r#"{"unSubscribeLinkType":"default","unSubscribeFilterLevel":"mailfrom_domain","ipPoolId":"e4-1"}"#);
        assert!(issues.is_empty());
        assert_eq!((d.unsubscribe_link_type, d.unsubscribe_filter_level), (Some("default"), Some("mailfrom_domain")));
        let (_, issues) = parse(r#"{"unSubscribeLinkType":"on","unSubscribeFilterLevel":"x","ipPoolId":"a b"}"#);
        assert_eq!(
            issues,
            [
                "ipPoolId: must be the pool's id: printable ASCII without spaces",
                "unSubscribeLinkType: must be disabled or default",
                "unSubscribeFilterLevel: must be disabled or default or mailfrom or mailfrom_domain or edm_id",
            ]
        );
    }

    #[test]
    fn event_headers_carry_the_usage_type_and_the_ids_the_payload_has() {
        let (d, _) = parse(r#"{"headers":{"X-User-A":"\"q\""},"deliveryEventHeaders":true}"#);
        let payload = value(r#"{"code":"1","application":{"id":"app1","name":"A"},"user":{"id":42}}"#);
        assert_eq!(
            headers_param(&d, &[], "SignIn", &payload).unwrap(),
            r#"{"X-User-A":"\"q\"","X-User-Notify-Logto-Usage-Type":"SignIn","X-User-Notify-Logto-Application-Id":"app1","X-User-Notify-Logto-User-Id":"42"}"#
        );
        assert_eq!(
            headers_param(&d, &[], "Generic", &value("{}")).unwrap(),
            r#"{"X-User-A":"\"q\"","X-User-Notify-Logto-Usage-Type":"Generic"}"#
        );
        assert_eq!(headers_param(&Delivery::default(), &[], "SignIn", &payload), None);
        let unusable =
            value(&format!(r#"{{"application":{{"id":"a\nb"}},"user":{{"id":"{}"}}}}"#, "u".repeat(MAX_FIELD_BYTES + 1)));
        assert_eq!(
            headers_param(&d, &[], "SignIn", &unusable).unwrap(),
            r#"{"X-User-A":"\"q\"","X-User-Notify-Logto-Usage-Type":"SignIn"}"#
        );
    }

    #[test]
    fn the_template_parameter_is_written_as_the_sdk_writes_it() {
        let payload = value(r#"{"code":"12 34","application":{"name":"é\"A"},"n":1.5,"x":null,"l":[1]}"#);
        assert_eq!(
            template_param("1001", &payload),
            r#"{"TemplateData":{"application.name":"é\"A","code":"12 34","n":"1.5"},"TemplateId":"1001"}"#
        );
        assert_eq!(template_param("7", &value("{}")), r#"{"TemplateId":"7"}"#);
    }

    #[test]
    fn a_sends_headers_replace_the_configs_of_the_same_name_and_keep_the_rest() {
        let (d, _) = parse(r#"{"headers":{"List-Unsubscribe":"<mailto:u@x.y>","Message-ID":"<config@x>"}}"#);
        let per_send = [("message-id".to_owned(), "<send-1@x>".to_owned())];
        assert_eq!(
            headers_param(&d, &per_send, "Generic", &value("{}")).unwrap(),
            r#"{"List-Unsubscribe":"<mailto:u@x.y>","message-id":"<send-1@x>"}"#
        );
    }
}
