//! One exchange with DirectMail: the signed request handed to the host's fetch, and what came back
//! turned into a result or a typed error. The JS layer only awaits and reads the body's bytes
//! (capped); every decision is here. Every call into JS here is one that reports a throw as a
//! `Result`: a JS exception unwinding through wasm would skip Rust's own clean-up, such as
//! restoring its stack pointer.

use crate::convert::{self, get, method};
use aliyun_dm::redact::Redactor;
use aliyun_dm::request::HttpRequest;
use aliyun_dm::response::{RawReply, BODY_EXCERPT_BYTES};
use aliyun_dm::{Error, ErrorCode};
use js_sys::{Function, JsString, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, RequestInit, RequestRedirect};

/// Largest reply read, in bytes: DirectMail's replies are under 1 KB, so anything near this is not one.
pub const MAX_REPLY_BYTES: usize = 1 << 20;

/// Network error codes that mean the connection never opened, so no mail can have been sent.
const NEVER_CONNECTED: [&str; 3] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"];

#[wasm_bindgen]
extern "C" {
    /// The host's `JSON.parse`, on a JS string: the reply is parsed where it is, not copied in.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsString) -> Result<JsValue, JsValue>;
}

/// Calls `fetch(url, init)` with `request`; returns what fetch returned (a promise of a
/// Response), or a typed error if it threw, with `redactor`'s credentials taken out.
pub fn start(
    request: &HttpRequest,
    fetch: &Function,
    signal: Option<&AbortSignal>,
    redactor: &Redactor,
) -> Result<JsValue, JsValue> {
    let url = request.url;
    let init = RequestInit::new();
    init.set_method(request.method);
    // A plain object: a web_sys::Headers would make Node load its fetch implementation up front.
    let headers = Object::new();
    for (name, value) in request.headers.0 {
        let _ = Reflect::set(&headers, &JsValue::from_str(name), &JsValue::from_str(value));
    }
    init.set_headers_record_from_str_to_str(&headers);
    init.set_body(&JsValue::from_str(request.body));
    // A followed 307 would re-POST the signed body, token included, to whatever host it names.
    init.set_redirect(RequestRedirect::Manual);
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init).map_err(|cause| failed(url, &cause, redactor))
}

/// Turns what an attempt got back into `{EnvId, RequestId}` or a typed error. `outcome` is what
/// the JS layer read: `{failed: true, failure}` when fetch or the body failed (`failure` may be any
/// value, `undefined` too), `{response, tooLarge: true}` when the body passed the cap, else
/// `{response, text}`. Whatever an error quotes passes through `redactor` first.
pub fn finish(url: &str, outcome: &JsValue, redactor: &Redactor) -> Result<JsValue, JsValue> {
    if get(outcome, "failed").is_truthy() {
        return Err(failed(url, &get(outcome, "failure"), redactor));
    }
    let response = get(outcome, "response");
    let status = get(&response, "status").as_f64().filter(|s| s.fract() == 0.0 && (0.0..=999.0).contains(s)).ok_or_else(|| {
        convert::retryable(convert::error(&Error::exchange(url, "fetch resolved to something that is not a Response")), false)
    })? as u16;
    if (300..400).contains(&status) || get(&response, "type").as_string().as_deref() == Some("opaqueredirect") {
        return Err(redirected(url, status, &response, redactor));
    }
    let text: Option<JsString> = get(outcome, "text").dyn_into().ok();
    let text = match text {
        Some(text) if get(outcome, "tooLarge").is_falsy() && text.length() as usize <= MAX_REPLY_BYTES => text,
        _ => {
            let message = format!("The reply is larger than {MAX_REPLY_BYTES} bytes");
            let error = Error::invalid_reply(status, message);
            return Err(convert::retryable(convert::error(&error), false));
        }
    };
    let reply = parse_json(&text).ok().and_then(|v| serde_wasm_bindgen::from_value::<RawReply>(v).ok());
    // Only errors quote the body, and only its start; read far enough past the cut that a credential
    // straddling it is whole when it is redacted (a UTF-16 unit is at least one byte of UTF-8).
    let start = String::from(text.slice(0, (BODY_EXCERPT_BYTES + redactor.longest()) as u32));
    match aliyun_dm::parse_reply(status, reply, &start, redactor) {
        Ok(result) => convert::write(&result),
        Err(e) => Err(convert::retryable(convert::error(&e), e.code == ErrorCode::RateLimitExceeded)),
    }
}

/// A `general` error for an exchange that failed before a reply was read, retryable only when the
/// connection never opened.
fn failed(url: &str, cause: &JsValue, redactor: &Redactor) -> JsValue {
    convert::retryable(convert::error(&Error::exchange(url, &describe(cause)).redacted(redactor)), never_connected(cause))
}

/// A `general` error for a 3xx reply, naming the status and where it pointed.
fn redirected(url: &str, status: u16, response: &JsValue, redactor: &Redactor) -> JsValue {
    let headers = get(response, "headers");
    let location =
        method(&headers, "get").and_then(|get| get.call1(&headers, &"location".into()).ok()).and_then(|l| l.as_string());
    let origin = location.and_then(|l| web_sys::Url::new_with_base(&l, url).ok()).map(|u| u.origin());
    convert::retryable(convert::error(&Error::redirect(url, status, origin.as_deref()).redacted(redactor)), false)
}

/// A short description of what a fetch threw or rejected with, read without running its toString.
fn describe(cause: &JsValue) -> String {
    if let Some(text) = cause.as_string() {
        return text;
    }
    match get(cause, "message").as_string() {
        Some(message) => {
            let name = get(cause, "name").as_string().unwrap_or_else(|| "Error".into());
            match get(&get(cause, "cause"), "message").as_string() {
                Some(inner) => format!("{name}: {message} ({inner})"),
                None => format!("{name}: {message}"),
            }
        }
        None => "a value that cannot be printed".into(),
    }
}

/// Whether a fetch failure says the connection never opened, along its `cause` chain.
fn never_connected(cause: &JsValue) -> bool {
    let mut current = cause.clone();
    // Bounded: a cause chain can be a cycle.
    for _ in 0..8 {
        if current.is_undefined() || current.is_null() {
            return false;
        }
        let code = get(&current, "code").as_string().unwrap_or_default();
        let name = get(&current, "name").as_string().unwrap_or_default();
        let message = get(&current, "message").as_string().unwrap_or_default();
        if NEVER_CONNECTED.contains(&code.as_str())
            || name == "ConnectionRefused"
            || message.to_ascii_lowercase().contains("connection refused")
        {
            return true;
        }
        current = get(&current, "cause");
    }
    false
}
