//! The one error type of the core; its codes are Logto's `ConnectorErrorCodes` strings.

use crate::header::{breaks_headers, is_invisible};
use crate::limits::{ALIYUN_TEXT_BYTES, BODY_EXCERPT_BYTES};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// The `ConnectorErrorCodes` this connector raises, one-to-one with Logto's strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    General,
    InvalidConfig,
    InvalidRequestParameters,
    InvalidResponse,
    TemplateNotFound,
    RateLimitExceeded,
    /// connector-kit 5.1.1's code for a used-up quota, which Logto answers with 429.
    UsageLimitExceeded,
}

impl ErrorCode {
    /// The string Logto's `ConnectorErrorCodes` uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::General => "general",
            ErrorCode::InvalidConfig => "invalid_config",
            ErrorCode::InvalidRequestParameters => "invalid_request_parameters",
            ErrorCode::InvalidResponse => "invalid_response",
            ErrorCode::TemplateNotFound => "template_not_found",
            ErrorCode::RateLimitExceeded => "rate_limit_exceeded",
            ErrorCode::UsageLimitExceeded => "usage_limit_exceeded",
        }
    }
}

/// One problem in the input, with the path of the field it concerns (`templates[2].usageType`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub path: String,
    pub message: String,
}

/// The error body Aliyun returns (`{Code, Message, RequestId?, HostId?, Recommend?}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliyunError {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub host_id: Option<String>,
    pub recommend: Option<String>,
    /// The HTTP status it came with.
    pub status: u16,
    /// What the operator can do about it, from the mapping table.
    pub hint: Option<&'static str>,
}

/// What an error carries besides its code, shaped as the JS `data` of a `ConnectorError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorData {
    /// `{message}`, as connector-kit makes of a string payload.
    Message,
    /// `{message, issues: [{path, message}]}`.
    Issues(Vec<Issue>),
    /// `{errorDescription, Code, RequestId?, HostId?, Recommend?}` as the reference connector has it,
    /// plus `status` and `hint`.
    Aliyun(Box<AliyunError>),
    /// `{message, status, body, hint?}` for a reply that is not what the API documents.
    Reply { status: u16, body: String, hint: Option<&'static str> },
    /// `{message, url, cause, timedOut}` for an exchange that failed before any reply.
    Exchange { url: String, cause: String, timed_out: bool },
    /// `{message, status, location?}` for a redirect, which is never followed.
    Redirect { status: u16, location: Option<String> },
}

/// An error with a Logto code, a human message and structured data; it never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    pub data: ErrorData,
    /// Whether the mail cannot have been sent, so a retry cannot send it twice: throttling, or a
    /// connection that never opened.
    pub retryable: bool,
    /// What went wrong, finer than Logto's code, for callers to act on without reading messages.
    pub reason: Reason,
}

/// What went wrong, as a mail client's caller acts on it. DirectMail's codes map to these in
/// `response::ERROR_TABLE`; the rest follow from where the error arose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The credentials or the signature: a wrong secret, an unknown key, an expired token, a clock.
    Auth,
    /// The sender address or its name.
    Sender,
    /// A recipient address.
    Recipient,
    /// The mail's content (refused as spam, a malformed subject or body).
    Content,
    /// The daily or monthly sending quota is used up.
    Quota,
    /// DirectMail is throttling: retry later.
    Throttled,
    /// No reply within the timeout; the mail may have been sent.
    Timeout,
    /// The request failed before any reply.
    Network,
    /// DirectMail had a server error.
    Server,
    /// The reply was not DirectMail's, or a redirect.
    Response,
    /// The config was refused before sending.
    Config,
    /// The mail (or a send's options) was refused before sending.
    Request,
    /// DirectMail refused the mail with a code this package does not classify.
    Rejected,
    /// Anything else: a failure in this package or its host, not DirectMail's answer.
    Other,
}

impl Reason {
    /// The string the JS error's `reason` holds.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Auth => "auth",
            Reason::Sender => "sender",
            Reason::Recipient => "recipient",
            Reason::Content => "content",
            Reason::Quota => "quota",
            Reason::Throttled => "throttled",
            Reason::Timeout => "timeout",
            Reason::Network => "network",
            Reason::Server => "server",
            Reason::Response => "response",
            Reason::Config => "config",
            Reason::Request => "request",
            Reason::Rejected => "rejected",
            Reason::Other => "other",
        }
    }

    /// The reason an error with `code` and `data` has unless its maker knows better.
    fn of(code: ErrorCode, data: &ErrorData) -> Self {
        match (code, data) {
            (_, ErrorData::Exchange { timed_out: true, .. }) => Reason::Timeout,
            (_, ErrorData::Exchange { .. }) => Reason::Network,
            (_, ErrorData::Redirect { .. }) => Reason::Response,
            (_, ErrorData::Reply { status, .. }) if *status >= 500 => Reason::Server,
            (_, ErrorData::Reply { .. }) => Reason::Response,
            (ErrorCode::InvalidConfig, _) => Reason::Config,
            (ErrorCode::InvalidRequestParameters | ErrorCode::TemplateNotFound, _) => Reason::Request,
            (ErrorCode::InvalidResponse, _) => Reason::Response,
            (ErrorCode::RateLimitExceeded, _) => Reason::Throttled,
            (ErrorCode::UsageLimitExceeded, _) => Reason::Quota,
            // DirectMail's own refusals get theirs from its code (`response::classify`).
            (ErrorCode::General, _) => Reason::Other,
        }
    }
}

impl Error {
    /// An error whose data is just its message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::with_data(code, message.into(), ErrorData::Message)
    }

    /// An error with its data; not retryable.
    pub fn with_data(code: ErrorCode, message: String, data: ErrorData) -> Self {
        let reason = Reason::of(code, &data);
        Error { code, message, data, retryable: false, reason }
    }

    /// An error listing every problem found, each naming its field.
    /// Paths and messages are [`shown`] safely: a path holds caller-chosen names (a header's, a
    /// payload key).
    pub fn with_issues(code: ErrorCode, mut issues: Vec<Issue>) -> Self {
        for issue in &mut issues {
            if let Cow::Owned(path) = shown(&issue.path, MAX_SHOWN_PATH_CHARS) {
                issue.path = path;
            }
            if let Cow::Owned(message) = shown(&issue.message, usize::MAX) {
                issue.message = message;
            }
        }
        let message = issues.iter().map(|i| format!("{}: {}", i.path, i.message)).collect::<Vec<_>>().join("; ");
        Error::with_data(code, message, ErrorData::Issues(issues))
    }

    /// This error with every credential `redactor` knows taken out of its texts, and a quoted reply
    /// body cut to its excerpt after that.
    pub fn redacted(mut self, redactor: &crate::redact::Redactor) -> Self {
        let redact = |text: &mut String| {
            if let std::borrow::Cow::Owned(clean) = redactor.redact(text) {
                *text = clean;
            }
        };
        redact(&mut self.message);
        match &mut self.data {
            ErrorData::Message => {}
            ErrorData::Issues(issues) => issues.iter_mut().for_each(|i| redact(&mut i.message)),
            ErrorData::Aliyun(a) => {
                let texts = [&mut a.code, &mut a.message].into_iter();
                for text in texts.chain(a.request_id.iter_mut()).chain(a.host_id.iter_mut()).chain(a.recommend.iter_mut()) {
                    redact(text);
                    let cut = excerpt(text, ALIYUN_TEXT_BYTES).len();
                    text.truncate(cut);
                }
            }
            ErrorData::Reply { body, .. } => {
                redact(body);
                let cut = excerpt(body, BODY_EXCERPT_BYTES).len();
                body.truncate(cut);
            }
            ErrorData::Exchange { url, cause, .. } => {
                redact(url);
                redact(cause);
            }
            ErrorData::Redirect { location, .. } => location.iter_mut().for_each(redact),
        }
        self
    }

    /// The problems this error lists, each naming its field (none for other kinds of error).
    pub fn issues(&self) -> &[Issue] {
        match &self.data {
            ErrorData::Issues(issues) => issues,
            _ => &[],
        }
    }

    /// The paths of the fields this error names, for tests and callers.
    pub fn paths(&self) -> Vec<&str> {
        self.issues().iter().map(|i| i.path.as_str()).collect()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A request that failed before any reply: refused, reset, aborted, or not answered with a
    /// Response. `never_connected` says the mail cannot have been sent, which makes it retryable.
    pub fn exchange(url: &str, cause: &str, never_connected: bool) -> Self {
        let data = ErrorData::Exchange { url: url.to_owned(), cause: cause.to_owned(), timed_out: false };
        Error {
            retryable: never_connected,
            ..Error::with_data(ErrorCode::General, format!("The request to DirectMail failed: {cause}"), data)
        }
    }

    /// A request that DirectMail did not answer within `timeout_ms`; the mail may have been sent.
    pub fn timed_out(url: &str, timeout_ms: u32) -> Self {
        let cause = format!("Error: timed out after {timeout_ms} ms");
        let data = ErrorData::Exchange { url: url.to_owned(), cause, timed_out: true };
        Error::with_data(ErrorCode::General, format!("DirectMail did not answer within {timeout_ms} ms"), data)
    }

    /// A reply that is not what the API documents, whose body is not quoted.
    pub fn invalid_reply(status: u16, message: String) -> Self {
        Error::with_data(ErrorCode::InvalidResponse, message, ErrorData::Reply { status, body: String::new(), hint: None })
    }

    /// A 3xx reply: never followed, since that would resend the signed request elsewhere.
    pub fn redirect(url: &str, status: u16, location_origin: Option<&str>) -> Self {
        let to = location_origin.map(|o| format!(" to {o}")).unwrap_or_default();
        let message = format!(
            "{url} answered HTTP {status}, a redirect{to}; redirects are refused, so the signed request is not sent again"
        );
        Error::with_data(
            ErrorCode::General,
            message,
            ErrorData::Redirect { status, location: location_origin.map(str::to_owned) },
        )
    }

    /// An error naming one field.
    pub fn invalid(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::with_issues(code, vec![Issue { path: path.into(), message: message.into() }])
    }

    /// The JS `data` object of the matching `ConnectorError`, as a serde value.
    pub fn data(&self) -> ErrorDataView<'_> {
        ErrorDataView(self)
    }
}

/// Serialises an error's `data`: `{message, issues}`, Aliyun's fields, or the reply excerpt. A
/// `general` error also carries `errorDescription`, the sentence Logto shows for it (it shows
/// `JSON.stringify(data)` otherwise).
pub struct ErrorDataView<'a>(&'a Error);

impl Error {
    /// The sentence an operator sees for this error: the message, and the hint when there is one.
    pub fn description(&self) -> String {
        let hint = match &self.data {
            ErrorData::Aliyun(a) => a.hint,
            ErrorData::Reply { hint, .. } => *hint,
            _ => None,
        };
        match hint {
            Some(hint) => format!("{} — {hint}", self.message),
            None => self.message.clone(),
        }
    }
}

impl Serialize for ErrorDataView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let error = self.0;
        let mut map = serializer.serialize_map(None)?;
        let general = error.code == ErrorCode::General;
        if general && !matches!(error.data, ErrorData::Aliyun(_)) {
            map.serialize_entry("errorDescription", &error.description())?;
        }
        match &error.data {
            ErrorData::Message => map.serialize_entry("message", &error.message)?,
            ErrorData::Issues(issues) => {
                map.serialize_entry("message", &error.message)?;
                map.serialize_entry("issues", issues)?;
            }
            ErrorData::Aliyun(a) => {
                // DirectMail's Code and Message, with the hint: what Logto's Console shows.
                map.serialize_entry("errorDescription", &error.description())?;
                map.serialize_entry("Code", &a.code)?;
                for (key, value) in [("RequestId", &a.request_id), ("HostId", &a.host_id), ("Recommend", &a.recommend)] {
                    if let Some(value) = value {
                        map.serialize_entry(key, value)?;
                    }
                }
                map.serialize_entry("status", &a.status)?;
                if let Some(hint) = a.hint {
                    map.serialize_entry("hint", hint)?;
                }
            }
            ErrorData::Exchange { url, cause, timed_out } => {
                map.serialize_entry("message", &error.message)?;
                map.serialize_entry("url", url)?;
                map.serialize_entry("cause", cause)?;
                map.serialize_entry("timedOut", timed_out)?;
            }
            ErrorData::Redirect { status, location } => {
                map.serialize_entry("message", &error.message)?;
                map.serialize_entry("status", status)?;
                if let Some(location) = location {
                    map.serialize_entry("location", location)?;
                }
            }
            ErrorData::Reply { status, body, hint } => {
                map.serialize_entry("message", &error.message)?;
                map.serialize_entry("status", status)?;
                map.serialize_entry("body", body)?;
                if let Some(hint) = hint {
                    map.serialize_entry("hint", hint)?;
                }
            }
        }
        map.end()
    }
}

/// Collects problems with their paths, like zod's issues, instead of stopping at the first.
#[derive(Default)]
pub struct Issues(pub Vec<Issue>);

impl Issues {
    /// Records a problem at `path`.
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Issue { path: path.into(), message: message.into() });
    }

    /// `Ok(value)` when nothing was recorded, else an error of `code` listing every issue.
    pub fn finish<T>(self, code: ErrorCode, value: impl FnOnce() -> T) -> Result<T, Error> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(Error::with_issues(code, self.0))
        }
    }
}

/// Longest path an issue shows, in characters: a longer one (a header name of 100,000 characters)
/// is cut.
pub const MAX_SHOWN_PATH_CHARS: usize = 200;

/// `text` as an error may show it: every character that could break a line, drive a terminal
/// (ESC and the other controls) or hide and reorder text ([`is_invisible`]) written as a JSON
/// `\uXXXX` escape, and cut after `max` characters with `…`.
pub fn shown(text: &str, max: usize) -> Cow<'_, str> {
    let unsafe_char = |c: char| breaks_headers(c) || is_invisible(c);
    if !text.chars().any(unsafe_char) && text.chars().nth(max).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(max.saturating_mul(4)));
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        if unsafe_char(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The longest prefix of `s` within `max` bytes that ends on a character boundary.
pub fn excerpt(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_text_is_shown_escaped_and_cut() {
        let e = Error::invalid(ErrorCode::InvalidRequestParameters, "headers.X-User-\r\n\u{1b}[31mred\u{202E}", "bad");
        assert_eq!(e.paths(), ["headers.X-User-\\u000d\\u000a\\u001b[31mred\\u202e"]);
        assert_eq!(e.message, "headers.X-User-\\u000d\\u000a\\u001b[31mred\\u202e: bad");
        let long = Error::invalid(ErrorCode::InvalidConfig, format!("headers.{}", "x".repeat(100_000)), "bad");
        assert_eq!(long.paths()[0].chars().count(), MAX_SHOWN_PATH_CHARS + 1);
        assert!(long.paths()[0].ends_with('…'));
        assert!(matches!(shown("templates[0].subject", MAX_SHOWN_PATH_CHARS), Cow::Borrowed(_)));
    }

    #[test]
    fn excerpts_stop_on_a_char_boundary() {
        assert_eq!(excerpt("aé", 2), "a");
        assert_eq!(excerpt("abc", 10), "abc");
    }

    #[test]
    fn only_a_connection_that_never_opened_is_retryable() {
        assert!(Error::exchange("u", "ECONNREFUSED", true).retryable);
        assert!(!Error::exchange("u", "reset", false).retryable);
        let timeout = Error::timed_out("https://dm.aliyuncs.com/", 500);
        assert!(!timeout.retryable);
        assert_eq!(timeout.message, "DirectMail did not answer within 500 ms");
    }
}
