//! The one error type of the core; its codes are Logto's `ConnectorErrorCodes` strings.

use crate::prelude::*;
use crate::json::ObjectWriter;
use crate::text::{cat, int};
use core::fmt;

/// The `ConnectorErrorCodes` this connector raises, one-to-one with Logto's strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    General,
    InvalidConfig,
    InvalidRequestParameters,
    InvalidResponse,
    TemplateNotFound,
    RateLimitExceeded,
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
        }
    }
}

/// One problem in the input, with the path of the field it concerns (`templates[2].usageType`).
#[derive(Clone, Debug, PartialEq, Eq)]
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
}

/// An error with a Logto code, a human message and structured data; it never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    pub data: ErrorData,
}

impl Error {
    /// An error whose data is just its message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), data: ErrorData::Message }
    }

    /// An error listing every problem found, each naming its field.
    pub fn with_issues(code: ErrorCode, issues: Vec<Issue>) -> Self {
        let message = issues
            .iter()
            .map(|i| cat(&[&i.path, ": ", &i.message]))
            .collect::<Vec<_>>()
            .join("; ");
        Error { code, message, data: ErrorData::Issues(issues) }
    }

    /// The paths of the fields this error names, for tests and callers.
    pub fn paths(&self) -> Vec<&str> {
        match &self.data {
            ErrorData::Issues(issues) => issues.iter().map(|i| i.path.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl core::error::Error for Error {}

impl Error {
    /// The JS `data` object of the matching `ConnectorError`, as JSON.
    pub fn data_json(&self) -> String {
        let mut out = String::with_capacity(128);
        let mut object = ObjectWriter::new(&mut out);
        match &self.data {
            ErrorData::Message => {
                object.string("message", &self.message);
            }
            ErrorData::Issues(issues) => {
                let mut list = String::from("[");
                for (i, issue) in issues.iter().enumerate() {
                    if i > 0 {
                        list.push(',');
                    }
                    ObjectWriter::new(&mut list).string("path", &issue.path).string("message", &issue.message).finish();
                }
                list.push(']');
                object.string("message", &self.message).raw("issues", &list);
            }
            ErrorData::Aliyun(a) => {
                object
                    .string("errorDescription", &a.message)
                    .string("Code", &a.code)
                    .optional("RequestId", a.request_id.as_deref())
                    .optional("HostId", a.host_id.as_deref())
                    .optional("Recommend", a.recommend.as_deref())
                    .raw("status", &int(usize::from(a.status)))
                    .optional("hint", a.hint);
            }
            ErrorData::Reply { status, body, hint } => {
                object.string("message", &self.message).raw("status", &int(usize::from(*status))).string("body", body).optional("hint", *hint);
            }
        }
        object.finish();
        out
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
