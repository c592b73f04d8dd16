//! One exchange with DirectMail: the signed request handed to the host's fetch, and its `Response`
//! read (capped) and turned into a result or a typed error. Every call into JS here is one that
//! reports a throw as a `Result`: a JS exception unwinding through wasm would skip Rust's own
//! clean-up, such as restoring its stack pointer.

use crate::convert::{self, get, method};
use aliyun_dm::response::RawReply;
use aliyun_dm::{Error, ErrorCode, SendResult, SignedRequest};
use js_sys::{Function, JsString, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit, RequestRedirect};

/// Largest reply read, in bytes: DirectMail's replies are under 1 KB, so anything near this is not one.
pub const MAX_REPLY_BYTES: usize = 1 << 20;

/// Network error codes that mean the connection never opened, so no mail can have been sent.
const NEVER_CONNECTED: [&str; 3] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"];

/// Awaits a value that may be a promise; a rejection comes back as `Err`.
async fn settle(value: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&value)).await
}

/// Sends `body` to `url` with the host's `fetch` and reads the reply.
pub async fn send(
    url: &str,
    body: &str,
    fetch: &Function,
    signal: Option<&AbortSignal>,
) -> Result<SendResult, JsValue> {
    let init = RequestInit::new();
    init.set_method(SignedRequest::METHOD);
    let headers = Object::new();
    let _ = Reflect::set(
        &headers,
        &"Content-Type".into(),
        &SignedRequest::CONTENT_TYPE.into(),
    );
    init.set_headers_record_from_str_to_str(&headers);
    init.set_body(&JsValue::from_str(body));
    // A followed 307 would re-POST the signed body, token included, to whatever host it names.
    init.set_redirect(RequestRedirect::Manual);
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    let response = match fetch.call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init) {
        Ok(pending) => settle(pending).await,
        Err(thrown) => Err(thrown),
    }
    .map_err(|cause| failed(url, &describe(&cause), never_connected(&cause)))?;
    let status = get(&response, "status")
        .as_f64()
        .filter(|s| s.fract() == 0.0 && (0.0..=999.0).contains(s))
        .ok_or_else(|| {
            failed(
                url,
                "fetch resolved to something that is not a Response",
                false,
            )
        })? as u16;
    if (300..400).contains(&status)
        || get(&response, "type").as_string().as_deref() == Some("opaqueredirect")
    {
        return Err(redirected(url, status, &response));
    }
    let text = read_capped(&response, status)
        .await
        .map_err(|cause| failed(url, &describe(&cause), false))??;
    // JSON.parse is the host's: linear, and the body never crosses into wasm as text to be parsed.
    let reply = js_sys::JSON::parse(&text)
        .ok()
        .and_then(|v| serde_wasm_bindgen::from_value::<RawReply>(v).ok());
    aliyun_dm::parse_reply(status, reply, &text)
        .map_err(|e| convert::retryable(convert::error(&e), e.code == ErrorCode::RateLimitExceeded))
}

/// The reply's text, at most [`MAX_REPLY_BYTES`]: read from the body stream chunk by chunk, so a
/// flood is cut off without being buffered. The outer `Err` is a failure of the stream itself.
async fn read_capped(response: &JsValue, status: u16) -> Result<Result<String, JsValue>, JsValue> {
    let too_large = || {
        let message = format!("The reply is larger than {MAX_REPLY_BYTES} bytes");
        convert::error(&Error {
            code: ErrorCode::InvalidResponse,
            data: reply_data(status),
            message,
        })
    };
    let body = get(response, "body");
    let reader = match method(&body, "getReader") {
        Some(get_reader) => Some(get_reader.call0(&body)?),
        None => None,
    };
    let Some(reader) = reader else {
        // No stream (a plain object from a test double): its text() is all there is.
        let text = match method(response, "text") {
            Some(text) => settle(text.call0(response)?).await?,
            None => JsValue::from_str(""),
        };
        let text: JsString = text
            .dyn_into()
            .map_err(|_| JsValue::from_str("text() did not give a string"))?;
        if text.length() as usize > MAX_REPLY_BYTES {
            return Ok(Err(too_large()));
        }
        return Ok(Ok(String::from(text)));
    };
    let read = method(&reader, "read")
        .ok_or_else(|| JsValue::from_str("the body's reader has no read()"))?;
    let mut bytes = Vec::new();
    loop {
        let step = settle(read.call0(&reader)?).await?;
        if get(&step, "done").is_truthy() {
            break;
        }
        let chunk: Uint8Array = get(&step, "value")
            .dyn_into()
            .map_err(|_| JsValue::from_str("the body stream gave something other than bytes"))?;
        let start = bytes.len();
        let end = start + chunk.length() as usize;
        if end > MAX_REPLY_BYTES {
            if let Some(Ok(cancelled)) =
                method(&reader, "cancel").map(|cancel| cancel.call0(&reader))
            {
                // Stops the download. Awaited on its own so a rejection is handled; whether
                // cancelling succeeds changes nothing for the error.
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = settle(cancelled).await;
                });
            }
            return Ok(Err(too_large()));
        }
        bytes.resize(end, 0);
        if let Some(slot) = bytes.get_mut(start..end) {
            chunk.copy_to(slot);
        }
    }
    // As Response.text() does: a UTF-8 BOM is dropped, and invalid bytes become U+FFFD.
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(Ok(String::from_utf8_lossy(text).into_owned()))
}

/// `{message, status}`, the data of an error about a reply whose body was not read.
fn reply_data(status: u16) -> aliyun_dm::error::ErrorData {
    aliyun_dm::error::ErrorData::Reply {
        status,
        body: String::new(),
        hint: None,
    }
}

/// A `general` error for an exchange that failed before a reply was read.
fn failed(url: &str, cause: &str, never_connected: bool) -> JsValue {
    let error = Error::exchange(url, cause);
    convert::retryable(convert::error(&error), never_connected)
}

/// A `general` error for a 3xx reply, naming the status and where it pointed.
fn redirected(url: &str, status: u16, response: &JsValue) -> JsValue {
    let headers = get(response, "headers");
    let location = method(&headers, "get")
        .and_then(|get| get.call1(&headers, &"location".into()).ok())
        .and_then(|l| l.as_string());
    let origin = location
        .and_then(|l| web_sys::Url::new_with_base(&l, url).ok())
        .map(|u| u.origin());
    convert::error(&Error::redirect(url, status, origin.as_deref()))
}

/// A short description of what a fetch threw or rejected with, read without running its toString.
fn describe(cause: &JsValue) -> String {
    if let Some(text) = cause.as_string() {
        return text;
    }
    let message = get(cause, "message").as_string();
    match message {
        Some(message) => {
            let name = get(cause, "name")
                .as_string()
                .unwrap_or_else(|| "Error".into());
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
