//! The `SingleSendMail` request: message input, template choice, parameters and the signed form.
//!
//! Parameters follow DirectMail's SingleSendMail and public-parameter pages (doc-detail 29444,
//! 29440) as `@logto/connector-aliyun-dm` 1.6 sends them.

use crate::config::{self, present, Config, ContentType, SignatureVersion, Template};
use crate::delivery;
use crate::error::{Error, ErrorCode, Issues};
use crate::limits::{self, MAX_BODY_BYTES, MAX_FROM_ALIAS_CHARS, MAX_RECIPIENTS, MAX_SUBJECT_CHARS};
use crate::mailbox;
use crate::sign::{percent_encode, v3, CanonicalQuery, Method, Signature};
use crate::template::{self, Escape, NumberText};
use crate::value::Value;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Largest rendered subject or alias before the API's own limits apply, in bytes.
pub const MAX_HEADER_BYTES: usize = 4096;

/// The message Logto asks to send: `{to, type, payload}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub to: String,
    pub usage_type: String,
    pub payload: Value,
}

/// `sendMessage`'s data as it arrives, every field loose so validation can name each problem.
#[derive(Debug, Default, Deserialize)]
pub struct RawMessage {
    pub to: Option<Value>,
    #[serde(rename = "type")]
    pub usage_type: Option<Value>,
    pub payload: Option<Value>,
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

/// Longest `to` accepted, in bytes: 100 addresses of 256 bytes each, with their commas.
pub const MAX_TO_BYTES: usize = MAX_RECIPIENTS * 257;

/// A template from Logto's `getI18nEmailTemplate`, which wins over the config's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomTemplate {
    pub subject: String,
    pub content: String,
    pub send_from: Option<String>,
    /// A reply-to mailbox (`addr` or `Name <addr>`), which wins over the config's replyAddress.
    pub reply_to: Option<String>,
    /// `text/plain` sends `TextBody`; `text/html` (or none) follows the config.
    pub content_type: Option<ContentType>,
}

/// Validates a custom template (`{subject, content, sendFrom?, replyTo?, contentType?}`), as
/// Logto's `getI18nEmailTemplate` returns one; `path` names it in errors.
pub fn parse_custom_template(input: &Value, path: &str) -> Result<CustomTemplate, Error> {
    if !matches!(input, Value::Object(_)) {
        return Err(Error::invalid(
            ErrorCode::InvalidRequestParameters,
            path,
            format!("expected object, got {}", input.type_name()),
        ));
    }
    let mut issues = Issues::default();
    let mut field = |key: &str, required: bool| match present(input.get(key)) {
        Some(Value::String(s)) if s.len() > config::MAX_TEMPLATE_BYTES => {
            issues.push(format!("{path}.{key}"), format!("must be at most {} bytes", config::MAX_TEMPLATE_BYTES));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        None if !required => None,
        other => {
            let got = other.map_or("nothing", Value::type_name);
            issues.push(format!("{path}.{key}"), format!("expected string, got {got}"));
            None
        }
    };
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
    issues.finish(ErrorCode::InvalidRequestParameters, || CustomTemplate {
        subject: subject.unwrap_or_default(),
        content: content.unwrap_or_default(),
        send_from,
        reply_to,
        content_type,
    })
}

/// Per-call options as they arrive: a template, and what a dry run or a test may pin.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawOptions {
    pub template: Option<Value>,
    pub nonce: Option<Value>,
    pub timestamp: Option<Value>,
    pub endpoint: Option<Value>,
    pub timeout_ms: Option<Value>,
    pub retries: Option<Value>,
}

/// Validated per-call options; `None` leaves the config's value or a fresh one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub template: Option<CustomTemplate>,
    pub nonce: Option<Nonce>,
    pub timestamp: Option<Timestamp>,
    pub endpoint: Option<String>,
    pub timeout_ms: Option<u32>,
    pub retries: Option<u32>,
}

/// Validates per-call options, naming each bad field `options.<name>`.
pub fn parse_options(raw: RawOptions) -> Result<Options, Error> {
    let code = ErrorCode::InvalidRequestParameters;
    let mut issues = Issues::default();
    let mut string = |value: &Option<Value>, key: &str| match present(value.as_ref()) {
        None => None,
        Some(v) => config::string_field(v, &format!("options.{key}"), config::MAX_FIELD_BYTES, &mut issues),
    };
    let nonce = string(&raw.nonce, "nonce").map(|s| Nonce::parse(&s).ok_or("must be 1 to 64 printable ASCII characters"));
    let timestamp =
        string(&raw.timestamp, "timestamp").map(|s| Timestamp::parse(&s).ok_or("must look like 2016-10-20T06:27:56Z"));
    let endpoint = string(&raw.endpoint, "endpoint").map(|s| config::parse_endpoint(&s));
    let nonce = nonce.and_then(|n| n.map_err(|why| issues.push("options.nonce", why)).ok());
    let timestamp = timestamp.and_then(|t| t.map_err(|why| issues.push("options.timestamp", why)).ok());
    let endpoint = endpoint.and_then(|e| e.map_err(|why| issues.push("options.endpoint", why)).ok());
    let (min, max) = config::TIMEOUT_MS_RANGE;
    let timeout_ms = config::optional_integer(present(raw.timeout_ms.as_ref()), "options.timeoutMs", min, max, &mut issues);
    let retries = config::optional_integer(present(raw.retries.as_ref()), "options.retries", 0, config::MAX_RETRIES, &mut issues);
    let template = match present(raw.template.as_ref()) {
        None => None,
        Some(t) => match parse_custom_template(t, "options.template") {
            Ok(t) => Some(t),
            Err(e) => {
                issues.0.extend(e.issues().iter().cloned());
                None
            }
        },
    };
    issues.finish(code, || Options { template, nonce, timestamp, endpoint, timeout_ms, retries })
}

/// The `SignatureNonce`: unique per request, retries included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nonce(String);

impl Nonce {
    /// A UUID v4 from 16 random bytes.
    pub fn uuid_v4(mut bytes: [u8; 16]) -> Nonce {
        bytes[6] = (bytes[6] & 0x0F) | 0x40;
        bytes[8] = (bytes[8] & 0x3F) | 0x80;
        let mut s = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push(char::from(b"0123456789abcdef".get(usize::from(b >> 4)).copied().unwrap_or(b'0')));
            s.push(char::from(b"0123456789abcdef".get(usize::from(b & 0xF)).copied().unwrap_or(b'0')));
        }
        Nonce(s)
    }

    /// A caller-chosen nonce (for tests and dry runs): 1 to 64 printable ASCII characters.
    pub fn parse(s: &str) -> Option<Nonce> {
        let ok = !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic());
        ok.then(|| Nonce(s.to_owned()))
    }

    /// The nonce text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `Timestamp`, UTC as `YYYY-MM-DDThh:mm:ssZ`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timestamp(String);

impl Timestamp {
    /// The timestamp for a Unix time in milliseconds (as JS `Date.now()`), years 1970 to 9999.
    pub fn from_unix_millis(ms: f64) -> Option<Timestamp> {
        if !(0.0..253_402_300_800_000.0).contains(&ms) {
            return None;
        }
        // `ms` is not negative here, so truncation is floor (f64::floor needs std).
        let secs = (ms / 1000.0) as i64;
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        // Written into one fixed buffer: this runs on every send.
        let mut text = *b"0000-00-00T00:00:00Z";
        let fields = [(0, 4, y), (5, 2, m), (8, 2, d), (11, 2, rem / 3600), (14, 2, rem / 60 % 60), (17, 2, rem % 60)];
        for (at, width, mut value) in fields {
            // Every field is non-negative and fits its width (years are 1970..=9999 here).
            for slot in text.get_mut(at..at + width)?.iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        }
        Some(Timestamp(String::from_utf8(text.to_vec()).ok()?))
    }

    /// A caller-chosen timestamp, which must have the exact `YYYY-MM-DDThh:mm:ssZ` shape.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        let shape = b"dddd-dd-ddTdd:dd:ddZ";
        let ok = b.len() == shape.len() && b.iter().zip(shape).all(|(c, p)| if *p == b'd' { c.is_ascii_digit() } else { c == p });
        ok.then(|| Timestamp(s.to_owned()))
    }

    /// The timestamp text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Days since 1970-01-01 to (year, month, day), Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// What one send varies besides config and message: all injectable, so tests pin the request.
pub struct RequestContext<'a> {
    pub custom_template: Option<&'a CustomTemplate>,
    pub nonce: &'a Nonce,
    pub timestamp: &'a Timestamp,
    /// Overrides the config's endpoint, such as for a dry run against an emulator.
    pub endpoint: Option<&'a str>,
    /// How payload numbers are written (see [`NumberText`]).
    pub number_text: NumberText,
}

/// A signed `SingleSendMail` request, ready for the host's fetch.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest<'a> {
    pub url: String,
    /// Every parameter in the body (V2: all but `Signature`), in name order; values borrow from
    /// the config and message.
    pub params: Vec<(&'static str, Cow<'a, str>)>,
    /// The headers to send: `Content-Type`, and for V3 the `x-acs-*` ones and `Authorization`.
    pub headers: Vec<(&'static str, Cow<'a, str>)>,
    /// The form body: the canonical query, plus `Signature` for V2.
    pub body: String,
}

/// Shows the URL and the parameters, but never the security token (a secret), so not the body
/// nor the headers, which carry it.
impl core::fmt::Debug for SignedRequest<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(name, value)| (*name, if *name == "SecurityToken" { "<redacted>" } else { value.as_ref() }))
            .collect();
        f.debug_struct("SignedRequest").field("url", &self.url).field("params", &params).finish_non_exhaustive()
    }
}

impl SignedRequest<'_> {
    /// The HTTP method: parameters travel in a POST body.
    pub const METHOD: &'static str = "POST";
    /// The body's content type.
    pub const CONTENT_TYPE: &'static str = "application/x-www-form-urlencoded";

    /// The request as the dry run returns it and a send hands it to fetch.
    pub fn http(&self) -> HttpRequest<'_> {
        HttpRequest { url: &self.url, method: Self::METHOD, headers: Headers(&self.headers), body: &self.body }
    }
}

/// `{url, method, headers, body}`: what the dry run returns and what a send hands to fetch.
#[derive(Debug, Serialize)]
pub struct HttpRequest<'a> {
    pub url: &'a str,
    pub method: &'static str,
    pub headers: Headers<'a>,
    pub body: &'a str,
}

/// Header names and values, serialized as one object.
#[derive(Debug)]
pub struct Headers<'a>(pub &'a [(&'static str, Cow<'a, str>)]);

impl Serialize for Headers<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (*name, value.as_ref())))
    }
}

/// Whether a character could end or start a header line, or hide in one: every C0 and C1 control
/// (CR, LF, NUL, VT, FF, NEL among them), DEL, and Unicode's line and paragraph separators.
fn breaks_headers(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// A header value (Subject, FromAlias, ReplyAddressAlias) with every [`breaks_headers`] character
/// removed, so no value can start a new header line.
fn header_safe<'a>(s: impl Into<Cow<'a, str>>) -> Cow<'a, str> {
    let s = s.into();
    if s.chars().any(breaks_headers) {
        Cow::Owned(s.chars().filter(|&c| !breaks_headers(c)).collect())
    } else {
        s
    }
}

/// What a mail says: a subject and content to render, or a DirectMail console template.
enum Content<'a> {
    Text { subject: &'a str, content: &'a str },
    Console { template_id: &'a str },
}

/// The template for this send: Logto's custom one, else the config's for the usage type and the
/// payload's `locale`.
fn choose_content<'a>(config: &'a Config, message: &Message, ctx: &RequestContext<'a>) -> Result<Content<'a>, Error> {
    if let Some(custom) = ctx.custom_template {
        return Ok(Content::Text { subject: &custom.subject, content: &custom.content });
    }
    let locale = message.payload.get("locale").and_then(Value::as_str);
    let not_found = || Error::new(ErrorCode::TemplateNotFound, format!("Cannot find template for type: {}", message.usage_type));
    let chosen: &Template = template::select(&config.templates, &message.usage_type, locale).ok_or_else(not_found)?;
    match (&chosen.template_id, &chosen.subject, &chosen.content) {
        (Some(template_id), _, _) => Ok(Content::Console { template_id }),
        (None, Some(subject), Some(content)) => Ok(Content::Text { subject, content }),
        // The config's validation requires one or the other.
        _ => Err(not_found()),
    }
}

/// Picks and renders the template, sets every parameter and signs the request.
pub fn build_send_mail<'a>(
    config: &'a Config,
    message: &'a Message,
    ctx: &RequestContext<'a>,
) -> Result<SignedRequest<'a>, Error> {
    let content = choose_content(config, message, ctx)?;
    let payload = &message.payload;
    let invalid = |field: &str, message: String| Error::invalid(ErrorCode::InvalidRequestParameters, field, message);
    let render = |field: &'static str, text: &str, escape: Escape, max: usize| {
        template::render(text, payload, escape, ctx.number_text, max)
            .map_err(|_| invalid(field, format!("renders to more than {max} bytes")))
    };
    let content_type = ctx.custom_template.and_then(|c| c.content_type).unwrap_or(config.content_type);
    let (subject, html_body, text_body, console_template) = match content {
        Content::Console { template_id } => {
            (None, None, None, Some(delivery::template_param(template_id, payload, ctx.number_text)))
        }
        Content::Text { subject, content } => {
            // Header values lose every control and line-separator character (see `breaks_headers`).
            let subject = header_safe(render("Subject", subject, Escape::None, MAX_HEADER_BYTES)?);
            let subject_chars = limits::chars(&subject);
            if subject_chars > MAX_SUBJECT_CHARS {
                return Err(invalid(
                    "Subject",
                    format!("renders to {subject_chars} characters; DirectMail takes at most {MAX_SUBJECT_CHARS}"),
                ));
            }
            // Values in an HTML body are escaped, so a user's name cannot inject markup; text goes as it is.
            match content_type {
                ContentType::Html => {
                    (Some(subject), Some(render("HtmlBody", content, Escape::Html, MAX_BODY_BYTES)?), None, None)
                }
                ContentType::Text => {
                    (Some(subject), None, Some(render("TextBody", content, Escape::None, MAX_BODY_BYTES)?), None)
                }
            }
        }
    };
    // The i18n template's non-empty sendFrom wins, as in the reference, read as connector-kit's
    // parseSendFrom reads it: `Name <addr>` gives the alias `Name` (DirectMail sends from
    // accountName, whatever address it names). An empty alias is never sent.
    let from_alias = match ctx.custom_template.and_then(|c| c.send_from.as_deref()).filter(|s| !s.is_empty()) {
        Some(send_from) => {
            let rendered = render("FromAlias", send_from, Escape::None, MAX_HEADER_BYTES)?;
            mailbox::parse_send_from(&rendered, &config.account_name, config.from_alias.as_deref()).name.map(Cow::Owned)
        }
        None => config.from_alias.as_deref().map(Cow::Borrowed),
    }
    .map(header_safe)
    .filter(|alias| !alias.is_empty());
    if let Some(alias) = &from_alias {
        let alias_chars = limits::chars(alias);
        if alias_chars > MAX_FROM_ALIAS_CHARS {
            return Err(invalid(
                "FromAlias",
                format!("has {alias_chars} characters; DirectMail takes fewer than {}", MAX_FROM_ALIAS_CHARS + 1),
            ));
        }
    }
    // The i18n template's replyTo wins over the config's reply address and its alias when it is one
    // (`addr` or `Name <addr>`). Anything else is left out, as the official connector leaves every
    // replyTo out: Logto's own test templates hold `Reply-to {{to}}`, which renders to no address.
    let reply_to = match ctx.custom_template.and_then(|c| c.reply_to.as_deref()).filter(|s| !s.is_empty()) {
        Some(reply_to) => {
            let rendered = render("ReplyAddress", reply_to, Escape::None, MAX_HEADER_BYTES)?;
            Some(mailbox::parse_send_from(&rendered, "", None)).filter(|m| limits::is_mail_address(&m.email))
        }
        None => None,
    };
    let (reply_address, reply_address_alias): (Option<Cow<'a, str>>, Option<Cow<'a, str>>) = match reply_to {
        Some(mailbox) => (Some(Cow::Owned(mailbox.email)), mailbox.name.map(Cow::Owned)),
        None => (config.reply_address.as_deref().map(Cow::Borrowed), config.reply_address_alias.as_deref().map(Cow::Borrowed)),
    };
    let extra = &config.delivery;
    let headers = delivery::headers_param(extra, &message.usage_type, payload, ctx.number_text);
    let v2 = config.signature_version == SignatureVersion::V2;
    let common = |value: Cow<'a, str>| v2.then_some(value);

    // Listed in the order the signature sorts them, so its sort has nothing to move. The
    // envelope's common parameters travel in the body with V2 only; V3 carries them in headers.
    let listed: [(&'static str, Option<Cow<'a, str>>); 28] = [
        ("AccessKeyId", common(Cow::Borrowed(&config.access_key_id))),
        ("AccountName", Some(Cow::Borrowed(&config.account_name))),
        ("Action", common(Cow::Borrowed(ACTION))),
        ("AddressType", Some(Cow::Borrowed("1"))),
        ("BccAddress", extra.bcc_address.as_deref().map(Cow::Borrowed)),
        ("ClickTrace", config.click_trace.map(|on| Cow::Borrowed(if on { "1" } else { "0" }))),
        ("Format", common(Cow::Borrowed("json"))),
        ("FromAlias", from_alias),
        ("Headers", headers.map(Cow::Owned)),
        ("HtmlBody", html_body.map(Cow::Owned)),
        ("IpPoolId", extra.ip_pool_id.as_deref().map(Cow::Borrowed)),
        ("RegionId", common(Cow::Borrowed(config.region.id()))),
        ("ReplyAddress", reply_address),
        ("ReplyAddressAlias", reply_address_alias.map(header_safe).filter(|alias| !alias.is_empty())),
        ("ReplyToAddress", Some(Cow::Borrowed(if config.reply_to_address { "true" } else { "false" }))),
        ("SecurityToken", config.security_token.as_ref().and_then(|t| common(Cow::Borrowed(t.expose())))),
        ("SignatureMethod", common(Cow::Borrowed("HMAC-SHA1"))),
        ("SignatureNonce", common(Cow::Borrowed(ctx.nonce.as_str()))),
        ("SignatureVersion", common(Cow::Borrowed("1.0"))),
        ("Subject", subject),
        ("TagName", config.tag_name.as_deref().map(Cow::Borrowed)),
        ("Template", console_template.map(Cow::Owned)),
        ("TextBody", text_body.map(Cow::Owned)),
        ("Timestamp", common(Cow::Borrowed(ctx.timestamp.as_str()))),
        ("ToAddress", Some(Cow::Borrowed(&message.to))),
        ("UnSubscribeFilterLevel", extra.unsubscribe_filter_level.map(Cow::Borrowed)),
        ("UnSubscribeLinkType", extra.unsubscribe_link_type.map(Cow::Borrowed)),
        ("Version", common(Cow::Borrowed(VERSION))),
    ];
    let params: Vec<(&'static str, Cow<'a, str>)> = listed.into_iter().filter_map(|(name, value)| Some((name, value?))).collect();
    let url = ctx.endpoint.unwrap_or(config.endpoint()).to_owned();
    let query = CanonicalQuery::new(params.iter().map(|(k, v)| (*k, v.as_ref())));
    match config.signature_version {
        SignatureVersion::V2 => {
            let signature = Signature::of_query(&config.access_key_secret, Method::Post, &query);
            let encoded_signature = percent_encode(signature.as_str());
            let mut body = query.into_string();
            body.reserve_exact("&Signature=".len() + encoded_signature.len());
            body.push_str("&Signature=");
            body.push_str(&encoded_signature);
            let headers = vec![("Content-Type", Cow::Borrowed(SignedRequest::CONTENT_TYPE))];
            Ok(SignedRequest { url, params, headers, body })
        }
        SignatureVersion::V3 => {
            let body = query.into_string();
            let headers = sign_v3(config, ctx, &url, &body);
            Ok(SignedRequest { url, params, headers, body })
        }
    }
}

/// The API and version every request names.
const ACTION: &str = "SingleSendMail";
const VERSION: &str = "2015-11-23";

/// The V3 headers for a POST of `body` to `url`, `authorization` last. `host` is signed but not
/// listed: fetch sends it from the URL, and a Worker may not set it.
fn sign_v3<'a>(config: &'a Config, ctx: &RequestContext<'a>, url: &str, body: &str) -> Vec<(&'static str, Cow<'a, str>)> {
    let payload = v3::PayloadHash::of(body.as_bytes());
    let mut headers: Vec<(&'static str, Cow<'a, str>)> = vec![
        ("content-type", Cow::Borrowed(SignedRequest::CONTENT_TYPE)),
        ("x-acs-action", Cow::Borrowed(ACTION)),
        ("x-acs-content-sha256", Cow::Owned(payload.as_str().to_owned())),
        ("x-acs-date", Cow::Owned(ctx.timestamp.as_str().to_owned())),
        ("x-acs-signature-nonce", Cow::Owned(ctx.nonce.as_str().to_owned())),
        ("x-acs-version", Cow::Borrowed(VERSION)),
    ];
    if let Some(token) = &config.security_token {
        // As Alibaba's SDKs send temporary credentials: the key id and the token, both signed.
        headers.push(("x-acs-accesskey-id", Cow::Borrowed(&config.access_key_id)));
        headers.push(("x-acs-security-token", Cow::Borrowed(token.expose())));
    }
    let (host, path) = host_and_path(url);
    let mut signed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_ref())).collect();
    signed.push(("host", &host));
    let canonical = v3::CanonicalRequest::new(Method::Post, path, &[], &signed, &payload);
    let signature = v3::Signature::new(config.access_key_secret.expose(), &v3::StringToSign::new(&canonical));
    let authorization = v3::Authorization::new(&config.access_key_id, &canonical, &signature);
    headers.push(("authorization", Cow::Owned(authorization.into_string())));
    headers
}

/// The `Host` header fetch sends for a validated endpoint URL (lower-cased, without a default
/// port), and the URL's path.
fn host_and_path(url: &str) -> (String, &str) {
    let (https, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme.eq_ignore_ascii_case("https"), rest),
        None => (true, url),
    };
    let (authority, path) = rest.find('/').map_or((rest, "/"), |at| rest.split_at(at));
    let default_port = if https { ":443" } else { ":80" };
    let host = authority.strip_suffix(default_port).unwrap_or(authority);
    (host.to_ascii_lowercase(), path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;

    fn json<T: serde::de::DeserializeOwned>(s: &str) -> T {
        serde_json::from_str(s).unwrap()
    }

    fn config() -> Config {
        parse_config(&json(
            r#"{"accessKeyId":"testid","accessKeySecret":"testsecret","accountName":"noreply@mail.example.com",
            "fromAlias":"Logto","templates":[
            {"usageType":"SignIn","subject":"Sign-in code {{code}}","content":"<p>Your code is {{code}}</p>"},
            {"usageType":"Register","subject":"s","content":"c"},
            {"usageType":"ForgotPassword","subject":"s","content":"c"},
            {"usageType":"Generic","subject":"Generic {{code}}","content":"g {{code}}"}]}"#,
        ))
        .unwrap()
    }

    fn message(kind: &str) -> Message {
        parse_message(json(&format!(r#"{{"to":"a@b.c","type":"{kind}","payload":{{"code":"123456"}}}}"#))).unwrap()
    }

    fn fixed<'a>(nonce: &'a Nonce, ts: &'a Timestamp) -> RequestContext<'a> {
        RequestContext { custom_template: None, nonce, timestamp: ts, endpoint: None, number_text: crate::value::write_js_number }
    }

    #[test]
    fn sets_every_parameter_and_signs_the_body() {
        let (n, t) = (Nonce::parse("n-1").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let cfg = config();
        let msg = message("SignIn");
        let req = build_send_mail(&cfg, &msg, &fixed(&n, &t)).unwrap();
        assert_eq!(req.url, "https://dm.aliyuncs.com/");
        let names: Vec<&str> = req.params.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "AccessKeyId",
                "AccountName",
                "Action",
                "AddressType",
                "Format",
                "FromAlias",
                "HtmlBody",
                "RegionId",
                "ReplyToAddress",
                "SignatureMethod",
                "SignatureNonce",
                "SignatureVersion",
                "Subject",
                "Timestamp",
                "ToAddress",
                "Version"
            ]
        );
        // Listed already sorted, so the signature's sort moves nothing.
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        assert!(req.body.starts_with("AccessKeyId=testid&AccountName=noreply%40mail.example.com&Action=SingleSendMail"));
        assert!(req.body.contains("&HtmlBody=%3Cp%3EYour%20code%20is%20123456%3C%2Fp%3E&"));
        let query = CanonicalQuery::new(req.params.iter().map(|(k, v)| (*k, v.as_ref())));
        let signature = Signature::new("testsecret", &crate::sign::StringToSign::new(Method::Post, &query));
        assert!(req.body.ends_with(&format!("&Signature={}", crate::sign::percent_encode(signature.as_str()))));
        assert_eq!(req.headers, [("Content-Type", Cow::Borrowed("application/x-www-form-urlencoded"))]);
    }

    #[test]
    fn custom_template_and_send_from_win() {
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let custom = CustomTemplate {
            subject: "S".into(),
            content: "C {{code}}".into(),
            send_from: Some("Foo {{code}}".into()),
            reply_to: None,
            content_type: None,
        };
        let ctx = RequestContext { custom_template: Some(&custom), ..fixed(&n, &t) };
        let cfg = config();
        let msg = message("SignIn");
        let req = build_send_mail(&cfg, &msg, &ctx).unwrap();
        let get = |k: &str| req.params.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_ref());
        assert_eq!((get("Subject"), get("HtmlBody"), get("FromAlias")), (Some("S"), Some("C 123456"), Some("Foo 123456")));
    }

    #[test]
    fn the_i18n_template_is_honoured_whole() {
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let (cfg, msg) = (config(), message("SignIn"));
        let template = |send_from: &str, reply_to: Option<&str>| CustomTemplate {
            subject: "S".into(),
            content: "C {{code}}".into(),
            send_from: Some(send_from.into()),
            reply_to: reply_to.map(Into::into),
            content_type: Some(ContentType::Text),
        };
        let named = template("Support <help@example.com>", Some("Help Desk <help@example.com>"));
        let req = build_send_mail(&cfg, &msg, &RequestContext { custom_template: Some(&named), ..fixed(&n, &t) }).unwrap();
        assert_eq!(get(&req, "FromAlias"), Some("Support"), "the display name, as parseSendFrom gives it");
        assert_eq!(get(&req, "AccountName"), Some("noreply@mail.example.com"), "DirectMail sends from accountName");
        assert_eq!((get(&req, "ReplyAddress"), get(&req, "ReplyAddressAlias")), (Some("help@example.com"), Some("Help Desk")));
        assert_eq!((get(&req, "TextBody"), get(&req, "HtmlBody")), (Some("C 123456"), None));
        // An address alone gives no alias; the config's is not used then, as parseSendFrom has it.
        let bare = template("help@example.com", None);
        let req = build_send_mail(&cfg, &msg, &RequestContext { custom_template: Some(&bare), ..fixed(&n, &t) }).unwrap();
        assert_eq!(get(&req, "FromAlias"), None);
        let mut with_reply = config();
        with_reply.reply_address = Some("config@example.com".into());
        let unusable = template("S", Some("Reply-to {{to}}"));
        let ctx = RequestContext { custom_template: Some(&unusable), ..fixed(&n, &t) };
        let req = build_send_mail(&with_reply, &msg, &ctx).unwrap();
        assert_eq!(get(&req, "ReplyAddress"), Some("config@example.com"), "a replyTo that is no address is left out");
    }

    #[test]
    fn empty_alias_is_left_out() {
        let mut c = config();
        c.from_alias = Some(String::new());
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let msg = message("Generic");
        let req = build_send_mail(&c, &msg, &fixed(&n, &t)).unwrap();
        assert!(req.params.iter().all(|(k, _)| *k != "FromAlias"));
    }

    fn get<'a>(req: &'a SignedRequest, name: &str) -> Option<&'a str> {
        req.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_ref())
    }

    #[test]
    fn html_values_are_escaped_and_headers_lose_line_breaks() {
        let mut c = config();
        c.templates[0].subject = Some("Hi {{code}}\r\nBcc: x@y.z".into());
        let m = parse_message(json(r#"{"to":"a@b.c","type":"SignIn","payload":{"code":"<b>&\n"}}"#)).unwrap();
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let req = build_send_mail(&c, &m, &fixed(&n, &t)).unwrap();
        assert_eq!(get(&req, "Subject"), Some("Hi <b>&Bcc: x@y.z"));
        assert_eq!(get(&req, "HtmlBody"), Some("<p>Your code is &lt;b&gt;&amp;\n</p>"));
        c.content_type = ContentType::Text;
        let req = build_send_mail(&c, &m, &fixed(&n, &t)).unwrap();
        assert_eq!((get(&req, "HtmlBody"), get(&req, "TextBody")), (None, Some("<p>Your code is <b>&\n</p>")));
    }

    #[test]
    fn every_header_field_loses_controls_and_line_separators() {
        let breaking = "a\u{0}b\u{0B}c\u{0C}d\u{7F}e\u{85}f\u{2028}g\u{2029}h\ti\r\nj";
        let mut c = config();
        c.templates[0].subject = Some(breaking.into());
        c.from_alias = Some("A\u{2028}B\u{85}".into());
        c.reply_address_alias = Some(breaking.into());
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let msg = message("SignIn");
        let req = build_send_mail(&c, &msg, &fixed(&n, &t)).unwrap();
        assert_eq!(get(&req, "Subject"), Some("abcdefghij"));
        assert_eq!(get(&req, "ReplyAddressAlias"), Some("abcdefghij"));
        assert_eq!(get(&req, "FromAlias"), Some("AB"));
        let custom = CustomTemplate {
            subject: "S".into(),
            content: "C".into(),
            send_from: Some("X\u{2029}{{code}}\u{0}".into()),
            reply_to: None,
            content_type: None,
        };
        let req = build_send_mail(&c, &msg, &RequestContext { custom_template: Some(&custom), ..fixed(&n, &t) }).unwrap();
        assert_eq!(get(&req, "FromAlias"), Some("X123456"));
    }

    #[test]
    fn limits_are_checked_before_sending() {
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let long = |field: &str, c: &Config, code: &str| {
            let m = parse_message(json(&format!(r#"{{"to":"a@b.c","type":"SignIn","payload":{{"code":"{code}"}}}}"#))).unwrap();
            let e = build_send_mail(c, &m, &fixed(&n, &t)).unwrap_err();
            assert_eq!(e.paths(), [field], "{e}");
        };
        long("Subject", &config(), &"x".repeat(90));
        let mut c = config();
        c.from_alias = Some("fifteen chars!!".into());
        long("FromAlias", &c, "1");
        let to = vec!["a@b.c"; 101].join(",");
        let e = parse_message(json(&format!(r#"{{"to":"{to}","type":"SignIn"}}"#))).unwrap_err();
        assert_eq!(e.paths(), ["to"]);
        assert!(parse_message(json(&format!(r#"{{"to":"{}","type":"SignIn"}}"#, vec!["a@b.c"; 100].join(",")))).is_ok());
    }

    #[test]
    fn optional_parameters_are_sent_when_configured() {
        let mut c = config();
        c.security_token = Some(crate::config::Secret::new("tok"));
        c.tag_name = Some("signup".into());
        c.click_trace = Some(true);
        c.reply_to_address = true;
        c.reply_address = Some("help@example.com".into());
        c.reply_address_alias = Some("Help".into());
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let msg = message("SignIn");
        let req = build_send_mail(&c, &msg, &fixed(&n, &t)).unwrap();
        for (k, v) in [
            ("SecurityToken", "tok"),
            ("TagName", "signup"),
            ("ClickTrace", "1"),
            ("ReplyToAddress", "true"),
            ("ReplyAddress", "help@example.com"),
            ("ReplyAddressAlias", "Help"),
        ] {
            assert_eq!(get(&req, k), Some(v), "{k}");
        }
    }

    #[test]
    fn the_security_token_never_shows_in_debug() {
        let mut c = config();
        c.security_token = Some(crate::config::Secret::new("sts-token-value"));
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let msg = message("SignIn");
        let req = build_send_mail(&c, &msg, &fixed(&n, &t)).unwrap();
        assert!(req.body.contains("sts-token-value"));
        let debug = format!("{req:?}");
        assert!(!debug.contains("sts-token-value") && !debug.contains("testsecret"), "{debug}");
        assert!(debug.contains("SecurityToken") && debug.contains("ToAddress"), "{debug}");
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
    fn options_are_checked_and_named() {
        let ok =
            parse_options(json(r#"{"nonce":"n-1","timestamp":"2026-01-01T00:00:00Z","timeoutMs":500,"retries":2}"#)).unwrap();
        assert_eq!((ok.timeout_ms, ok.retries), (Some(500), Some(2)));
        assert_eq!(ok.nonce.as_ref().map(Nonce::as_str), Some("n-1"));
        let e = parse_options(json(
            r#"{"nonce":"","timestamp":"yesterday","endpoint":"http://example.com/","timeoutMs":1.5,"retries":"1",
            "template":{"subject":1,"content":"c","contentType":"text/markdown"}}"#,
        ))
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
        assert_eq!(parse_options(RawOptions::default()).unwrap(), Options::default());
    }

    #[test]
    fn uuid_v4_and_timestamps_are_well_formed() {
        assert_eq!(Nonce::uuid_v4([0xFF; 16]).as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(Nonce::uuid_v4([0; 16]).as_str(), "00000000-0000-4000-8000-000000000000");
        assert_eq!(Timestamp::from_unix_millis(0.0).unwrap().as_str(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_unix_millis(1_476_944_876_999.0).unwrap().as_str(), "2016-10-20T06:27:56Z");
        assert_eq!(Timestamp::from_unix_millis(951_782_400_000.0).unwrap().as_str(), "2000-02-29T00:00:00Z");
        assert_eq!(Timestamp::from_unix_millis(253_402_300_799_999.0).unwrap().as_str(), "9999-12-31T23:59:59Z");
        assert!(Timestamp::from_unix_millis(-1.0).is_none());
        assert!(Timestamp::from_unix_millis(f64::NAN).is_none());
        assert!(Timestamp::parse("2016-10-20 06:27:56Z").is_none());
    }

    fn config_with(extra: &str) -> Config {
        let base = r#"{"accessKeyId":"testid","accessKeySecret":"testsecret","accountName":"noreply@mail.example.com",
            "templates":[{"usageType":"SignIn","subject":"Code {{code}}","content":"<p>{{code}}</p>"},
            {"usageType":"SignIn","locale":"fr","templateId":"1001"},
            {"usageType":"Register","subject":"s","content":"c"},{"usageType":"ForgotPassword","subject":"s","content":"c"},
            {"usageType":"Generic","subject":"s","content":"c"}]"#;
        parse_config(&json(&format!("{base}{extra}}}"))).unwrap()
    }

    #[test]
    fn v3_moves_the_envelope_to_signed_headers() {
        let c = config_with(r#","signatureVersion":"v3","securityToken":"tok-123""#);
        let (n, t) = (Nonce::parse("n-1").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let m = message("SignIn");
        let req = build_send_mail(&c, &m, &fixed(&n, &t)).unwrap();
        let names: Vec<&str> = req.params.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["AccountName", "AddressType", "HtmlBody", "ReplyToAddress", "Subject", "ToAddress"]);
        assert!(!req.body.contains("Signature") && !req.body.contains("tok-123"), "{}", req.body);
        let header = |name: &str| req.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_ref());
        assert_eq!(header("x-acs-action"), Some("SingleSendMail"));
        assert_eq!(header("x-acs-version"), Some("2015-11-23"));
        assert_eq!(header("x-acs-date"), Some("2024-01-02T03:04:05Z"));
        assert_eq!(header("x-acs-signature-nonce"), Some("n-1"));
        assert_eq!(header("x-acs-security-token"), Some("tok-123"));
        assert_eq!(header("x-acs-accesskey-id"), Some("testid"));
        assert_eq!(header("x-acs-content-sha256"), Some(v3::PayloadHash::of(req.body.as_bytes()).as_str()));
        assert_eq!(header("host"), None, "fetch sets Host from the URL");
        // The authorization signs every header sent, plus the host fetch will send.
        let mut signed: Vec<(&str, &str)> =
            req.headers.iter().filter(|(n, _)| *n != "authorization").map(|(n, v)| (*n, v.as_ref())).collect();
        signed.push(("host", "dm.aliyuncs.com"));
        let expected =
            v3::sign(Method::Post, "/", &[], &signed, &v3::PayloadHash::of(req.body.as_bytes()), "testid", "testsecret");
        assert_eq!(header("authorization"), Some(expected.authorization.as_str()));
        assert!(expected.authorization.as_str().contains(
            "SignedHeaders=content-type;host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;\
             x-acs-security-token;x-acs-signature-nonce;x-acs-version,"
        ));
        assert!(!format!("{req:?}").contains("tok-123"));
    }

    #[test]
    fn the_host_is_signed_as_fetch_sends_it() {
        assert_eq!(host_and_path("https://DM.aliyuncs.com:443/"), ("dm.aliyuncs.com".into(), "/"));
        assert_eq!(host_and_path("http://127.0.0.1:8787/dm/"), ("127.0.0.1:8787".into(), "/dm/"));
        assert_eq!(host_and_path("http://[::1]:80/"), ("[::1]".into(), "/"));
    }

    #[test]
    fn the_newer_parameters_are_sent_when_configured() {
        let c = config_with(
            r#","headers":{"X-User-Trace":"t1"},"deliveryEventHeaders":true,"bccAddress":["audit@example.com"],
            "ipPoolId":"pool-1","unSubscribeLinkType":"default","unSubscribeFilterLevel":"mailfrom""#,
        );
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let m = parse_message(json(r#"{"to":"a@b.c","type":"SignIn","payload":{"code":"1","user":{"id":"u1"}}}"#)).unwrap();
        let req = build_send_mail(&c, &m, &fixed(&n, &t)).unwrap();
        assert_eq!(get(&req, "BccAddress"), Some("audit@example.com"));
        assert_eq!(get(&req, "IpPoolId"), Some("pool-1"));
        assert_eq!(get(&req, "UnSubscribeLinkType"), Some("default"));
        assert_eq!(get(&req, "UnSubscribeFilterLevel"), Some("mailfrom"));
        assert_eq!(
            get(&req, "Headers"),
            Some(r#"{"X-User-Trace":"t1","X-User-Notify-Logto-Usage-Type":"SignIn","X-User-Notify-Logto-User-Id":"u1"}"#)
        );
        let names: Vec<&str> = req.params.iter().map(|(n, _)| *n).collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "listed in signing order: {names:?}");
    }

    #[test]
    fn a_console_template_replaces_subject_and_body_for_its_locale() {
        let c = config_with("");
        let (n, t) = (Nonce::parse("n").unwrap(), Timestamp::parse("2024-01-02T03:04:05Z").unwrap());
        let fr = parse_message(json(r#"{"to":"a@b.c","type":"SignIn","payload":{"code":"42","locale":"fr-CA"}}"#)).unwrap();
        let req = build_send_mail(&c, &fr, &fixed(&n, &t)).unwrap();
        assert_eq!(get(&req, "Template"), Some(r#"{"TemplateData":{"code":"42","locale":"fr-CA"},"TemplateId":"1001"}"#));
        assert_eq!((get(&req, "Subject"), get(&req, "HtmlBody")), (None, None));
        let en = parse_message(json(r#"{"to":"a@b.c","type":"SignIn","payload":{"code":"42","locale":"en"}}"#)).unwrap();
        let req = build_send_mail(&c, &en, &fixed(&n, &t)).unwrap();
        assert_eq!((get(&req, "Template"), get(&req, "Subject")), (None, Some("Code 42")));
    }
}
