//! One exchange with DirectMail: the signed request handed to the host's fetch, and what came back
//! turned into a result or a typed error. The JS layer awaits fetch, reads the body (capped) and
//! hands over only primitives: the status, whether it was an opaque redirect, the Location, the
//! text (or none when it was too large), or a failure's description. Every decision and every
//! error shape is here.

use aliyun_dm::attachments::{parse_upload_grant, RawGrant, UploadGrant};
use aliyun_dm::limits::{BODY_EXCERPT_BYTES, MAX_REPLY_BYTES};
use aliyun_dm::redact::Redactor;
use aliyun_dm::response::RawReply;
use aliyun_dm::single_send_mail::HttpRequest;
use aliyun_dm::Error;
use js_sys::{Function, JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, RequestInit, RequestRedirect};

/// Network error codes that mean the connection never opened, so no mail can have been sent.
const NEVER_CONNECTED: [&str; 4] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ConnectionRefused"];

#[wasm_bindgen]
extern "C" {
    /// The host's `JSON.parse`, on a JS string: the reply is parsed where it is, not copied in.
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn parse_json(text: &JsString) -> Result<JsValue, JsValue>;
}

/// Calls `fetch(url, init)` with `request` and returns what fetch returned (a promise of a
/// Response). A fetch that throws at once gives a rejected promise, so the JS layer meets every
/// failure in one place.
pub fn start(request: &HttpRequest, fetch: &Function, signal: &AbortSignal) -> JsValue {
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
    init.set_signal(Some(signal));
    fetch
        .call2(&JsValue::UNDEFINED, &JsValue::from_str(request.url), &init)
        .unwrap_or_else(|cause| Promise::reject(&cause).into())
}

/// The reply to `url`, checked before it is read: `status` is the Response's (anything but a whole
/// number up to 999 means fetch resolved to something else), `opaque` says the runtime hid a
/// redirect, `location` is the Location header, and `text` the body, `None` when it passed
/// [`MAX_REPLY_BYTES`]. Whatever an error quotes passes through `redactor` first.
pub fn read(
    url: &str,
    status: f64,
    opaque: bool,
    location: Option<String>,
    text: Option<JsString>,
    redactor: &Redactor,
) -> Result<Reply, Error> {
    if status.fract() != 0.0 || !(0.0..=999.0).contains(&status) {
        return Err(Error::exchange(url, "fetch resolved to something that is not a Response", false));
    }
    let status = status as u16;
    if (300..400).contains(&status) || opaque {
        let origin = location.and_then(|l| web_sys::Url::new_with_base(&l, url).ok()).map(|u| u.origin());
        return Err(Error::redirect(url, status, origin.as_deref()).redacted(redactor));
    }
    let Some(text) = text.filter(|t| t.length() as usize <= MAX_REPLY_BYTES) else {
        return Err(Error::invalid_reply(status, format!("The reply is larger than {MAX_REPLY_BYTES} bytes")));
    };
    Ok(Reply { status, text })
}

/// A reply that came back: its status and its text, within the cap.
pub struct Reply {
    status: u16,
    text: JsString,
}

/// A `SingleSendMail` reply: `{EnvId, RequestId}`, or DirectMail's error, typed.
pub fn mail_result(reply: &Reply, redactor: &Redactor) -> Result<aliyun_dm::SendResult, Error> {
    let raw = parse_json(&reply.text).ok().and_then(|v| serde_wasm_bindgen::from_value::<RawReply>(v).ok());
    aliyun_dm::parse_reply(reply.status, raw, &excerpt(reply, redactor), redactor)
}

/// An `AuthorizeFileUpload` reply: the grant, each field checked by its shape; or Aliyun's error,
/// typed as a send's would be.
pub fn upload_grant(reply: &Reply, redactor: &Redactor) -> Result<UploadGrant, Error> {
    let json = parse_json(&reply.text).ok();
    if !(200..300).contains(&reply.status) {
        let raw = json.and_then(|v| serde_wasm_bindgen::from_value::<RawReply>(v).ok());
        let error = match aliyun_dm::parse_reply(reply.status, raw, &excerpt(reply, redactor), redactor) {
            Err(error) => error,
            Ok(_) => Error::invalid_reply(reply.status, "AuthorizeFileUpload answered with an error status".to_owned()),
        };
        return Err(error);
    }
    let raw = json.and_then(|v| serde_wasm_bindgen::from_value::<RawGrant>(v).ok()).unwrap_or_default();
    let grant = parse_upload_grant(raw)?;
    // The grant goes to OSS as it is: one that holds a credential is refused, never sent on.
    if grant.fields.iter().any(|(_, value)| redactor.holds_run_in_id(value)) {
        return Err(Error::invalid_reply(reply.status, "AuthorizeFileUpload's reply holds a credential".to_owned()));
    }
    Ok(grant)
}

/// The start of the reply, for an error to quote after redaction: read far enough past the cut
/// that a credential straddling it is whole when it is redacted (a UTF-16 unit is at least one
/// byte of UTF-8).
fn excerpt(reply: &Reply, redactor: &Redactor) -> String {
    String::from(reply.text.slice(0, (BODY_EXCERPT_BYTES + redactor.longest()) as u32))
}

/// A `general` error for an exchange that failed before a reply was read: `cause` describes it, and
/// `codes` holds the `code`, `name` and `message` of each error along its cause chain. Retryable
/// only when the connection never opened.
pub fn failed(url: &str, cause: &str, codes: &[String], redactor: &Redactor) -> Error {
    let never_connected = codes
        .iter()
        .any(|code| NEVER_CONNECTED.contains(&code.as_str()) || code.to_ascii_lowercase().contains("connection refused"));
    Error::exchange(url, cause, never_connected).redacted(redactor)
}
