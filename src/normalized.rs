//! The validated config as the JS API returns it, for `validateConfig` and Logto's `configGuard`.

use crate::config::{Config, ContentType};
use crate::error::Issue;
use crate::template::Template;
use serde::Serialize;

/// The normalised config as the JS API returns it: defaults filled in, absent options left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NormalizedConfig<'a> {
    /// Absent for a role, whose credentials are fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key_secret: Option<&'a str>,
    /// Absent for the AccessKey pair, the default; a role's settings follow it.
    #[serde(skip_serializing_if = "Option::is_none")]
    credentials_source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    oidc_provider_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    oidc_token_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sts_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata_endpoint: Option<&'a str>,
    account_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_alias: Option<&'a str>,
    region_id: &'static str,
    network: &'static str,
    signature_version: &'static str,
    templates: &'a [Template],
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    open_platform_endpoint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    security_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_address_alias: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    click_trace: Option<bool>,
    reply_to_address: bool,
    content_type: &'static str,
    timeout_ms: u32,
    retries: u32,
    #[serde(skip_serializing_if = "<[(String, String)]>::is_empty", serialize_with = "serialize_pairs")]
    headers: &'a [(String, String)],
    #[serde(skip_serializing_if = "Option::is_none")]
    bcc_address: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip_pool_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    un_subscribe_link_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    un_subscribe_filter_level: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    delivery_event_headers: bool,
    #[serde(skip_serializing_if = "<[Issue]>::is_empty")]
    warnings: &'a [Issue],
}

/// Name-value pairs as one object.
fn serialize_pairs<S: serde::Serializer>(pairs: &&[(String, String)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(pairs.iter().map(|(name, value)| (name, value)))
}

impl Config {
    /// The normalised config, for `validateConfig` and Logto's `configGuard`.
    pub fn normalized(&self) -> NormalizedConfig<'_> {
        let keys = self.credentials_settings.source.needs_access_key();
        let role = self.role_settings();
        let role = role.as_ref();
        NormalizedConfig {
            access_key_id: keys.then(|| self.credentials.access_key_id()),
            access_key_secret: keys.then(|| self.credentials.secret()),
            credentials_source: role.map(|r| r.credentials_source),
            role_arn: role.and_then(|r| r.role_arn),
            role_name: role.and_then(|r| r.role_name),
            oidc_provider_arn: role.and_then(|r| r.oidc_provider_arn),
            oidc_token_file: role.and_then(|r| r.oidc_token_file),
            sts_endpoint: role.and_then(|r| r.sts_endpoint.clone()),
            metadata_endpoint: role.and_then(|r| r.metadata_endpoint),
            account_name: &self.account_name,
            from_alias: self.from_alias.as_deref(),
            region_id: self.region.id(),
            network: self.network.id(),
            signature_version: self.signature_version.id(),
            templates: &self.templates,
            endpoint: self.endpoint.as_deref(),
            open_platform_endpoint: self.open_platform_endpoint.as_deref(),
            security_token: self.credentials.security_token(),
            tag_name: self.tag_name.as_deref(),
            reply_address: self.reply_address.as_deref(),
            reply_address_alias: self.reply_address_alias.as_deref(),
            click_trace: self.click_trace,
            reply_to_address: self.reply_to_address,
            content_type: match self.content_type {
                ContentType::Html => "html",
                ContentType::Text => "text",
            },
            timeout_ms: self.timeout_ms,
            retries: self.retries,
            headers: &self.delivery.headers,
            bcc_address: self.delivery.bcc_address.as_deref(),
            ip_pool_id: self.delivery.ip_pool_id.as_deref(),
            un_subscribe_link_type: self.delivery.unsubscribe_link_type,
            un_subscribe_filter_level: self.delivery.unsubscribe_filter_level,
            delivery_event_headers: self.delivery.event_headers,
            warnings: &self.warnings,
        }
    }
}
