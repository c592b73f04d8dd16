//! A dynamic value read through serde: a message payload, or a config field before validation.
//!
//! serde does the reading (serde-wasm-bindgen from a JS value in wasm, serde_json in native tests);
//! this module only says what to keep. Objects are `BTreeMap`s, so a lookup by key is logarithmic
//! and rendering a template stays linear in its size whatever the payload holds.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// Deepest nesting accepted; deeper input would risk overflowing the stack, a trap in wasm.
pub const MAX_DEPTH: usize = 32;

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

/// Writes `n` as JS `String(n)` (Number.prototype.toString) does: the shortest digits that read
/// back as `n`, in plain notation for exponents from -7 to 20 and in `1.5e+21` form beyond.
pub fn write_js_number(out: &mut String, n: f64) {
    if n.is_nan() {
        return out.push_str("NaN");
    }
    if n == 0.0 {
        // -0 too: String(-0) is "0".
        return out.push('0');
    }
    if n < 0.0 {
        out.push('-');
    }
    if n.is_infinite() {
        return out.push_str("Infinity");
    }
    let (digits, point) = shortest_digits(n.abs());
    let k = digits.len() as i64;
    if k <= point && point <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        // 0 < point < k here, so the split cannot fail.
        let (int, frac) = digits.split_at_checked(point as usize).unwrap_or((&digits, ""));
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at_checked(1).unwrap_or((&digits, ""));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push(if point - 1 < 0 { '-' } else { '+' });
        out.push_str(&(point - 1).abs().to_string());
    }
}

/// The shortest digits that read back as `n` (positive and finite), and where the decimal point
/// sits after them: `n` = 0.digits × 10^point. Rust's `{:e}` gives the shortest, closest digits;
/// when two digit strings are equally close, ECMAScript takes the even one (Number::toString,
/// step 5), which Rust does not always do, so that case is settled here.
fn shortest_digits(n: f64) -> (String, i64) {
    let (mut digits, point) = scientific(&format!("{n:e}"));
    let last = digits.bytes().last().unwrap_or(b'0');
    if last % 2 == 1 {
        for neighbour in [last - 1, last + 1].into_iter().filter(u8::is_ascii_digit) {
            let mut candidate = digits.clone();
            candidate.pop();
            candidate.push(char::from(neighbour));
            // Both of two equally close digit strings read back as `n`: they are half a unit of
            // the last digit away, which is never exactly half a binary ulp (5 divides one only).
            if equally_close(n, &digits, &candidate, point) {
                digits = candidate;
                break;
            }
        }
    }
    (digits, point)
}

/// The digits of `d.ddde±x` text, and the point position (exponent + 1).
fn scientific(sci: &str) -> (String, i64) {
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
    (mantissa.chars().filter(char::is_ascii_digit).collect(), exponent.parse::<i64>().unwrap_or(0) + 1)
}

/// Whether `n` lies exactly halfway between two digit strings that differ in their last digit:
/// its exact decimal expansion is the lower one followed by a 5 and nothing else.
fn equally_close(n: f64, a: &str, b: &str, point: i64) -> bool {
    let Some((exact, exact_point)) = exact_decimal(n) else { return false };
    let exact = exact.trim_end_matches('0');
    exact_point == point && exact.strip_prefix(a.min(b)).is_some_and(|rest| rest == "5")
}

/// The exact decimal digits of `n` (positive, finite) and its point, when they fit in a u128.
/// A value whose shortest digits can tie ends in a 5 within 18 significant digits; with the
/// mantissa odd, that needs a binary exponent from -32 to 21, where they always fit.
fn exact_decimal(n: f64) -> Option<(String, i64)> {
    let bits = n.to_bits();
    let (fraction, biased) = (bits & ((1 << 52) - 1), ((bits >> 52) & 0x7FF) as i64);
    let (mut mantissa, mut exponent) = if biased == 0 { (fraction, -1074) } else { (fraction | (1 << 52), biased - 1075) };
    while mantissa != 0 && mantissa % 2 == 0 {
        mantissa /= 2;
        exponent += 1;
    }
    if !(-32..=21).contains(&exponent) {
        return None;
    }
    // n = mantissa × 2^exponent; below 1, that is mantissa × 5^-exponent / 10^-exponent.
    let (digits, shift) = if exponent >= 0 {
        (u128::from(mantissa) << exponent, 0)
    } else {
        (u128::from(mantissa) * 5u128.pow(exponent.unsigned_abs() as u32), exponent)
    };
    let digits = digits.to_string();
    let point = digits.len() as i64 + shift;
    Some((digits, point))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(n: f64) -> String {
        let mut out = String::new();
        write_js_number(&mut out, n);
        out
    }

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        for (n, expected) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-42.0, "-42"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123.456, "123.456"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (9007199254740993.0, "9007199254740992"),
            // Two 17-digit strings are equally close here; ECMAScript takes the even one.
            (1307935618241557.2, "1307935618241557.2"),
            (0.5, "0.5"),
            (2.5, "2.5"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(js(n), expected, "{n:e}");
        }
    }

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
