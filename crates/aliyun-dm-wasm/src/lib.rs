//! The wasm binding of the aliyun-dm core. A [`DirectMail`] object is built from one config and
//! keeps it validated, with its HMAC key; every send goes through it. Values cross through
//! serde-wasm-bindgen, the signed request goes to the host's fetch, and the clock and the RNG are
//! read here and nowhere else.

// A panic in wasm is a trap that leaves the instance unusable: none may be reachable from input.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod convert;
mod exchange;

use aliyun_dm::config::MAX_TEMPLATE_BYTES;
use aliyun_dm::limits::MAX_BODY_BYTES;
use aliyun_dm::redact::Redactor;
use aliyun_dm::sign::{self, Method};
use aliyun_dm::template::{self, Escape};
use aliyun_dm::{
    Config, Error, ErrorCode, Message, Nonce, Options, Purpose, RawConfig, RawMessage, RawOptions, RequestContext, SignedRequest,
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

/// The message and options of one send, read and validated.
struct SendInput {
    message: Message,
    options: Options,
}

fn read_send_input(message: JsValue, options: JsValue) -> Result<SendInput, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let message: RawMessage = convert::read_object(message, code, "(data)")?;
    let message = aliyun_dm::parse_message(message).map_err(|e| convert::error(&e))?;
    let options: RawOptions = convert::read_optional_object(options, code, "options")?;
    let options = aliyun_dm::parse_options(options).map_err(|e| convert::error(&e))?;
    Ok(SendInput { message, options })
}

/// A fresh UUID v4 nonce from the host's `crypto.getRandomValues`, through `pool`.
fn fresh_nonce(pool: &RefCell<RandomPool>) -> Result<Nonce, JsValue> {
    let bytes = match pool.try_borrow_mut() {
        Ok(mut pool) => pool.take16(),
        // Only a host whose getRandomValues calls back into this object gets here.
        Err(_) => RandomPool::empty().take16(),
    };
    let no_source = |_| Error::new(ErrorCode::General, "No secure random source (crypto.getRandomValues) is available");
    Ok(Nonce::uuid_v4(bytes.map_err(|e| convert::error(&no_source(e)))?))
}

fn now() -> Result<Timestamp, JsValue> {
    Timestamp::from_unix_millis(js_sys::Date::now())
        .ok_or_else(|| convert::error(&Error::new(ErrorCode::General, "The system clock is outside 1970..9999")))
}

/// The per-send policy the JS layer applies around each attempt.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Policy {
    timeout_ms: u32,
    retries: u32,
    url: String,
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
        let config = aliyun_dm::parse_config_for(&raw, purpose).map_err(|e| convert::error(&e))?;
        Ok(DirectMail { config, random: RefCell::new(RandomPool::empty()) })
    }

    /// The config normalised: defaults filled in, absent options left out.
    pub fn normalized(&self) -> Result<JsValue, JsValue> {
        convert::write(&self.config.normalized())
    }

    /// `{timeoutMs, retries, url}` for a send with these options, which are checked here.
    pub fn policy(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let raw: RawOptions = convert::read_optional_object(options, ErrorCode::InvalidRequestParameters, "options")?;
        let options = aliyun_dm::parse_options(raw).map_err(|e| convert::error(&e))?;
        convert::write(&Policy {
            timeout_ms: options.timeout_ms.unwrap_or(self.config.timeout_ms),
            retries: options.retries.unwrap_or(self.config.retries),
            url: options.endpoint.unwrap_or_else(|| self.config.endpoint().to_owned()),
        })
    }

    /// The dry run: the signed request `{url, method, headers, body}`, not sent.
    pub fn build(&self, message: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        self.with_signed(message, options, |signed| convert::write(&signed.http()))
    }

    /// Starts one attempt: signs with a fresh nonce and timestamp, and hands the request to the
    /// host's `fetch` with `signal`. Returns what fetch returned (a promise of a Response) for the
    /// JS layer to await and read; a bad message or options, or a fetch that throws, is a typed error.
    pub fn fetch(
        &self,
        message: JsValue,
        options: JsValue,
        fetch: Function,
        signal: Option<AbortSignal>,
    ) -> Result<JsValue, JsValue> {
        self.with_signed(message, options, |signed| {
            exchange::start(&signed.http(), &fetch, signal.as_ref(), &self.config.redactor)
        })
    }

    /// Turns what an attempt to `url` got back (see `exchange::finish`) into `{EnvId, RequestId}`,
    /// or throws a typed error whose `retryable` says whether the mail cannot have been sent.
    pub fn reply(&self, outcome: JsValue, url: &str) -> Result<JsValue, JsValue> {
        exchange::finish(url, &outcome, &self.config.redactor)
    }

    /// Reads the message and options, renders and signs, and hands the signed request to `then`.
    fn with_signed<R>(
        &self,
        message: JsValue,
        options: JsValue,
        then: impl FnOnce(&SignedRequest) -> Result<R, JsValue>,
    ) -> Result<R, JsValue> {
        let SendInput { message, options } = read_send_input(message, options)?;
        let nonce = match options.nonce {
            Some(nonce) => nonce,
            None => fresh_nonce(&self.random)?,
        };
        let timestamp = match options.timestamp {
            Some(timestamp) => timestamp,
            None => now()?,
        };
        let ctx = RequestContext {
            custom_template: options.template.as_ref(),
            nonce: &nonce,
            timestamp: &timestamp,
            endpoint: options.endpoint.as_deref(),
            number_text: host_number_text,
        };
        let signed = aliyun_dm::build_send_mail(&self.config, &message, &ctx).map_err(|e| convert::error(&e))?;
        then(&signed)
    }
}

/// A payload number as the host's `Number.prototype.toString` writes it, which is `String(n)`
/// exactly; the core's own formatter would add about 8 KB of float formatting to the wasm.
fn host_number_text(out: &mut String, n: f64) {
    // Radix 10 is always valid, so the host does not throw.
    if let Ok(text) = js_sys::Number::from(n).to_string_with_radix(10) {
        out.push_str(&String::from(text));
    }
}

/// Renders `{{placeholders}}` from a payload as connector-kit does; `html` escapes the values.
#[wasm_bindgen(js_name = renderTemplate)]
pub fn render_template(text: &JsString, payload: JsValue, html: bool) -> Result<String, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let text = convert::read_string(text, MAX_TEMPLATE_BYTES, code, "template")?;
    let payload: Value = convert::read_value(payload, code, "payload")?;
    if !matches!(payload, Value::Object(_)) {
        return Err(convert::error(&Error::invalid(code, "payload", format!("expected an object, got {}", payload.type_name()))));
    }
    let escape = if html { Escape::Html } else { Escape::None };
    template::render(&text, &payload, escape, host_number_text, MAX_BODY_BYTES)
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
    let secret = convert::read_string(secret, aliyun_dm::config::MAX_FIELD_BYTES, code, "secret")?;
    let Value::Object(entries) = convert::read_value::<Value>(params, code, "params")? else {
        return Err(convert::error(&Error::invalid(code, "params", "expected an object of strings")));
    };
    if entries.len() > sign::MAX_PARAMS {
        let message = format!("has {} parameters; at most {} are signed", entries.len(), sign::MAX_PARAMS);
        return Err(convert::error(&Error::invalid(code, "params", message)));
    }
    let mut pairs = Vec::with_capacity(entries.len());
    for (name, value) in &entries {
        match value {
            // The signature itself is never part of what is signed.
            _ if name == "Signature" => {}
            Value::String(s) => pairs.push((name.as_str(), s.as_str())),
            other => {
                return Err(convert::error(&Error::invalid(
                    code,
                    format!("params.{name}"),
                    format!("expected string, got {}", other.type_name()),
                )))
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

/// Turns DirectMail's HTTP status and body text into `{EnvId, RequestId}`, or throws a typed error.
/// A body over the reply cap is refused before it is read.
#[wasm_bindgen(js_name = parseReply)]
pub fn parse_reply(status: u16, body: &JsString) -> Result<JsValue, JsValue> {
    if body.length() as usize > exchange::MAX_REPLY_BYTES {
        let message = format!("The reply is larger than {} bytes", exchange::MAX_REPLY_BYTES);
        return Err(convert::error(&Error::invalid(ErrorCode::InvalidRequestParameters, "body", message)));
    }
    let text = String::from(body);
    let reply = js_sys::JSON::parse(&text).ok().and_then(|v| serde_wasm_bindgen::from_value::<aliyun_dm::RawReply>(v).ok());
    let result = aliyun_dm::parse_reply(status, reply, &text, &Redactor::default()).map_err(|e| convert::error(&e))?;
    convert::write(&result)
}
