//! Readers for the loose fields of a config or of per-send options: each returns the value when it
//! is right, and otherwise records why under the field's path, so that every problem is named at
//! once.

use crate::error::Issues;
use crate::limits::MAX_FIELD_BYTES;
use crate::value::Value;

/// `null` counts as absent, as it does for the optional fields of the reference's zod schema.
pub fn present(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !matches!(v, Value::Null))
}

/// A string of at most `max` bytes, recording why not under `path`.
pub fn string_field(value: &Value, path: &str, max: usize, issues: &mut Issues) -> Option<String> {
    match value {
        Value::String(s) if s.len() > max => {
            issues.push(path, format!("must be at most {max} bytes"));
            None
        }
        Value::String(s) => Some(s.clone()),
        other => {
            issues.push(path, format!("expected string, got {}", other.type_name()));
            None
        }
    }
}

/// The string member `key` of the object `item` (named `{path}.{key}`), of at most `max` bytes;
/// absent is an issue only when `required`.
pub fn member_string(item: &Value, path: &str, key: &str, max: usize, required: bool, issues: &mut Issues) -> Option<String> {
    match present(item.get(key)) {
        None if required => {
            issues.push(format!("{path}.{key}"), "is required");
            None
        }
        None => None,
        Some(v) => string_field(v, &format!("{path}.{key}"), max, issues),
    }
}

/// A short string that may be absent.
pub fn optional_string(value: Option<&Value>, key: &str, issues: &mut Issues) -> Option<String> {
    value.and_then(|v| string_field(v, key, MAX_FIELD_BYTES, issues))
}

/// A short string that must be present; empty is the caller's to judge.
pub fn required_string(value: Option<&Value>, key: &str, issues: &mut Issues) -> String {
    match value {
        None => {
            issues.push(key, "is required");
            String::new()
        }
        Some(v) => string_field(v, key, MAX_FIELD_BYTES, issues).unwrap_or_default(),
    }
}

/// One of `choices` by name; `None` when absent, or when wrong after recording why under `key`.
pub fn optional_choice<T: Copy>(value: Option<&Value>, key: &str, choices: &[(&str, T)], issues: &mut Issues) -> Option<T> {
    let name = optional_string(value, key, issues)?;
    let chosen = choices.iter().find(|(choice, _)| *choice == name).map(|(_, value)| *value);
    if chosen.is_none() {
        let names: Vec<&str> = choices.iter().map(|(choice, _)| *choice).collect();
        issues.push(key, format!("must be {}", names.join(" or ")));
    }
    chosen
}

/// A boolean that may be absent.
pub fn optional_bool(value: Option<&Value>, key: &str, issues: &mut Issues) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        other => {
            issues.push(key, format!("expected boolean, got {}", other.type_name()));
            None
        }
    }
}

/// An optional whole number in `min..=max`, recording why not under `key`.
pub fn optional_integer(value: Option<&Value>, key: &str, min: u32, max: u32, issues: &mut Issues) -> Option<u32> {
    whole_number(value?, min, max).map_err(|why| issues.push(key, why)).ok()
}

/// A whole number in `min..=max`, or why it is not one.
pub fn whole_number(value: &Value, min: u32, max: u32) -> Result<u32, String> {
    match value {
        Value::Number(n) if n.fract() == 0.0 && (f64::from(min)..=f64::from(max)).contains(n) => Ok(*n as u32),
        Value::Number(_) => Err(format!("must be a whole number from {min} to {max}")),
        other => Err(format!("expected number, got {}", other.type_name())),
    }
}
