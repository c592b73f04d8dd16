//! The JS boundary: converts values, reads the clock and the RNG, and nothing else.

use crate::error::{DataView, Error, ErrorCode, Issue};
use crate::request::{self, CustomTemplate, Nonce, RequestContext, SignedRequest, Timestamp};
use crate::sign::{self, Method};
use crate::template::{self, Escape};
use crate::value::Value;
use crate::{config, response};
use js_sys::{Object, Reflect};
use serde::ser::{Serialize, SerializeMap, Serializer};
use wasm_bindgen::prelude::*;

/// Largest rendered output `renderTemplate` returns, in bytes.
const MAX_RENDER_BYTES: usize = crate::limits::MAX_BODY_BYTES;

type JsResult = Result<JsValue, JsValue>;

/// A real JS `Error` with `code` and `data`, which the JS layer rethrows as `ConnectorError`.
fn js_error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    let _ = Reflect::set(&js, &"code".into(), &error.code.as_str().into());
    let _ = Reflect::set(&js, &"data".into(), &to_js(&DataView(error)));
    js.into()
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// A string argument, or `invalid_request_parameters` naming it (never echoing its value).
fn string_arg(value: JsValue, name: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| invalid(ErrorCode::InvalidRequestParameters, name, "expected string"))
}

fn invalid(code: ErrorCode, path: &str, message: &str) -> JsValue {
    let issue = Issue { path: path.into(), message: message.into() };
    js_error(&Error::with_issues(code, vec![issue]))
}

/// Reads a JS value into the core's `Value`; `path` and `code` name it if it cannot be read.
fn read(value: JsValue, path: &str, code: ErrorCode) -> Result<Value, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|_| invalid(code, path, "is nested too deeply or holds a value that is not JSON"))
}

/// The `options` of `buildSendMailRequest`, each checked and named on error.
struct Options {
    template: Option<CustomTemplate>,
    nonce: Option<Nonce>,
    timestamp: Option<Timestamp>,
    endpoint: Option<String>,
}

fn read_options(options: JsValue) -> Result<Options, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let value = read(options, "options", code)?;
    if !matches!(value, Value::Object(_) | Value::Null) {
        return Err(invalid(code, "options", "expected an object"));
    }
    let string = |key: &str| -> Result<Option<&str>, JsValue> {
        match value.get_present(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(invalid(code, &format!("options.{key}"), "expected string")),
        }
    };
    let nonce = match string("nonce")? {
        None => None,
        Some(s) => Some(Nonce::parse(s).ok_or_else(|| invalid(code, "options.nonce", "must be 1 to 64 printable ASCII characters"))?),
    };
    let timestamp = match string("timestamp")? {
        None => None,
        Some(s) => Some(Timestamp::parse(s).ok_or_else(|| invalid(code, "options.timestamp", "must look like 2016-10-20T06:27:56Z"))?),
    };
    let endpoint = match string("endpoint")? {
        None => None,
        Some(s) => Some(config::parse_endpoint(s).map_err(|why| invalid(code, "options.endpoint", &why))?),
    };
    let template = match value.get_present("template") {
        None => None,
        Some(t) => Some(request::parse_custom_template(t, "options.template").map_err(|e| js_error(&e))?),
    };
    Ok(Options { template, nonce, timestamp, endpoint })
}

fn fresh_nonce() -> Result<Nonce, JsValue> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|_| js_error(&Error::new(ErrorCode::General, "No secure random source (crypto.getRandomValues) is available")))?;
    Ok(Nonce::uuid_v4(bytes))
}

fn now() -> Result<Timestamp, JsValue> {
    Timestamp::from_unix_millis(js_sys::Date::now())
        .ok_or_else(|| js_error(&Error::new(ErrorCode::General, "The system clock is outside 1970..9999")))
}

/// Validates a connector config and returns it normalised, or throws `invalid_config`.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(config: JsValue) -> JsResult {
    let value = read(config, "(config)", ErrorCode::InvalidConfig)?;
    let parsed = config::parse_config(&value).map_err(|e| js_error(&e))?;
    Ok(to_js(&parsed))
}

/// Renders `{{placeholders}}` from `payload` as connector-kit does (`html` escapes the values).
#[wasm_bindgen(js_name = renderTemplate)]
pub fn render_template(template: JsValue, payload: JsValue, html: bool) -> Result<String, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let template = string_arg(template, "template")?;
    let payload = read(payload, "payload", code)?;
    if !matches!(payload, Value::Object(_)) {
        return Err(invalid(code, "payload", "expected an object"));
    }
    let escape = if html { Escape::Html } else { Escape::None };
    template::render(&template, &payload, escape, MAX_RENDER_BYTES)
        .map_err(|_| invalid(code, "template", &format!("renders to more than {MAX_RENDER_BYTES} bytes")))
}

/// Signs any Aliyun RPC request and returns every stage, for debugging `SignatureDoesNotMatch`.
#[wasm_bindgen(js_name = signRpcRequest)]
pub fn sign_rpc_request(params: JsValue, secret: JsValue, method: JsValue) -> JsResult {
    let code = ErrorCode::InvalidRequestParameters;
    let secret = string_arg(secret, "secret")?;
    let method = Method::parse(&string_arg(method, "method")?).ok_or_else(|| invalid(code, "method", "must be GET or POST"))?;
    let Value::Object(entries) = read(params, "params", code)? else {
        return Err(invalid(code, "params", "expected an object of strings"));
    };
    let mut pairs = Vec::with_capacity(entries.len());
    for (name, value) in &entries {
        match value {
            // The signature itself is never part of what is signed.
            _ if name == "Signature" => {}
            Value::String(s) => pairs.push((name.as_str(), s.as_str())),
            other => return Err(invalid(code, &format!("params.{name}"), &format!("expected string, got {}", other.type_name()))),
        }
    }
    let signed = sign::sign(pairs, method, &secret);
    Ok(to_js(&SignedView(&signed)))
}

struct SignedView<'a>(&'a sign::Signed);

impl Serialize for SignedView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("canonicalQuery", self.0.canonical_query.as_str())?;
        map.serialize_entry("stringToSign", self.0.string_to_sign.as_str())?;
        map.serialize_entry("signature", self.0.signature.as_str())?;
        map.end()
    }
}

/// Builds the signed SingleSendMail request without sending it: `{url, method, headers, body}`.
#[wasm_bindgen(js_name = buildSendMailRequest)]
pub fn build_send_mail_request(config: JsValue, data: JsValue, options: JsValue) -> JsResult {
    let config = config::parse_config(&read(config, "(config)", ErrorCode::InvalidConfig)?).map_err(|e| js_error(&e))?;
    let message = request::parse_message(&read(data, "(data)", ErrorCode::InvalidRequestParameters)?)
        .map_err(|e| js_error(&e))?;
    let options = read_options(options)?;
    let nonce = match options.nonce {
        Some(n) => n,
        None => fresh_nonce()?,
    };
    let timestamp = match options.timestamp {
        Some(t) => t,
        None => now()?,
    };
    let ctx = RequestContext {
        custom_template: options.template.as_ref(),
        nonce: &nonce,
        timestamp: &timestamp,
        endpoint: options.endpoint.as_deref(),
    };
    let signed = request::build_send_mail(&config, &message, &ctx).map_err(|e| js_error(&e))?;
    Ok(request_object(&signed))
}

fn request_object(req: &SignedRequest) -> JsValue {
    let headers = Object::new();
    let _ = Reflect::set(&headers, &"Content-Type".into(), &SignedRequest::CONTENT_TYPE.into());
    let out = Object::new();
    let _ = Reflect::set(&out, &"url".into(), &req.url.as_str().into());
    let _ = Reflect::set(&out, &"method".into(), &SignedRequest::METHOD.into());
    let _ = Reflect::set(&out, &"headers".into(), &headers);
    let _ = Reflect::set(&out, &"body".into(), &req.body.as_str().into());
    out.into()
}

/// Turns DirectMail's HTTP reply into `{EnvId, RequestId}`, or throws a typed error.
#[wasm_bindgen(js_name = parseSendMailReply)]
pub fn parse_send_mail_reply(status: u16, body: &str) -> JsResult {
    let json = js_sys::JSON::parse(body).ok().and_then(|v| serde_wasm_bindgen::from_value::<Value>(v).ok());
    let result = response::parse_reply(status, body, json.as_ref()).map_err(|e| js_error(&e))?;
    let out = Object::new();
    let _ = Reflect::set(&out, &"EnvId".into(), &result.env_id.as_str().into());
    let _ = Reflect::set(&out, &"RequestId".into(), &result.request_id.as_str().into());
    Ok(out.into())
}
