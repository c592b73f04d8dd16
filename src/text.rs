//! Building strings without `core::fmt`, whose machinery costs kilobytes of wasm per call site.

use crate::prelude::*;
/// The parts joined end to end.
pub fn cat(parts: &[&str]) -> String {
    parts.concat()
}

/// Appends `s` with each byte for which `special` holds written by `write` instead; the runs
/// between them are copied whole. `special` must hold only for ASCII bytes, so every cut falls on
/// a char boundary.
pub fn push_escaped(out: &mut String, s: &str, special: impl Fn(u8) -> bool, mut write: impl FnMut(&mut String, u8)) {
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        if special(b) {
            out.push_str(s.get(copied..i).unwrap_or(""));
            write(out, b);
            copied = i + 1;
        }
    }
    out.push_str(s.get(copied..).unwrap_or(""));
}

/// `n` in decimal.
pub fn int(mut n: usize) -> String {
    let mut digits = Vec::with_capacity(20);
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|&d| char::from(d)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_decimals() {
        for n in [0, 7, 10, 65_535, usize::MAX] {
            assert_eq!(super::int(n), n.to_string());
        }
        assert_eq!(super::cat(&["a", "", "bc"]), "abc");
        let mut out = String::from(">");
        super::push_escaped(&mut out, "é-a-中-", |b| b == b'-', |out, _| out.push_str("||"));
        assert_eq!(out, ">é||a||中||");
    }
}
