//! The redaction corpus (`vectors/redaction/echoes.json`, made by `scripts/redaction-corpus.mjs`
//! with Node's own encoders): replies that echo a credential back re-encoded, truncated or
//! re-cased. None may bring a run of 12 of its characters into an error or a result.

use aliyun_dm::parse_reply;
use aliyun_dm::redact::Redactor;
use serde_json::Value;

/// The shortest run of an echoed form that counts as a leak.
const LEAK_RUN: usize = 12;

/// The first run of `LEAK_RUN` characters of `echoed` found in `shown`, ignoring ASCII case.
fn leaked(echoed: &str, shown: &str) -> Option<String> {
    let shown = shown.to_ascii_lowercase();
    let echoed: Vec<char> = echoed.to_ascii_lowercase().chars().collect();
    let run = LEAK_RUN.min(echoed.len());
    echoed.windows(run).map(|w| w.iter().collect::<String>()).find(|w| shown.contains(w.as_str()))
}

#[test]
fn no_echo_of_a_credential_reaches_an_error_or_a_result() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/redaction/echoes.json")).unwrap();
    let corpus: Value = serde_json::from_str(&text).unwrap();
    let credentials = &corpus["credentials"];
    let redactor =
        Redactor::new([credentials["accessKeySecret"].as_str().unwrap(), credentials["securityToken"].as_str().unwrap()]);
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() > 400, "the corpus is whole");
    let mut leaks = Vec::new();
    for case in cases {
        let (name, body, echoed) =
            (case["name"].as_str().unwrap(), case["body"].as_str().unwrap(), case["echoed"].as_str().unwrap());
        let status = case["status"].as_u64().unwrap() as u16;
        let shown = match parse_reply(status, serde_json::from_str(body).ok(), body, &redactor) {
            Ok(result) => format!("{result:?}"),
            Err(error) => format!("{error} {:?} {}", error.data, serde_json::to_string(&error.data()).unwrap()),
        };
        if let Some(run) = leaked(echoed, &shown) {
            leaks.push(format!("{name}: {run:?}"));
        }
    }
    assert!(leaks.is_empty(), "{} of {} cases leaked:\n{}", leaks.len(), cases.len(), leaks.join("\n"));
}

#[test]
fn what_holds_no_credential_stays_readable() {
    let redactor =
        Redactor::new(["kX9vQ2mR7tLw4ZpN8cYh3BfJ6dGs1e", "CAISCzBVep/E6Q4zWH2ix+BwRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjL"]);
    let body = r#"{"Code":"InvalidMailAddress.NotFound","Message":"The specified mail address is not found. POST&%2F&AccessKeyId%3Dtestid%26Action%3DSingleSendMail","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}"#;
    let error = parse_reply(404, serde_json::from_str(body).ok(), body, &redactor).unwrap_err();
    let data = serde_json::to_value(error.data()).unwrap();
    assert_eq!(data["Code"], "InvalidMailAddress.NotFound");
    assert_eq!(data["RequestId"], "0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A");
    assert!(error.message.ends_with("POST&%2F&AccessKeyId%3Dtestid%26Action%3DSingleSendMail"), "{}", error.message);
}
