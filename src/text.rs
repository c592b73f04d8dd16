//! Building strings without `core::fmt`, whose machinery costs kilobytes of wasm per call site.

use crate::prelude::*;
/// The parts joined end to end.
pub fn cat(parts: &[&str]) -> String {
    parts.concat()
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
    }
}
