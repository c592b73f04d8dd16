//! Values across the boundary: JS values read into the core's serde types with
//! serde-wasm-bindgen, results and errors written back the same way.

use aliyun_dm::{Error, ErrorCode};
use js_sys::{Array, JsString, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A JS type name for error messages: `null` and `array` as well as `typeof`'s names.
fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if Array::is_array(value) {
        "array".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// serde-wasm-bindgen's message, without the "Error: " that its `to_string` puts in front.
fn serde_message(error: serde_wasm_bindgen::Error) -> String {
    let text = error.to_string();
    text.strip_prefix("Error: ").map(str::to_owned).unwrap_or(text)
}

/// Reads a plain object (the JS layer hands over a plain copy) into `T`; `path` names it in errors.
pub fn read_object<T: DeserializeOwned>(value: JsValue, code: ErrorCode, path: &str) -> Result<T, JsValue> {
    if !value.is_object() || Array::is_array(&value) {
        return Err(error(&Error::invalid(code, path, format!("expected an object, got {}", type_name(&value)))));
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| error(&Error::invalid(code, path, serde_message(e))))
}

/// Like [`read_object`], but `undefined` or `null` reads as `T::default()`.
pub fn read_optional_object<T: DeserializeOwned + Default>(value: JsValue, code: ErrorCode, path: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    read_object(value, code, path)
}

/// Any value read as `T`, such as a payload or the parameters to sign.
pub fn read_value<T: DeserializeOwned>(value: JsValue, code: ErrorCode, path: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value).map_err(|e| error(&Error::invalid(code, path, serde_message(e))))
}

/// A JS string copied into wasm only once it is known to fit: at most `max` bytes of UTF-8, and no
/// lone surrogate, which UTF-8 cannot hold (the copy would replace it with U+FFFD unseen).
pub fn read_string(value: &JsString, max: usize, code: ErrorCode, path: &str) -> Result<String, JsValue> {
    // Every UTF-16 unit is at least one byte of UTF-8, so this refuses before copying anything.
    if value.length() as usize > max {
        return Err(error(&Error::invalid(code, path, format!("must be at most {max} bytes"))));
    }
    if !value.is_valid_utf16() {
        return Err(error(&Error::invalid(code, path, "holds a lone UTF-16 surrogate, which cannot be sent as UTF-8")));
    }
    let text = String::from(value);
    if text.len() > max {
        return Err(error(&Error::invalid(code, path, format!("must be at most {max} bytes"))));
    }
    Ok(text)
}

/// A result as a plain JS value: objects, not Maps, and `null`, not `undefined`.
pub fn write<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error(&Error::new(ErrorCode::General, format!("could not hand a result to JS: {}", serde_message(e)))))
}

/// A real JS `Error` with `code` and `data`, which the JS layer rethrows as `ConnectorError`.
pub fn error(error: &Error) -> JsValue {
    let js = js_sys::Error::new(&error.message);
    let data = error.data().serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL);
    // Setting an own property on a fresh Error cannot fail; there is nothing to do if it did.
    let _ = Reflect::set(&js, &"code".into(), &error.code.as_str().into());
    let _ = Reflect::set(&js, &"data".into(), &data);
    let _ = Reflect::set(&js, &"retryable".into(), &error.retryable.into());
    let _ = Reflect::set(&js, &"reason".into(), &error.reason.as_str().into());
    js.into()
}
