//! The JS boundary: JSON text in, strings out, the clock and the RNG read here and nowhere else.
//! The JS layer (lib/core.js) does the `JSON.stringify` / `JSON.parse` on its side.

use crate::prelude::*;
use crate::config::{self, Config};
use crate::error::{Error, ErrorCode, Issue};
use crate::json::ObjectWriter;
use crate::request::{self, CustomTemplate, Nonce, RequestContext, Timestamp};
use crate::sign::{self, Method};
use crate::template::{self, Escape};
use crate::value::Value;
use crate::text::{cat, int};
use crate::{limits, response};
use crate::heap::{Pages, SizeClassHeap};
use js_sys::Reflect;
use core::alloc::{GlobalAlloc, Layout};
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

/// State kept between calls. wasm32 without the `atomics` feature runs exactly one thread, so a
/// RefCell in a static is sound there; the RefCell still refuses re-entry (see `with`).
struct Global<T>(RefCell<T>);

// SAFETY: single-threaded target (the compile_error below refuses a build with threads).
unsafe impl<T> Sync for Global<T> {}

#[cfg(target_feature = "atomics")]
compile_error!("src/wasm.rs keeps its state in statics that assume a single-threaded wasm");

impl<T> Global<T> {
    /// Runs `f` on the state; a call made from inside another (a host hook calling back) fails.
    fn with<R>(&self, f: impl FnOnce(&mut T) -> Result<R, JsValue>) -> Result<R, JsValue> {
        match self.0.try_borrow_mut() {
            Ok(mut state) => f(&mut state),
            Err(_) => Err(js_error(&Error::new(ErrorCode::General, "aliyun-dm was called again while a call was running"))),
        }
    }
}

/// The last valid config, so a send whose config text is unchanged skips parsing and validation.
static CURRENT: Global<Option<Config>> = Global(RefCell::new(None));

/// The module's linear memory, grown a 64 KiB page at a time.
struct LinearMemory;

impl Pages for LinearMemory {
    fn grow(&self, bytes: usize) -> Option<(*mut u8, usize)> {
        const PAGE: usize = 65536;
        let pages = bytes.div_ceil(PAGE);
        let old = core::arch::wasm32::memory_grow(0, pages);
        // Linear memory starts at address 0, so the old size in bytes is where the new pages begin.
        (old != usize::MAX).then(|| ((old * PAGE) as *mut u8, pages * PAGE))
    }
}

/// The allocator (see src/heap.rs), in a static: the crate is no_std in wasm, so it must name one.
struct WasmHeap(SizeClassHeap<LinearMemory>);

// SAFETY: single-threaded target (the compile_error above refuses a build with threads).
unsafe impl Sync for WasmHeap {}

// SAFETY: forwards to SizeClassHeap, whose own impl states what it guarantees.
unsafe impl GlobalAlloc for WasmHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: WasmHeap = WasmHeap(SizeClassHeap::new(LinearMemory));

/// No std, so no unwinding and nothing to print to: a panic would trap. Clippy denies the usual
/// sources in the core, and every input path returns a typed error instead.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// A real JS `Error` with `code` and `data`, which the JS layer rethrows as `ConnectorError`.
fn js_error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    let data = js_sys::JSON::parse(&error.data_json()).unwrap_or(JsValue::NULL);
    let _ = Reflect::set(&js, &"code".into(), &error.code.as_str().into());
    let _ = Reflect::set(&js, &"data".into(), &data);
    js.into()
}

fn invalid(code: ErrorCode, path: &str, message: String) -> JsValue {
    js_error(&Error::with_issues(code, vec![Issue { path: path.into(), message }]))
}

/// Parses JSON text the JS layer produced; `path` and `code` name it if it cannot be read.
fn parse(json: &str, path: &str, code: ErrorCode) -> Result<Value, JsValue> {
    Value::parse(json).map_err(|e| invalid(code, path, cat(&["is not JSON the connector accepts (", e.reason, ")"])))
}

/// Validates a config (JSON) and makes it the current one; returns it normalised, as JSON.
/// An invalid config throws `invalid_config` and leaves the current one as it was.
#[wasm_bindgen(js_name = useConfig)]
pub fn use_config(config_json: &str) -> Result<String, JsValue> {
    let value = parse(config_json, "(config)", ErrorCode::InvalidConfig)?;
    let config = config::parse_config(&value).map_err(|e| js_error(&e))?;
    let normalized = config.to_json();
    CURRENT.with(|current| {
        *current = Some(config);
        Ok(())
    })?;
    Ok(normalized)
}

/// Renders `{{placeholders}}` from a payload (JSON) as connector-kit does; `html` escapes values.
#[wasm_bindgen(js_name = renderTemplate)]
pub fn render_template(template: &str, payload_json: &str, html: bool) -> Result<String, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let payload = parse(payload_json, "payload", code)?;
    if !matches!(payload, Value::Object(_)) {
        return Err(invalid(code, "payload", cat(&["expected an object, got ", payload.type_name()])));
    }
    let escape = if html { Escape::Html } else { Escape::None };
    template::render(template, &payload, escape, limits::MAX_BODY_BYTES)
        .map_err(|_| invalid(code, "template", cat(&["renders to more than ", &int(limits::MAX_BODY_BYTES), " bytes"])))
}

/// Signs any Aliyun RPC request (params as a JSON object of strings); returns every stage as JSON.
#[wasm_bindgen(js_name = signRpcRequest)]
pub fn sign_rpc_request(params_json: &str, secret: &str, method: &str) -> Result<String, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let method = Method::parse(method).ok_or_else(|| invalid(code, "method", "must be GET or POST".into()))?;
    let Value::Object(entries) = parse(params_json, "params", code)? else {
        return Err(invalid(code, "params", "expected an object of strings".into()));
    };
    if entries.len() > sign::MAX_PARAMS {
        return Err(invalid(code, "params", cat(&["has ", &int(entries.len()), " parameters; at most ", &int(sign::MAX_PARAMS), " are signed"])));
    }
    let mut pairs = Vec::with_capacity(entries.len());
    for (name, value) in &entries {
        match value {
            // The signature itself is never part of what is signed.
            _ if name == "Signature" => {}
            Value::String(s) => pairs.push((name.as_str(), s.as_str())),
            other => return Err(invalid(code, &cat(&["params.", name]), cat(&["expected string, got ", other.type_name()]))),
        }
    }
    let signed = sign::sign(pairs, method, secret);
    let mut out = String::new();
    ObjectWriter::new(&mut out)
        .string("canonicalQuery", signed.canonical_query.as_str())
        .string("stringToSign", signed.string_to_sign.as_str())
        .string("signature", signed.signature.as_str())
        .finish();
    Ok(out)
}

/// What a dry run may pin: the i18n template, nonce, timestamp and endpoint.
type BuildOptions = (Option<CustomTemplate>, Option<Nonce>, Option<Timestamp>, Option<String>);

fn read_options(options_json: &str) -> Result<BuildOptions, JsValue> {
    let code = ErrorCode::InvalidRequestParameters;
    let value = parse(options_json, "options", code)?;
    if !matches!(value, Value::Object(_) | Value::Null) {
        return Err(invalid(code, "options", cat(&["expected an object, got ", value.type_name()])));
    }
    let string = |key: &str| -> Result<Option<&str>, JsValue> {
        match value.get_present(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(invalid(code, &cat(&["options.", key]), cat(&["expected string, got ", other.type_name()]))),
        }
    };
    let nonce = match string("nonce")? {
        None => None,
        Some(s) => Some(Nonce::parse(s).ok_or_else(|| invalid(code, "options.nonce", "must be 1 to 64 printable ASCII characters".into()))?),
    };
    let timestamp = match string("timestamp")? {
        None => None,
        Some(s) => Some(Timestamp::parse(s).ok_or_else(|| invalid(code, "options.timestamp", "must look like 2016-10-20T06:27:56Z".into()))?),
    };
    let endpoint = match string("endpoint")? {
        None => None,
        Some(s) => Some(config::parse_endpoint(s).map_err(|why| invalid(code, "options.endpoint", why))?),
    };
    // Per-call overrides of the config's timeoutMs and retries, checked with the same ranges; the JS
    // layer uses them only after a build has succeeded.
    let (min, max) = config::TIMEOUT_MS_RANGE;
    for (key, min, max) in [("timeoutMs", min, max), ("retries", 0, config::MAX_RETRIES)] {
        if let Some(v) = value.get_present(key) {
            config::whole_number(v, min, max).map_err(|why| invalid(code, &cat(&["options.", key]), why))?;
        }
    }
    let template = match value.get_present("template") {
        None => None,
        Some(t) => Some(request::parse_custom_template(t, "options.template").map_err(|e| js_error(&e))?),
    };
    Ok((template, nonce, timestamp, endpoint))
}

/// Random bytes fetched in bulk: each `crypto.getRandomValues` call costs Node microseconds (on
/// Node 20, more than half of a build), and a nonce only has to be unique (it travels in the clear).
struct RandomPool {
    bytes: [u8; 4096],
    next: usize,
}

static RANDOM: Global<RandomPool> = Global(RefCell::new(RandomPool { bytes: [0; 4096], next: 4096 }));

fn fresh_nonce() -> Result<Nonce, JsValue> {
    RANDOM.with(|pool| {
        if pool.next + 16 > pool.bytes.len() {
            getrandom::fill(&mut pool.bytes).map_err(|_| {
                js_error(&Error::new(ErrorCode::General, "No secure random source (crypto.getRandomValues) is available"))
            })?;
            pool.next = 0;
        }
        let mut bytes = [0u8; 16];
        if let Some(taken) = pool.bytes.get(pool.next..pool.next + 16) {
            bytes.copy_from_slice(taken);
        }
        pool.next += 16;
        Ok(Nonce::uuid_v4(bytes))
    })
}

fn now() -> Result<Timestamp, JsValue> {
    Timestamp::from_unix_millis(js_sys::Date::now())
        .ok_or_else(|| js_error(&Error::new(ErrorCode::General, "The system clock is outside 1970..9999")))
}

/// Builds and signs SingleSendMail for a message (JSON) with the current config; returns
/// `body + "\n" + url` (neither holds a line break). The body comes first because its buffer was
/// sized for the worst case, so the URL is appended without a copy of the body.
#[wasm_bindgen(js_name = buildRequest)]
pub fn build_request(data_json: &str, options_json: &str) -> Result<String, JsValue> {
    let message = request::parse_message(parse(data_json, "(data)", ErrorCode::InvalidRequestParameters)?).map_err(|e| js_error(&e))?;
    let (template, nonce, timestamp, endpoint) = read_options(options_json)?;
    let nonce = match nonce {
        Some(n) => n,
        None => fresh_nonce()?,
    };
    let timestamp = match timestamp {
        Some(t) => t,
        None => now()?,
    };
    let ctx = RequestContext { custom_template: template.as_ref(), nonce: &nonce, timestamp: &timestamp, endpoint: endpoint.as_deref() };
    CURRENT.with(|current| {
        let config = current.as_ref().ok_or_else(|| js_error(&Error::new(ErrorCode::InvalidConfig, "No config was given")))?;
        let signed = request::build_send_mail(config, &message, &ctx).map_err(|e| js_error(&e))?;
        let mut out = signed.body;
        out.push('\n');
        out.push_str(&signed.url);
        Ok(out)
    })
}

/// Turns DirectMail's HTTP status and body into a result, or throws. The result is
/// `EnvId + "\0" + RequestId`, which the JS layer splits without a JSON.parse, unless either holds
/// U+0000: then it is the JSON object `{EnvId, RequestId}`, where U+0000 is escaped.
#[wasm_bindgen(js_name = parseReply)]
pub fn parse_reply(status: u16, body: &str) -> Result<String, JsValue> {
    let result = response::parse_reply(status, body).map_err(|e| js_error(&e))?;
    if result.env_id.contains('\0') || result.request_id.contains('\0') {
        return Ok(result.to_json());
    }
    Ok(cat(&[&result.env_id, "\0", &result.request_id]))
}
