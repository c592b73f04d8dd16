//! `vectors/types/fields.json` lists the fields the core reads and which of them it requires; the
//! TypeScript declarations are checked against the same file (js-tests/types.test.js). Here the
//! file is checked against the core: the names serde's derive lists for each raw type, a value
//! whose absence is refused for each required field, and one whose absence is not for each
//! optional field.

use aliyun_dm::{parse_config, parse_message, parse_options, RawConfig, RawMessage, RawOptions};
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::{json, Value};

/// A deserializer that records the field names a derived `Deserialize` asks for, then stops.
struct FieldNames(Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = Some(fields);
        Err(de::Error::custom("names read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

fn serde_fields<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    let mut names = FieldNames(None);
    let _ = T::deserialize(&mut names);
    let mut fields = names.0.expect("a struct").to_vec();
    fields.sort_unstable();
    fields
}

/// The entry for TypeScript type `ts`: its required and optional fields.
fn entry(ts: &str) -> (Vec<String>, Vec<String>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/types/fields.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let entry = file["types"].as_array().unwrap().iter().find(|t| t["ts"] == ts).unwrap_or_else(|| panic!("{ts} is listed"));
    let names = |key: &str| entry[key].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()).collect::<Vec<_>>();
    (names("required"), names("optional"))
}

fn all_sorted(required: &[String], optional: &[String]) -> Vec<String> {
    let mut all: Vec<String> = required.iter().chain(optional).cloned().collect();
    all.sort_unstable();
    all
}

fn templates() -> Value {
    json!(["SignIn", "Register", "ForgotPassword", "Generic"]
        .map(|usage| json!({"usageType": usage, "subject": "s", "content": "c"})))
}

/// A config with every field set, and valid.
fn full_config() -> Value {
    json!({
        "accessKeyId": "id", "accessKeySecret": "secret", "accountName": "noreply@mail.example.com",
        "fromAlias": "Acme", "regionId": "ap-southeast-1", "network": "public", "endpoint": "https://dm.example.com/",
        "securityToken": "token", "tagName": "t", "clickTrace": false, "replyToAddress": false,
        "replyAddress": "help@example.com", "replyAddressAlias": "Help", "contentType": "html", "timeoutMs": 5000,
        "retries": 1, "signatureVersion": "v2", "headers": {"X-User-A": "1"}, "bccAddress": "audit@example.com",
        "ipPoolId": "pool", "unSubscribeLinkType": "default", "unSubscribeFilterLevel": "mailfrom",
        "deliveryEventHeaders": true, "templates": templates(), "credentialsSource": "access-key",
        "roleArn": "acs:ram::1:role/mail", "roleName": "mail", "oidcProviderArn": "acs:ram::1:oidc-provider/ack",
        "oidcTokenFile": "/var/run/token", "stsEndpoint": "https://sts.example.com/",
        "metadataEndpoint": "http://127.0.0.1:8080/", "openPlatformEndpoint": "https://openplatform.example.com/",
    })
}

fn config(value: Value) -> Result<aliyun_dm::Config, aliyun_dm::Error> {
    parse_config(&serde_json::from_value::<RawConfig>(value).unwrap())
}

fn without(value: &Value, key: &str) -> Value {
    let mut value = value.clone();
    value.as_object_mut().unwrap().remove(key);
    value
}

#[test]
fn the_config_fields() {
    let (required, optional) = entry("AliyunDmConfig");
    assert_eq!(serde_fields::<RawConfig>(), all_sorted(&required, &optional), "RawConfig's fields");
    let full = full_config();
    assert!(config(full.clone()).is_ok());
    for key in &required {
        assert_eq!(config(without(&full, key)).unwrap_err().paths(), [key.as_str()], "{key} is required");
    }
    for key in &optional {
        assert!(config(without(&full, key)).is_ok(), "{key} is optional");
    }
}

#[test]
fn the_message_fields() {
    let (required, optional) = entry("SendMessageData");
    assert_eq!(serde_fields::<RawMessage>(), all_sorted(&required, &optional), "RawMessage's fields");
    let full = json!({"to": "a@b.c", "type": "SignIn", "payload": {"code": "1"}});
    let message = |value: Value| parse_message(serde_json::from_value::<RawMessage>(value).unwrap());
    for key in &required {
        assert_eq!(message(without(&full, key)).unwrap_err().paths(), [key.as_str()], "{key} is required");
    }
    for key in &optional {
        assert!(message(without(&full, key)).is_ok(), "{key} is optional");
    }
}

fn options(value: Value) -> Result<aliyun_dm::Options, aliyun_dm::Error> {
    let config = config(full_config()).unwrap();
    parse_options(serde_json::from_value::<RawOptions>(value).unwrap(), "options.", &config)
}

#[test]
fn the_option_fields() {
    let (required, optional) = entry("BuildOptions");
    assert_eq!(serde_fields::<RawOptions>(), all_sorted(&required, &optional), "RawOptions' fields");
    assert!(required.is_empty());
    let full = json!({
        "template": {"subject": "s", "content": "c"}, "nonce": "n", "timestamp": "2026-01-01T00:00:00Z",
        "endpoint": "https://dm.example.com/", "timeoutMs": 1000, "retries": 0, "fromAlias": "A",
        "replyTo": "help@example.com", "tagName": "t", "headers": {"X-User-A": "1"},
        "bccAddress": "b@example.com", "templateId": "1001",
        "attachments": [{"name": "a.pdf", "url": "http://b.oss-cn-hangzhou.aliyuncs.com/k"}], "idempotencyKey": "k-1",
    });
    assert!(options(full.clone()).is_ok());
    for key in &optional {
        assert!(options(without(&full, key)).is_ok(), "{key} is optional");
    }
}

/// Fields read from a loose value rather than a serde struct: without a required one, the value
/// with only the required fields is refused; each optional one given a number is refused by name,
/// which shows it is read.
fn check_loose(ts: &str, full: Value, parse: impl Fn(Value) -> Result<(), Vec<String>>, path: &str) {
    let (required, optional) = entry(ts);
    assert_eq!(parse(full.clone()), Ok(()), "{ts}: every field set");
    let minimal = optional.iter().fold(full.clone(), |value, key| without(&value, key));
    assert_eq!(parse(minimal.clone()), Ok(()), "{ts}: the required fields alone");
    for key in &required {
        assert!(parse(without(&minimal, key)).is_err(), "{ts}: {key} is required");
    }
    for key in &optional {
        assert_eq!(parse(without(&full, key)), Ok(()), "{ts}: {key} is optional");
        let mut wrong = full.clone();
        wrong[key.as_str()] = json!(1);
        assert_eq!(parse(wrong), Err(vec![format!("{path}.{key}")]), "{ts}: {key} is read");
    }
}

#[test]
fn the_i18n_template_fields() {
    let full =
        json!({"subject": "s", "content": "c", "sendFrom": "Acme", "replyTo": "help@example.com", "contentType": "text/html"});
    let parse = |template: Value| {
        options(json!({ "template": template })).map(|_| ()).map_err(|e| e.paths().iter().map(|p| p.to_string()).collect())
    };
    check_loose("EmailTemplate", full, parse, "options.template");
}

#[test]
fn the_config_template_fields() {
    let parse = |template: Value| {
        let mut all = templates();
        all.as_array_mut().unwrap().insert(0, template);
        let mut value = full_config();
        value["templates"] = all;
        config(value).map(|_| ()).map_err(|e| e.paths().iter().map(|p| p.to_string()).collect())
    };
    check_loose(
        "TextTemplate",
        json!({"usageType": "SignIn", "locale": "fr", "subject": "s", "content": "c"}),
        parse,
        "templates[0]",
    );
    let console = json!({"usageType": "SignIn", "locale": "fr", "templateId": "1001", "subject": "s", "content": "c"});
    check_loose("ConsoleTemplate", console, parse, "templates[0]");
}
