//! A JSON value as the host handed it over, so the core can validate input it does not trust.

use crate::prelude::*;
/// Deepest nesting accepted; deeper input would risk a stack overflow, which is a trap in wasm.
pub const MAX_DEPTH: usize = 32;

/// A parsed JSON value; objects keep the host's key order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number's JSON text, which `JSON.stringify` writes exactly as JS `String(n)` does.
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Parses JSON text (see [`crate::json::parse`]).
    pub fn parse(text: &str) -> Result<Value, crate::json::ParseError> {
        crate::json::parse(text)
    }

    /// The member `key` of an object, or `None` for any other value or a missing key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key`, treating `null` (and so `undefined`) as absent.
    pub fn get_present(&self, key: &str) -> Option<&Value> {
        self.get(key).filter(|v| !matches!(v, Value::Null))
    }

    /// Moves out the member `key` of an object (the one `get` finds), leaving `null` in its place.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        match self {
            Value::Object(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| core::mem::replace(v, Value::Null)),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_moves_a_member_out_and_leaves_null() {
        let mut v = Value::parse(r#"{"a":"x","b":null}"#).unwrap();
        assert_eq!(v.take("a"), Some(Value::String("x".into())));
        assert_eq!(v.get("a"), Some(&Value::Null));
        assert_eq!(v.get_present("a"), None);
        assert_eq!(v.take("b"), Some(Value::Null));
        assert_eq!(v.take("missing"), None);
        assert_eq!(Value::String("s".into()).take("a"), None);
    }
}
