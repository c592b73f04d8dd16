//! The wasm binding of the aliyun-dm core. A [`DirectMail`] object is built from one config and
//! keeps it validated, with its HMAC key; its JS owner holds it and frees it. Each send is a
//! [`PreparedSend`]: its message and options read once, then signed afresh for every attempt.
//! Values cross through serde-wasm-bindgen, the signed request goes to the host's fetch, and the
//! clock and the RNG are read here and nowhere else.

// A panic in wasm is a trap that leaves the instance unusable: none may be reachable from input.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod convert;
mod exchange;

use aliyun_dm::delivery_event::{self, RawDeliveryEvent};
use aliyun_dm::limits::{MAX_BODY_BYTES, MAX_EVENT_BYTES, MAX_FIELD_BYTES, MAX_REPLY_BYTES, MAX_TEMPLATE_BYTES};
use aliyun_dm::redact::Redactor;
use aliyun_dm::sign::{self, Method};
use aliyun_dm::single_send_mail::http;
use aliyun_dm::template::{self, Escape};
use aliyun_dm::{
    Config, Error, ErrorCode, Message, Nonce, Options, Purpose, RawConfig, RawMessage, RawOptions, SignedRequest, Stamp,
    Timestamp, Value,
};
use js_sys::{Function, JsString};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

/// A DirectMail client for one config: validated once, then used for every send.
#[wasm_bindgen]
pub struct DirectMail {
    config: Config,
    random: RefCell<RandomPool>,
}

/// One exchange with Aliyun, read and validated once for all its attempts: a mail, or the grant
/// of one attachment upload.
#[wasm_bindgen]
pub struct PreparedSend {
    kind: Kind,
    url: String,
    timeout_ms: u32,
    retries: u32,
}

/// What a prepared exchange asks for.
enum Kind {
    /// `SingleSendMail`, with its message and options.
    Mail { message: Message, options: Box<Options> },
    /// `AuthorizeFileUpload`, which grants one attachment upload.
    UploadGrant,
}

#[wasm_bindgen]
impl PreparedSend {
    /// Milliseconds each attempt may take.
    #[wasm_bindgen(getter, js_name = timeoutMs)]
    pub fn timeout_ms(&self) -> u32 {
        self.timeout_ms
    }

    /// How many times a retryable failure is tried again.
    #[wasm_bindgen(getter)]
    pub fn retries(&self) -> u32 {
        self.retries
    }
}

/// Random bytes fetched in bulk: each `crypto.getRandomValues` call costs Node microseconds (a
/// fifth of a send's CPU when called for each nonce), and a nonce only has to be unique.
struct RandomPool {
    bytes: [u8; 4096],
    next: usize,
}

impl RandomPool {
    const fn empty() -> Self {
        RandomPool { bytes: [0; 4096], next: 4096 }
    }

    /// 16 fresh random bytes.
    fn take16(&mut self) -> Result<[u8; 16], getrandom::Error> {
        let mut out = [0u8; 16];
        if self.next + out.len() > self.bytes.len() {
            getrandom::fill(&mut self.bytes)?;
            self.next = 0;
        }
        if let Some(bytes) = self.bytes.get(self.next..self.next + out.len()) {
            out.copy_from_slice(bytes);
        }
        self.next += out.len();
        Ok(out)
    }
}

/// `Err` as a thrown JS error.
fn thrown<T>(result: Result<T, Error>) -> Result<T, JsValue> {
    result.map_err(|e| convert::error(&e))
}

fn now() -> Result<Timestamp, Error> {
    Timestamp::from_unix_millis(js_sys::Date::now())
        .ok_or_else(|| Error::new(ErrorCode::General, "The system clock is outside 1970..9999"))
}

#[wasm_bindgen]
impl DirectMail {
    /// Validates a Logto connector `config` (a plain object), throwing `invalid_config` that names
    /// every bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<DirectMail, JsValue> {
        DirectMail::validated(config, Purpose::Connector)
    }

    /// Validates a mail client's `config`: as a connector's, but templates are optional, since
    /// each send brings its own subject and body.
    #[wasm_bindgen(js_name = forClient)]
    pub fn for_client(config: JsValue) -> Result<DirectMail, JsValue> {
        DirectMail::validated(config, Purpose::Client)
    }

    fn validated(config: JsValue, purpose: Purpose) -> Result<DirectMail, JsValue> {
        let raw: RawConfig = convert::read_object(config, ErrorCode::InvalidConfig, "(config)")?;
        let config = thrown(aliyun_dm::parse_config_for(&raw, purpose))?;
        Ok(DirectMail { config, random: RefCell::new(RandomPool::empty()) })
    }

    /// The config normalised: defaults filled in, absent options left out.
    pub fn normalized(&self) -> Result<JsValue, JsValue> {
        convert::write(&self.config.normalized())
    }

    /// The role the config names (`credentialsSource`), with what fetching its credentials needs;
    /// `undefined` for the config's own AccessKey pair. Small, unlike `normalized`, which copies
    /// every template: the connector reads it at each send.
    #[wasm_bindgen(js_name = roleSettings)]
    pub fn role_settings(&self) -> Result<JsValue, JsValue> {
        match self.config.role_settings() {
            Some(role) => convert::write(&role),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Reads one send: the message `{to, type, payload}` and its options (per-send settings, the
    /// i18n template, the network policy, pins), naming a bad option `{optionsPath}{name}`.
    pub fn prepare(&self, message: JsValue, options: JsValue, options_path: &str) -> Result<PreparedSend, JsValue> {
        let code = ErrorCode::InvalidRequestParameters;
        let message: RawMessage = convert::read_object(message, code, "(data)")?;
        let message = thrown(aliyun_dm::parse_message(message))?;
        let options: RawOptions = convert::read_optional_object(options, code, "options")?;
        let options = thrown(aliyun_dm::parse_options(options, options_path, &self.config))?;
        Ok(PreparedSend {
            url: options.endpoint.clone().unwrap_or_else(|| self.config.endpoint().to_owned()),
            timeout_ms: options.timeout_ms.unwrap_or(self.config.timeout_ms),
            retries: options.retries.unwrap_or(self.config.retries),
            kind: Kind::Mail { message, options: Box::new(options) },
        })
    }

    /// Prepares `AuthorizeFileUpload`, which grants one attachment upload: sent and retried as a
    /// mail is, and its reply read by `finish` as the upload's form.
    #[wasm_bindgen(js_name = prepareUpload)]
    pub fn prepare_upload(&self) -> PreparedSend {
        PreparedSend {
            url: self.config.open_platform_endpoint().to_owned(),
            timeout_ms: self.config.timeout_ms,
            retries: self.config.retries,
            kind: Kind::UploadGrant,
        }
    }

    /// The hex SHA-256 of the mail's own parameters and `extra`: the same for two sends of the
    /// same mail, whatever their credentials, nonce or time.
    pub fn fingerprint(&self, send: &PreparedSend, extra: &str) -> Result<String, JsValue> {
        match &send.kind {
            Kind::Mail { message, options } => {
                thrown(aliyun_dm::single_send_mail::fingerprint(&self.config, message, options, extra))
            }
            Kind::UploadGrant => Err(convert::error(&Error::new(ErrorCode::General, "An upload grant has no fingerprint"))),
        }
    }

    /// The dry run: the signed request `{url, method, headers, body}`, not sent.
    pub fn build(&self, send: &PreparedSend) -> Result<JsValue, JsValue> {
        let signed = thrown(self.sign(send))?;
        convert::write(&http(&signed))
    }

    /// Starts one attempt of `send`: signs it with a fresh nonce and timestamp and hands it to the
    /// host's `fetch` with `signal`. Returns fetch's promise of a Response.
    pub fn attempt(&self, send: &PreparedSend, fetch: &Function, signal: &AbortSignal) -> Result<JsValue, JsValue> {
        let signed = thrown(self.sign(send))?;
        Ok(exchange::start(&http(&signed), fetch, signal))
    }

    /// What an attempt's reply means: `{EnvId, RequestId}`, or a thrown typed error whose
    /// `retryable` says whether the mail cannot have been sent. See `exchange::finish`.
    pub fn finish(
        &self,
        send: &PreparedSend,
        status: f64,
        opaque_redirect: bool,
        location: Option<String>,
        text: Option<JsString>,
    ) -> Result<JsValue, JsValue> {
        let redactor = &self.config.redactor;
        let reply = thrown(exchange::read(&send.url, status, opaque_redirect, location, text, redactor))?;
        match send.kind {
            Kind::Mail { .. } => convert::write(&thrown(exchange::mail_result(&reply, redactor))?),
            Kind::UploadGrant => convert::write(&thrown(exchange::upload_grant(&reply, redactor))?),
        }
    }

    /// The error for an attempt that failed before a reply: `cause` describes what fetch or the
    /// body threw, and `codes` are the `code`, `name` and `message` along its cause chain.
    pub fn failed(&self, send: &PreparedSend, cause: &str, codes: Vec<String>) -> JsValue {
        convert::error(&exchange::failed(&send.url, cause, &codes, &self.config.redactor))
    }

    /// The error for an attempt that DirectMail did not answer in time.
    #[wasm_bindgen(js_name = timedOut)]
    pub fn timed_out(&self, send: &PreparedSend) -> JsValue {
        convert::error(&Error::timed_out(&send.url, send.timeout_ms))
    }

    /// The largest reply body read, in bytes.
    #[wasm_bindgen(getter, js_name = maxReplyBytes)]
    pub fn max_reply_bytes(&self) -> u32 {
        MAX_REPLY_BYTES as u32
    }

    /// Renders and signs `send` with its pinned nonce and timestamp, or fresh ones.
    fn sign(&self, send: &PreparedSend) -> Result<SignedRequest, Error> {
        let pinned = match &send.kind {
            Kind::Mail { options, .. } => (options.nonce.clone(), options.timestamp.clone()),
            Kind::UploadGrant => (None, None),
        };
        let nonce = match pinned.0 {
            Some(nonce) => nonce,
            None => self.fresh_nonce()?,
        };
        let timestamp = match pinned.1 {
            Some(timestamp) => timestamp,
            None => now()?,
        };
        let stamp = Stamp { nonce: &nonce, timestamp: &timestamp };
        match &send.kind {
            Kind::Mail { message, options } => aliyun_dm::build_send_mail(&self.config, message, options, stamp),
            Kind::UploadGrant => Ok(aliyun_dm::attachments::authorize_upload(&self.config, stamp)),
        }
    }

    /// A fresh UUID v4 nonce from the host's `crypto.getRandomValues`, through the pool.
    fn fresh_nonce(&self) -> Result<Nonce, Error> {
        let bytes = match self.random.try_borrow_mut() {
            Ok(mut pool) => pool.take16(),
            // Only a host whose getRandomValues calls back into this object gets here.
            Err(_) => RandomPool::empty().take16(),
        };
        let bytes =
            bytes.map_err(|_| Error::new(ErrorCode::General, "No secure random source (crypto.getRandomValues) is available"))?;
        Ok(Nonce::uuid_v4(bytes))
    }
}

/// Signs any Aliyun RPC call (`{accessKeyId, accessKeySecret, securityToken?, action, version,
/// regionId?, endpoint, params, signatureVersion?}`) with a fresh nonce and the current time, or
/// with `nonce` and `timestamp` when given; returns `{url, method, headers, body}` for fetch.
#[wasm_bindgen(js_name = signCall)]
pub fn sign_call(input: JsValue, nonce: Option<String>, timestamp: Option<String>) -> Result<JsValue, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let call = thrown(aliyun_dm::rpc_call::parse_call(convert::read_value(input, code, "call")?))?;
    let nonce = match nonce {
        Some(n) => Nonce::parse(&n)
            .ok_or_else(|| convert::error(&Error::invalid(code, "nonce", "must be 1 to 64 printable ASCII characters")))?,
        None => thrown(
            RandomPool::empty()
                .take16()
                .map(Nonce::uuid_v4)
                .map_err(|_| Error::new(ErrorCode::General, "No secure random source (crypto.getRandomValues) is available")),
        )?,
    };
    let timestamp = match timestamp {
        Some(t) => Timestamp::parse(&t)
            .ok_or_else(|| convert::error(&Error::invalid(code, "timestamp", "must look like 2016-10-20T06:27:56Z")))?,
        None => thrown(now())?,
    };
    let signed = aliyun_dm::rpc_call::sign_call(&call, Stamp { nonce: &nonce, timestamp: &timestamp });
    convert::write(&http(&signed))
}

/// A DirectMail region: its id and its public endpoint.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegionEndpoint {
    region_id: &'static str,
    endpoint: &'static str,
}

/// DirectMail's regions and their public endpoints, in the Console's order.
#[wasm_bindgen]
pub fn regions() -> Result<JsValue, JsValue> {
    let all: Vec<RegionEndpoint> =
        aliyun_dm::config::Region::ALL.iter().map(|r| RegionEndpoint { region_id: r.id(), endpoint: r.endpoint() }).collect();
    convert::write(&all)
}

/// Renders `{{placeholders}}` from a payload as connector-kit does; `html` escapes the values.
#[wasm_bindgen(js_name = renderTemplate)]
pub fn render_template(text: &JsString, payload: JsValue, html: bool) -> Result<String, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let text = convert::read_string(text, MAX_TEMPLATE_BYTES, code, "template")?;
    let payload: Value = convert::read_value(payload, code, "payload")?;
    if !matches!(payload, Value::Object(_)) {
        return thrown(Err(Error::invalid(code, "payload", format!("expected an object, got {}", payload.type_name()))));
    }
    let escape = if html { Escape::Html } else { Escape::None };
    template::render(&text, &payload, escape, MAX_BODY_BYTES)
        .map_err(|_| convert::error(&Error::invalid(code, "template", format!("renders to more than {MAX_BODY_BYTES} bytes"))))
}

/// Every stage of a signature, for debugging a `SignatureDoesNotMatch`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stages<'a> {
    canonical_query: &'a str,
    string_to_sign: &'a str,
    signature: &'a str,
}

/// Signs any Aliyun RPC request (an object of string parameters); returns every stage.
#[wasm_bindgen(js_name = signRpcRequest)]
pub fn sign_rpc_request(params: JsValue, secret: &JsString, method: &JsString) -> Result<JsValue, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let method = convert::read_string(method, 8, code, "method")?;
    let method = Method::parse(&method).ok_or_else(|| convert::error(&Error::invalid(code, "method", "must be GET or POST")))?;
    let secret = convert::read_string(secret, MAX_FIELD_BYTES, code, "secret")?;
    let Value::Object(entries) = convert::read_value::<Value>(params, code, "params")? else {
        return thrown(Err(Error::invalid(code, "params", "expected an object of strings")));
    };
    let mut pairs = Vec::with_capacity(entries.len());
    for (name, value) in &entries {
        match value {
            // The signature itself is never part of what is signed.
            _ if name == "Signature" => {}
            Value::String(s) => pairs.push((name.as_str(), s.as_str())),
            other => {
                let message = format!("expected string, got {}", other.type_name());
                return thrown(Err(Error::invalid(code, format!("params.{name}"), message)));
            }
        }
    }
    let signed = sign::sign(pairs, method, &secret);
    convert::write(&Stages {
        canonical_query: signed.canonical_query.as_str(),
        string_to_sign: signed.string_to_sign.as_str(),
        signature: signed.signature.as_str(),
    })
}

/// Reads one DirectMail delivery event into a typed one: an EventBridge CloudEvent, as JSON text or
/// as an object, or an MNS message carrying one (`Message`, `MessageBody`), as JSON or base64 text.
#[wasm_bindgen(js_name = parseDeliveryEvent)]
pub fn parse_delivery_event(input: JsValue) -> Result<JsValue, JsValue> {
    let mut raw = read_event(input, "event")?;
    // An MNS message carries the event as text, once; an event inside that is read as it is.
    if let Some(text) = raw.carried_text().map(str::to_owned) {
        raw = read_event(JsValue::from_str(&text), "event.MessageBody")?;
    }
    let event = thrown(delivery_event::parse_delivery_event(raw))?;
    convert::write(&event)
}

/// An event's members from `input`: an object as it is, or text parsed as JSON (by the host's
/// JSON.parse), or as base64 of JSON; at most MAX_EVENT_BYTES of text.
fn read_event(input: JsValue, path: &str) -> Result<RawDeliveryEvent, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let value = match input.dyn_ref::<JsString>() {
        Some(text) => {
            let text = convert::read_string(text, MAX_EVENT_BYTES, code, path)?;
            let parsed = js_sys::JSON::parse(&text)
                .ok()
                .or_else(|| delivery_event::from_base64(&text).and_then(|decoded| js_sys::JSON::parse(&decoded).ok()));
            parsed.ok_or_else(|| convert::error(&Error::invalid(code, path, "is neither JSON nor base64 of JSON")))?
        }
        None => input,
    };
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return thrown(Err(Error::invalid(code, path, "expected an event object, or its JSON text")));
    }
    convert::read_value(value, code, path)
}

/// Checks a mail's attachments (`[{filename, size}]`) against DirectMail's limits before anything
/// is uploaded; throws `invalid_request_parameters` naming each problem.
#[wasm_bindgen(js_name = checkAttachments)]
pub fn check_attachments(list: JsValue) -> Result<u32, JsValue> {
    let list: Value = convert::read_value(list, ErrorCode::InvalidRequestParameters, "attachments")?;
    thrown(aliyun_dm::attachments::check_attachments(&list)).map(|n| n as u32)
}

/// Turns DirectMail's HTTP status and body text into `{EnvId, RequestId}`, or throws a typed error.
/// A body over the reply cap is refused before it is read.
#[wasm_bindgen(js_name = parseReply)]
pub fn parse_reply(status: u16, body: &JsString) -> Result<JsValue, JsValue> {
    if body.length() as usize > MAX_REPLY_BYTES {
        let message = format!("The reply is larger than {MAX_REPLY_BYTES} bytes");
        return thrown(Err(Error::invalid(ErrorCode::InvalidRequestParameters, "body", message)));
    }
    let text = String::from(body);
    let reply = js_sys::JSON::parse(&text).ok().and_then(|v| serde_wasm_bindgen::from_value::<aliyun_dm::RawReply>(v).ok());
    let result = thrown(aliyun_dm::parse_reply(status, reply, &text, &Redactor::default()))?;
    convert::write(&result)
}
