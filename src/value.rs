//! A dynamic value read through serde: a message payload, or a config field before validation.
//!
//! serde does the reading (serde-wasm-bindgen from a JS value in wasm, serde_json in native tests);
//! this module only says what to keep. Objects are `BTreeMap`s, so a lookup by key is logarithmic
//! and rendering a template stays linear in its size whatever the payload holds.

use crate::limits::MAX_DEPTH;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// A JSON-like value as the host handed it over.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// The member `key` of an object, or `None` for any other value or a missing key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.get(key),
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

impl<'de> serde::Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Depth(0).deserialize(deserializer)
    }
}

/// Reads a value `0`-based levels below the root, refusing to go past [`MAX_DEPTH`].
#[derive(Clone, Copy)]
struct Depth(usize);

impl Depth {
    fn below(self) -> Result<Depth, String> {
        if self.0 >= MAX_DEPTH {
            Err(format!("is nested deeper than {MAX_DEPTH} levels"))
        } else {
            Ok(Depth(self.0 + 1))
        }
    }
}

impl<'de> DeserializeSeed<'de> for Depth {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Depth {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        // JS numbers are f64; integers past 2^53 were never exact there either.
        Ok(Value::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let below = self.below().map_err(de::Error::custom)?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(below)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let below = self.below().map_err(de::Error::custom)?;
        let mut entries = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(below)?;
            // A JS object cannot repeat a key; for JSON text the last one wins, as in JSON.parse.
            entries.insert(key, value);
        }
        Ok(Value::Object(entries))
    }
}

/// An object's members by name, each read as a [`Value`] as a field of its own (with the whole
/// depth allowed). The raw input structs read their fields through this one visitor, not a
/// derived one each: a derive per struct costs kilobytes of wasm (see [`raw_fields`]).
pub struct Members(BTreeMap<String, Value>);

impl Members {
    /// Reads `deserializer`'s object as the struct `name` with `fields`, which a host's
    /// deserializer may use to read only those (serde-wasm-bindgen does).
    pub fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        name: &'static str,
        fields: &'static [&'static str],
    ) -> Result<Members, D::Error> {
        deserializer.deserialize_struct(name, fields, MembersVisitor(fields))
    }

    /// The member `key`; `null` reads as absent, as serde reads an `Option`.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key).filter(|v| !matches!(v, Value::Null))
    }

    /// The member `key`, `null` kept: for a field where `null` is refused rather than read as absent.
    pub fn kept(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key)
    }
}

/// Reads the members named in its list; any other is skipped unread, as a derive skips it.
struct MembersVisitor(&'static [&'static str]);

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if self.0.contains(&key.as_str()) {
                entries.insert(key, map.next_value_seed(Depth(0))?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(Members(entries))
    }
}

/// Declares a raw input struct of loose `Option<Value>` fields, each named by its JSON key and read
/// by [`Members::take`] (`null` is absent) or [`Members::kept`], with `FIELDS` listing the keys and
/// a `Deserialize` that reads them through [`Members`].
#[macro_export]
macro_rules! raw_fields {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* $field:ident: $key:literal => $how:ident,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Default)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: Option<$crate::value::Value>,)*
        }

        impl $name {
            /// The JSON keys of the fields, in order.
            pub const FIELDS: &'static [&'static str] = &[$($key),*];
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let mut members = $crate::value::Members::read(deserializer, stringify!($name), Self::FIELDS)?;
                Ok($name { $($field: members.$how($key),)* })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_through_serde_with_a_depth_limit() {
        let v: Value = serde_json::from_str(r#"{"b":[1,"x",null,true],"a":{"c":2.5}}"#).unwrap();
        assert_eq!(v.get("a").and_then(|a| a.get("c")), Some(&Value::Number(2.5)));
        assert_eq!(v.get("b").map(Value::type_name), Some("array"));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(serde_json::from_str::<Value>(&deep).is_ok());
        let deeper = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let error = serde_json::from_str::<Value>(&deeper).unwrap_err().to_string();
        assert!(error.contains("nested deeper than 32"), "{error}");
    }
}
