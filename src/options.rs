//! What one send adds to its config: Logto's i18n template, the settings a mail client sets per
//! mail (alias, reply-to, tag, headers, BCC, a console template), the network policy, and what a
//! dry run or a test may pin (nonce, timestamp, endpoint). They are read once per send and never
//! change the config.

use crate::attachments::{parse_uploaded, Attachment};
use crate::config::{Config, ContentType};
use crate::delivery::{self, EVENT_HEADERS};
use crate::endpoint::parse_endpoint;
use crate::error::{Error, ErrorCode, Issues};
use crate::fields::{member_string, optional_bool, optional_integer, present, string_field};
use crate::header::{is_header_value, is_mail_address, is_tag_name};
use crate::limits::{
    self, MAX_FIELD_BYTES, MAX_FROM_ALIAS_CHARS, MAX_HEADERS, MAX_IDEMPOTENCY_KEY_BYTES, MAX_RETRIES, MAX_TEMPLATE_BYTES,
    TIMEOUT_MS_RANGE,
};
use crate::mailbox::{self, Mailbox};
use crate::sign::{self, Nonce, Timestamp};
use crate::template::is_template_id;
use crate::value::Value;

/// A template from Logto's `getI18nEmailTemplate`, which wins over the config's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomTemplate {
    pub subject: String,
    pub content: String,
    /// Rendered, then read as connector-kit's `parseSendFrom` reads it.
    pub send_from: Option<String>,
    /// A reply-to mailbox (`addr` or `Name <addr>`), rendered; left out when it is no address.
    pub reply_to: Option<String>,
    /// `text/plain` sends `TextBody`; `text/html` (or none) follows the config.
    pub content_type: Option<ContentType>,
}

crate::raw_fields! {
    /// Per-send options as they arrive, every field loose so validation can name each problem. A
    /// mail client's settings keep `null`, which is refused: leaving one out keeps the config's.
    pub struct RawOptions {
        template: "template" => take,
        nonce: "nonce" => take,
        timestamp: "timestamp" => take,
        endpoint: "endpoint" => take,
        timeout_ms: "timeoutMs" => take,
        retries: "retries" => take,
        strict_placeholders: "strictPlaceholders" => take,
        from_alias: "fromAlias" => kept,
        reply_to: "replyTo" => kept,
        tag_name: "tagName" => kept,
        headers: "headers" => kept,
        bcc_address: "bccAddress" => kept,
        template_id: "templateId" => kept,
        from: "from" => kept,
        text: "text" => kept,
        attachments: "attachments" => kept,
        idempotency_key: "idempotencyKey" => kept,
    }
}

/// Settings a mail client sets for one mail; each one given wins over the config's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PerSend {
    /// `FromAlias`, sent as written; empty sends none.
    pub from_alias: Option<String>,
    /// `ReplyAddress` and `ReplyAddressAlias`.
    pub reply_to: Option<Mailbox>,
    pub tag_name: Option<String>,
    /// Laid over the config's headers by name.
    pub headers: Vec<(String, String)>,
    /// `BccAddress`, comma-joined.
    pub bcc_address: Option<String>,
    /// A DirectMail console template, sent in place of subject and body.
    pub template_id: Option<String>,
    /// `AccountName`, from a `from` of `addr` or `Name <addr>` (the name is the `FromAlias`).
    pub account_name: Option<String>,
    /// A plain-text body sent as `TextBody` beside an HTML body, rendered as the body is.
    pub text: Option<String>,
    /// Files uploaded for this mail, sent as `Attachments`.
    pub attachments: Vec<Attachment>,
}

/// Validated per-send options; `None` leaves the config's value, or a fresh nonce and timestamp.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub template: Option<CustomTemplate>,
    pub nonce: Option<Nonce>,
    pub timestamp: Option<Timestamp>,
    pub endpoint: Option<String>,
    pub timeout_ms: Option<u32>,
    pub retries: Option<u32>,
    /// A placeholder with no value in the payload is an error, not left as written or blank.
    pub strict_placeholders: bool,
    pub per_send: PerSend,
}

/// Validates per-send options for a send with `config`, naming each bad field `{prefix}{name}`
/// (`options.` for the lower-level API, nothing for a mail client's fields) under
/// `invalid_request_parameters`.
pub fn parse_options(raw: RawOptions, prefix: &str, config: &Config) -> Result<Options, Error> {
    let mut issues = Issues::default();
    let path = |key: &str| format!("{prefix}{key}");
    let string = |value: &Option<Value>, key: &str, issues: &mut Issues| match present(value.as_ref()) {
        None => None,
        Some(v) => string_field(v, &path(key), MAX_FIELD_BYTES, issues),
    };
    let checked = |value: &Option<Value>, key: &str, issues: &mut Issues, ok: &dyn Fn(&str) -> bool, why: &str| {
        let text = string(value, key, issues)?;
        if ok(&text) {
            Some(text)
        } else {
            issues.push(path(key), why);
            None
        }
    };
    let nonce =
        checked(&raw.nonce, "nonce", &mut issues, &|s| Nonce::parse(s).is_some(), "must be 1 to 64 printable ASCII characters")
            .and_then(|s| Nonce::parse(&s));
    let timestamp = checked(
        &raw.timestamp,
        "timestamp",
        &mut issues,
        &|s| Timestamp::parse(s).is_some(),
        "must look like 2016-10-20T06:27:56Z",
    )
    .and_then(|s| Timestamp::parse(&s));
    let endpoint = string(&raw.endpoint, "endpoint", &mut issues)
        .and_then(|e| parse_endpoint(&e).map_err(|why| issues.push(path("endpoint"), why)).ok());
    let (min, max) = TIMEOUT_MS_RANGE;
    let timeout_ms = optional_integer(present(raw.timeout_ms.as_ref()), &path("timeoutMs"), min, max, &mut issues);
    let retries = optional_integer(present(raw.retries.as_ref()), &path("retries"), 0, MAX_RETRIES, &mut issues);
    let strict_placeholders =
        optional_bool(present(raw.strict_placeholders.as_ref()), &path("strictPlaceholders"), &mut issues).unwrap_or(false);
    let template = present(raw.template.as_ref()).and_then(|t| parse_custom_template(t, &path("template"), &mut issues));

    // A mail client's settings: `null` is refused, since leaving a field out is how the config's
    // value is kept, and a `null` meant as "none" would otherwise silently keep it.
    let [from_alias_value, reply_to_value, tag_name_value, headers_value, bcc_value, template_id_value, from_value, text_value, attachments_value, idempotency_value] =
        [
            (raw.from_alias, "fromAlias"),
            (raw.reply_to, "replyTo"),
            (raw.tag_name, "tagName"),
            (raw.headers, "headers"),
            (raw.bcc_address, "bccAddress"),
            (raw.template_id, "templateId"),
            (raw.from, "from"),
            (raw.text, "text"),
            (raw.attachments, "attachments"),
            (raw.idempotency_key, "idempotencyKey"),
        ]
        .map(|(value, key)| not_null(value, &path(key), &mut issues));
    let one_line = |s: &str| is_header_value(s) && limits::chars(s) <= MAX_FROM_ALIAS_CHARS;
    let alias_rule = format!("must be one line of fewer than {} characters", MAX_FROM_ALIAS_CHARS + 1);
    let from_alias = checked(&from_alias_value, "fromAlias", &mut issues, &one_line, &alias_rule);
    let sender = string(&from_value, "from", &mut issues)
        .and_then(|text| parse_from(&text, from_alias_value.is_some()).map_err(|why| issues.push(path("from"), why)).ok());
    let (account_name, from_alias) = match sender {
        Some(Mailbox { email, name }) => (Some(email), name.or(from_alias)),
        None => (None, from_alias),
    };
    let text = present(text_value.as_ref()).and_then(|v| string_field(v, &path("text"), MAX_TEMPLATE_BYTES, &mut issues));
    let reply_to = string(&reply_to_value, "replyTo", &mut issues).and_then(|text| {
        let mailbox = mailbox::parse_send_from(&text, "", None);
        let ok = is_mail_address(&mailbox.email) && is_header_value(&text);
        if !ok {
            issues.push(path("replyTo"), "must be a mail address, or Name <address>");
        }
        ok.then_some(mailbox)
    });
    let tag_name = checked(&tag_name_value, "tagName", &mut issues, &is_tag_name, "must be 1 to 128 letters, digits, _ or -");
    let template_id = checked(
        &template_id_value,
        "templateId",
        &mut issues,
        &is_template_id,
        "must be the id of a DirectMail console template",
    );
    let idempotency_key = checked(
        &idempotency_value,
        "idempotencyKey",
        &mut issues,
        &|k| !k.is_empty() && k.len() <= MAX_IDEMPOTENCY_KEY_BYTES && k.bytes().all(|b| (0x20..0x7F).contains(&b)),
        "must be 1 to 256 printable ASCII characters",
    );
    let reserved = if config.delivery.event_headers { EVENT_HEADERS.len() } else { 0 };
    // The key's Message-ID takes a header's place.
    let reserved = reserved + usize::from(idempotency_key.is_some());
    let mut headers = per_send_headers(headers_value.as_ref(), &path("headers"), config, reserved, &mut issues);
    if let Some(key) = idempotency_key {
        let named = |list: &[(String, String)]| list.iter().any(|(name, _)| name.eq_ignore_ascii_case("Message-ID"));
        if named(&headers) || named(&config.delivery.headers) {
            issues.push(path("idempotencyKey"), "sets the Message-ID, and so does a Message-ID header: give one or the other");
        } else {
            let sender = account_name.as_deref().unwrap_or(&config.account_name);
            let domain = sender.rsplit_once('@').map_or(sender, |(_, domain)| domain);
            headers.push(("Message-ID".to_owned(), format!("<{}@{domain}>", sign::v3::sha256_hex(key.as_bytes()))));
        }
    }
    let bcc_address = bcc_value.as_ref().and_then(|v| delivery::parse_bcc(Some(v), &path("bccAddress"), &mut issues));
    let attachments = attachments_value.as_ref().map_or_else(Vec::new, |v| parse_uploaded(v, &path("attachments"), &mut issues));
    let per_send = PerSend { from_alias, reply_to, tag_name, headers, bcc_address, template_id, account_name, text, attachments };
    issues.finish(ErrorCode::InvalidRequestParameters, || Options {
        template,
        nonce,
        timestamp,
        endpoint,
        timeout_ms,
        retries,
        strict_placeholders,
        per_send,
    })
}

/// A mail's `from`, as Resend's users write it: `addr` or `Name <addr>`. The address must be one
/// DirectMail can send from (one line, one address); the name is the alias, so it follows the
/// alias's rule, and naming one here and in `fromAlias` too is ambiguous.
fn parse_from(text: &str, alias_given: bool) -> Result<Mailbox, String> {
    let mailbox = mailbox::parse_send_from(text, "", None);
    if !is_header_value(text) || !is_mail_address(&mailbox.email) {
        return Err("must be a sender address set up in DirectMail, or Name <address>".into());
    }
    match &mailbox.name {
        Some(name) if limits::chars(name) > MAX_FROM_ALIAS_CHARS => {
            Err(format!("has a name of more than {MAX_FROM_ALIAS_CHARS} characters; DirectMail's FromAlias takes fewer than 15"))
        }
        Some(_) if alias_given => Err("names the sender, and so does fromAlias: give the name in one of them".into()),
        _ => Ok(mailbox),
    }
}

/// `value`, or `None` with an issue under `path` when it is `null`.
fn not_null(value: Option<Value>, path: &str, issues: &mut Issues) -> Option<Value> {
    match value {
        Some(Value::Null) => {
            issues.push(path, "must not be null: leave it out to keep the config's value");
            None
        }
        other => other,
    }
}

/// A send's `headers`, checked alone and then counted with the config's they do not replace.
fn per_send_headers(
    value: Option<&Value>,
    path: &str,
    config: &Config,
    reserved: usize,
    issues: &mut Issues,
) -> Vec<(String, String)> {
    let Some(value) = value else { return Vec::new() };
    let headers = delivery::parse_headers(Some(value), path, reserved, issues);
    let kept =
        config.delivery.headers.iter().filter(|(name, _)| !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))).count();
    let total = kept + headers.len() + reserved;
    if total > MAX_HEADERS {
        issues.push(path, format!("makes {total} headers with the config's; DirectMail takes at most {MAX_HEADERS}"));
    }
    headers
}

/// Validates a custom template (`{subject, content, sendFrom?, replyTo?, contentType?}`), as
/// Logto's `getI18nEmailTemplate` returns one; `path` names it in errors.
fn parse_custom_template(input: &Value, path: &str, issues: &mut Issues) -> Option<CustomTemplate> {
    if !matches!(input, Value::Object(_)) {
        issues.push(path, format!("expected object, got {}", input.type_name()));
        return None;
    }
    let before = issues.0.len();
    let mut field = |key: &str, required: bool| member_string(input, path, key, MAX_TEMPLATE_BYTES, required, issues);
    let subject = field("subject", true);
    let content = field("content", true);
    let send_from = field("sendFrom", false);
    let reply_to = field("replyTo", false);
    let content_type = match field("contentType", false).as_deref() {
        None => None,
        Some("text/html") => Some(ContentType::Html),
        Some("text/plain") => Some(ContentType::Text),
        Some(_) => {
            issues.push(format!("{path}.contentType"), "must be text/html or text/plain");
            None
        }
    };
    (issues.0.len() == before).then(|| CustomTemplate {
        subject: subject.unwrap_or_default(),
        content: content.unwrap_or_default(),
        send_from,
        reply_to,
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;

    fn json<T: serde::de::DeserializeOwned>(s: &str) -> T {
        serde_json::from_str(s).unwrap()
    }

    fn config(extra: &str) -> Config {
        parse_config(&json(&format!(
            r#"{{"accessKeyId":"id","accessKeySecret":"secret","accountName":"a@b.c"{extra},"templates":[
            {{"usageType":"SignIn","subject":"s","content":"c"}},{{"usageType":"Register","subject":"s","content":"c"}},
            {{"usageType":"ForgotPassword","subject":"s","content":"c"}},{{"usageType":"Generic","subject":"s","content":"c"}}]}}"#
        )))
        .unwrap()
    }

    #[test]
    fn options_are_checked_and_named() {
        let c = config("");
        let ok = parse_options(
            json(r#"{"nonce":"n-1","timestamp":"2026-01-01T00:00:00Z","timeoutMs":500,"retries":2}"#),
            "options.",
            &c,
        )
        .unwrap();
        assert_eq!((ok.timeout_ms, ok.retries), (Some(500), Some(2)));
        assert_eq!(ok.nonce.as_ref().map(Nonce::as_str), Some("n-1"));
        let e = parse_options(
            json(
                r#"{"nonce":"","timestamp":"yesterday","endpoint":"http://example.com/","timeoutMs":1.5,"retries":"1",
                "template":{"subject":1,"content":"c","contentType":"text/markdown"}}"#,
            ),
            "options.",
            &c,
        )
        .unwrap_err();
        assert_eq!(
            e.paths(),
            [
                "options.nonce",
                "options.timestamp",
                "options.endpoint",
                "options.timeoutMs",
                "options.retries",
                "options.template.subject",
                "options.template.contentType"
            ]
        );
        assert_eq!(parse_options(RawOptions::default(), "options.", &c).unwrap(), Options::default());
    }

    #[test]
    fn per_send_settings_are_refused_by_name_never_dropped() {
        let c = config("");
        let e = parse_options(
            json(
                r#"{"fromAlias":"A\r\nBcc: x@y.z","replyTo":"Reply-to {{to}}","tagName":"a b","templateId":"",
                "headers":{"From":"x"},"bccAddress":"nobody"}"#,
            ),
            "",
            &c,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequestParameters);
        assert_eq!(e.paths(), ["fromAlias", "replyTo", "tagName", "templateId", "headers.From", "bccAddress"]);
        let nulls = r#"{"fromAlias":null,"replyTo":null,"tagName":null,"headers":null,"bccAddress":null,"templateId":null}"#;
        let e = parse_options(json(nulls), "", &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidRequestParameters);
        assert_eq!(e.paths(), ["fromAlias", "replyTo", "tagName", "headers", "bccAddress", "templateId"]);
        let ok = parse_options(
            json(r#"{"fromAlias":"Support","replyTo":"Help <help@example.com>","tagName":"t-1","templateId":"1001","bccAddress":["x@y.z"]}"#),
            "",
            &c,
        )
        .unwrap()
        .per_send;
        assert_eq!(ok.reply_to, Some(Mailbox { email: "help@example.com".into(), name: Some("Help".into()) }));
        assert_eq!((ok.from_alias.as_deref(), ok.tag_name.as_deref()), (Some("Support"), Some("t-1")));
        assert_eq!((ok.template_id.as_deref(), ok.bcc_address.as_deref()), (Some("1001"), Some("x@y.z")));
    }

    #[test]
    fn per_send_headers_count_with_the_configs_they_keep() {
        let nine: Vec<String> = (0..9).map(|i| format!("\"X-User-{i}\":\"v\"")).collect();
        let c = config(&format!(r#","headers":{{{}}}"#, nine.join(",")));
        assert!(parse_options(json(r#"{"headers":{"X-User-0":"w","Message-ID":"<a@b>"}}"#), "", &c).is_ok());
        let e = parse_options(json(r#"{"headers":{"Message-ID":"<a@b>","X-User-X":"1"}}"#), "", &c).unwrap_err();
        assert_eq!(e.paths(), ["headers"]);
    }

    #[test]
    fn from_sets_the_sender_and_its_name_the_alias() {
        let c = config("");
        let sent = |from: &str| parse_options(json(&format!(r#"{{"from":{}}}"#, serde_json::to_string(from).unwrap())), "", &c);
        let both = sent("Acme <noreply@mail.example.com>").unwrap().per_send;
        assert_eq!((both.account_name.as_deref(), both.from_alias.as_deref()), (Some("noreply@mail.example.com"), Some("Acme")));
        let bare = sent("noreply@mail.example.com").unwrap().per_send;
        assert_eq!((bare.account_name.as_deref(), bare.from_alias), (Some("noreply@mail.example.com"), None));
        for bad in ["Acme", "a@b.c, d@e.f", "Acme <a@b.c>\r\nBcc: x@y.z", "A very long sender name <a@b.c>", ""] {
            assert_eq!(sent(bad).unwrap_err().paths(), ["from"], "{bad:?}");
        }
        let twice = parse_options(json(r#"{"from":"Acme <a@b.c>","fromAlias":"Other"}"#), "", &c).unwrap_err();
        assert_eq!(twice.paths(), ["from"]);
        let alias = parse_options(json(r#"{"from":"a@b.c","fromAlias":"Other"}"#), "", &c).unwrap().per_send;
        assert_eq!(alias.from_alias.as_deref(), Some("Other"));
        assert_eq!(parse_options(json(r#"{"from":null,"text":null}"#), "", &c).unwrap_err().paths(), ["from", "text"]);
    }
}
