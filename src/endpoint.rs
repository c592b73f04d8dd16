//! An endpoint override: https anywhere, plain http only to loopback (a local emulator).

use crate::limits::MAX_FIELD_BYTES;

/// Checks an endpoint override and returns it with a `/` path when it had none.
pub fn parse_endpoint(url: &str) -> Result<String, String> {
    if url.len() > MAX_FIELD_BYTES {
        return Err(format!("must be at most {MAX_FIELD_BYTES} bytes"));
    }
    if url.bytes().any(|b| b <= b' ' || b == 0x7F || b >= 0x80) {
        return Err("must be an absolute URL without spaces or control characters".into());
    }
    let (https, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
        (true, rest)
    } else if let Some(rest) = strip_prefix_ignore_case(url, "http://") {
        (false, rest)
    } else {
        return Err("must start with https:// (or http:// for a loopback address)".into());
    };
    // Every byte is now printable ASCII, so any byte index is a char boundary.
    let authority_end = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
    let (authority, path) = (rest.get(..authority_end).unwrap_or(rest), rest.get(authority_end..).unwrap_or(""));
    if authority.bytes().any(|b| b == b'@') {
        return Err("must not contain credentials".into());
    }
    let (host, port) = split_host_port(authority).ok_or("has an invalid host or port")?;
    if host.is_empty() {
        return Err("has no host".into());
    }
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err("has an invalid port".into());
    }
    if !https && !is_loopback(host) {
        return Err("must use https unless the host is loopback (127.0.0.0/8, ::1, localhost)".into());
    }
    if path.bytes().any(|b| matches!(b, b'?' | b'#')) {
        return Err("must not have a query or fragment".into());
    }
    let mut normalized = url.to_owned();
    if path.is_empty() {
        normalized.push('/');
    }
    Ok(normalized)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| s.get(prefix.len()..)).flatten()
}

/// `s` split at the first `byte` (an ASCII one, so both halves are on char boundaries).
fn split_at_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == byte)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Splits `host[:port]` or `[v6][:port]`.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = split_at_byte(v6, b']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match split_at_byte(authority, b':') {
        Some((host, port)) => Some((host, Some(port))),
        None => Some((authority, None)),
    }
}

/// `localhost`, `::1`, or a dotted-decimal address in 127.0.0.0/8.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "::1" {
        return true;
    }
    let is_octet = |o: &[u8]| {
        (1..=3).contains(&o.len())
            && o.iter().all(u8::is_ascii_digit)
            && o.iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0')) <= 255
    };
    let mut octets = host.as_bytes().split(|&b| b == b'.');
    octets.next() == Some(b"127".as_slice()) && octets.clone().count() == 3 && octets.all(is_octet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_allows_https_or_loopback_http_only() {
        assert_eq!(parse_endpoint("https://dm.example.com").unwrap(), "https://dm.example.com/");
        assert_eq!(parse_endpoint("http://127.0.0.1:8080/").unwrap(), "http://127.0.0.1:8080/");
        assert!(parse_endpoint("http://[::1]:80/x").is_ok());
        assert!(parse_endpoint("http://localhost:1").is_ok());
        assert!(parse_endpoint("http://127.255.0.9/").is_ok());
        for bad in [
            "http://example.com/",
            "http://127.0.0.1@evil.com/",
            "http://127.0.0.1.evil.com/",
            "ftp://127.0.0.1/",
            "https://",
            "https://h:99999999/",
            "https://h/?q",
            "https://h /",
            "http://[::1/",
            "http://127.0.0.256/",
            "http://127.+0.0.1/",
            "http://127.0.1/",
            "http://127..0.1/",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad} should be refused");
        }
    }
}
