//! Where a config's credentials come from: its own AccessKey pair, or a RAM role whose temporary
//! credentials the JS layer fetches (STS `AssumeRole`, an ECS instance's role, or RRSA's
//! `AssumeRoleWithOIDC`). The core validates the choice and its settings; it signs mail only with
//! an AccessKey pair, so a role's config is signed with the credentials fetched for it.

use crate::config::{Config, Network, Region};
use crate::endpoint::parse_endpoint;
use crate::error::Issues;
use crate::fields::optional_string;
use crate::value::Value;
use serde::Serialize;

/// STS's public endpoint, which every region's role can use.
const STS_PUBLIC_ENDPOINT: &str = "https://sts.aliyuncs.com/";
/// The ECS instance metadata service, reachable from inside an instance only.
const METADATA_ENDPOINT: &str = "http://100.100.100.200/";

/// Where the credentials come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialsSource {
    /// The config's `accessKeyId` and `accessKeySecret` (and `securityToken`): the default.
    AccessKey,
    /// STS `AssumeRole` of `roleArn`, signed with the config's AccessKey pair as the base key.
    AssumeRole { role_arn: String },
    /// The RAM role of the ECS instance Logto runs on, from its metadata service; `roleName`
    /// defaults to the instance's role.
    EcsRamRole { role_name: Option<String> },
    /// RRSA in ACK: STS `AssumeRoleWithOIDC` with the pod's token. Each setting defaults to the
    /// `ALIBABA_CLOUD_*` variable ACK sets, read by the JS layer.
    OidcRole { role_arn: Option<String>, oidc_provider_arn: Option<String>, oidc_token_file: Option<String> },
}

impl CredentialsSource {
    /// The name the config uses.
    pub fn id(&self) -> &'static str {
        match self {
            CredentialsSource::AccessKey => "access-key",
            CredentialsSource::AssumeRole { .. } => "assume-role",
            CredentialsSource::EcsRamRole { .. } => "ecs-ram-role",
            CredentialsSource::OidcRole { .. } => "oidc-role",
        }
    }

    /// Whether the config's `accessKeyId` and `accessKeySecret` are required: as the signing key,
    /// or as the base key that assumes the role.
    pub fn needs_access_key(&self) -> bool {
        matches!(self, CredentialsSource::AccessKey | CredentialsSource::AssumeRole { .. })
    }

    /// Whether the source asks STS for the credentials.
    pub fn uses_sts(&self) -> bool {
        matches!(self, CredentialsSource::AssumeRole { .. } | CredentialsSource::OidcRole { .. })
    }
}

/// The source and where its credentials are fetched from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsSettings {
    pub source: CredentialsSource,
    /// An STS endpoint that replaces the default, such as a local emulator.
    pub sts_endpoint: Option<String>,
    /// A metadata service endpoint that replaces ECS's, such as a local emulator.
    pub metadata_endpoint: Option<String>,
}

impl CredentialsSettings {
    /// The STS endpoint: the override, else the region's VPC endpoint on `vpc`, else the public one.
    pub fn sts_endpoint(&self, region: Region, network: Network) -> Option<String> {
        if !self.source.uses_sts() {
            return None;
        }
        Some(match (&self.sts_endpoint, network) {
            (Some(endpoint), _) => endpoint.clone(),
            (None, Network::Vpc) => format!("https://sts-vpc.{}.aliyuncs.com/", region.id()),
            (None, Network::Public) => STS_PUBLIC_ENDPOINT.to_owned(),
        })
    }

    /// The metadata service endpoint, for an ECS role only.
    pub fn metadata_endpoint(&self) -> Option<&str> {
        match self.source {
            CredentialsSource::EcsRamRole { .. } => Some(self.metadata_endpoint.as_deref().unwrap_or(METADATA_ENDPOINT)),
            _ => None,
        }
    }
}

/// A role's settings, as the JS layer reads them to fetch its credentials: the source, the base
/// key for `assume-role`, the role's names, and the endpoints filled in.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleSettings<'a> {
    pub credentials_source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_secret: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oidc_provider_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oidc_token_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sts_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_endpoint: Option<&'a str>,
}

impl Config {
    /// The role's settings; `None` for the config's own AccessKey pair.
    pub fn role_settings(&self) -> Option<RoleSettings<'_>> {
        let settings = &self.credentials_settings;
        let (role_arn, role_name, oidc_provider_arn, oidc_token_file) = match &settings.source {
            CredentialsSource::AccessKey => return None,
            CredentialsSource::AssumeRole { role_arn } => (Some(role_arn.as_str()), None, None, None),
            CredentialsSource::EcsRamRole { role_name } => (None, role_name.as_deref(), None, None),
            CredentialsSource::OidcRole { role_arn, oidc_provider_arn, oidc_token_file } => {
                (role_arn.as_deref(), None, oidc_provider_arn.as_deref(), oidc_token_file.as_deref())
            }
        };
        // Only assume-role reads the config's keys: they are its base key.
        let base = settings.source.needs_access_key().then_some(&self.credentials);
        Some(RoleSettings {
            credentials_source: settings.source.id(),
            access_key_id: base.map(|c| c.access_key_id()),
            access_key_secret: base.map(|c| c.secret()),
            security_token: base.and_then(|c| c.security_token()),
            role_arn,
            role_name,
            oidc_provider_arn,
            oidc_token_file,
            sts_endpoint: settings.sts_endpoint(self.region, self.network),
            metadata_endpoint: settings.metadata_endpoint(),
        })
    }
}

/// The config's credential fields, as they arrive.
pub struct RawCredentialsSettings<'a> {
    pub credentials_source: Option<&'a Value>,
    pub role_arn: Option<&'a Value>,
    pub role_name: Option<&'a Value>,
    pub oidc_provider_arn: Option<&'a Value>,
    pub oidc_token_file: Option<&'a Value>,
    pub sts_endpoint: Option<&'a Value>,
    pub metadata_endpoint: Option<&'a Value>,
}

/// Reads the source and its settings, recording each problem under its field; a setting the
/// chosen source does not read is a warning, since the Console keeps a hidden field's value.
pub fn parse_credentials_settings(
    raw: &RawCredentialsSettings,
    issues: &mut Issues,
    warnings: &mut Issues,
) -> CredentialsSettings {
    let name = optional_string(raw.credentials_source, "credentialsSource", issues);
    let role_arn = optional_string(raw.role_arn, "roleArn", issues);
    let role_name = optional_string(raw.role_name, "roleName", issues);
    let oidc_provider_arn = optional_string(raw.oidc_provider_arn, "oidcProviderArn", issues);
    let oidc_token_file = optional_string(raw.oidc_token_file, "oidcTokenFile", issues);
    let endpoint = |value: Option<&Value>, key: &str, issues: &mut Issues| {
        optional_string(value, key, issues).and_then(|e| parse_endpoint(&e).map_err(|why| issues.push(key, why)).ok())
    };
    let sts_endpoint = endpoint(raw.sts_endpoint, "stsEndpoint", issues);
    let metadata_endpoint = endpoint(raw.metadata_endpoint, "metadataEndpoint", issues);
    for (key, value) in [("roleArn", &role_arn), ("oidcProviderArn", &oidc_provider_arn)] {
        if value.as_deref().is_some_and(|arn| !arn.starts_with("acs:ram::")) {
            issues.push(key, "must be an ARN, such as acs:ram::<account-id>:role/<role-name>");
        }
    }
    let source = match name.as_deref() {
        None | Some("access-key") => CredentialsSource::AccessKey,
        Some("assume-role") => match role_arn.clone() {
            Some(role_arn) => CredentialsSource::AssumeRole { role_arn },
            None => {
                issues.push("roleArn", "is required with credentialsSource assume-role: the ARN of the RAM role to assume");
                CredentialsSource::AssumeRole { role_arn: String::new() }
            }
        },
        Some("ecs-ram-role") => CredentialsSource::EcsRamRole { role_name: role_name.clone() },
        Some("oidc-role") => CredentialsSource::OidcRole {
            role_arn: role_arn.clone(),
            oidc_provider_arn: oidc_provider_arn.clone(),
            oidc_token_file: oidc_token_file.clone(),
        },
        Some(_) => {
            issues.push("credentialsSource", "must be access-key, assume-role, ecs-ram-role or oidc-role");
            CredentialsSource::AccessKey
        }
    };
    let settings = CredentialsSettings { source, sts_endpoint, metadata_endpoint };
    let read: &[&str] = match settings.source {
        CredentialsSource::AccessKey => &[],
        CredentialsSource::AssumeRole { .. } => &["roleArn", "stsEndpoint"],
        CredentialsSource::EcsRamRole { .. } => &["roleName", "metadataEndpoint"],
        CredentialsSource::OidcRole { .. } => &["roleArn", "oidcProviderArn", "oidcTokenFile", "stsEndpoint"],
    };
    for (key, given) in [
        ("roleArn", raw.role_arn),
        ("roleName", raw.role_name),
        ("oidcProviderArn", raw.oidc_provider_arn),
        ("oidcTokenFile", raw.oidc_token_file),
        ("stsEndpoint", raw.sts_endpoint),
        ("metadataEndpoint", raw.metadata_endpoint),
    ] {
        if given.is_some() && !read.contains(&key) {
            warnings.push(key, format!("is not used with credentialsSource {}", settings.source.id()));
        }
    }
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(fields: &[(&str, &str)]) -> (CredentialsSettings, Issues, Issues) {
        let value = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| Value::String((*v).to_owned()));
        let values: Vec<Option<Value>> =
            ["credentialsSource", "roleArn", "roleName", "oidcProviderArn", "oidcTokenFile", "stsEndpoint", "metadataEndpoint"]
                .into_iter()
                .map(value)
                .collect();
        let raw = RawCredentialsSettings {
            credentials_source: values[0].as_ref(),
            role_arn: values[1].as_ref(),
            role_name: values[2].as_ref(),
            oidc_provider_arn: values[3].as_ref(),
            oidc_token_file: values[4].as_ref(),
            sts_endpoint: values[5].as_ref(),
            metadata_endpoint: values[6].as_ref(),
        };
        let (mut issues, mut warnings) = (Issues::default(), Issues::default());
        let settings = parse_credentials_settings(&raw, &mut issues, &mut warnings);
        (settings, issues, warnings)
    }

    #[test]
    fn sts_endpoint_follows_the_network_unless_overridden() {
        let (settings, issues, _) = parse(&[("credentialsSource", "assume-role"), ("roleArn", "acs:ram::1:role/mail")]);
        assert!(issues.0.is_empty());
        assert_eq!(settings.sts_endpoint(Region::EuCentral1, Network::Public).as_deref(), Some("https://sts.aliyuncs.com/"));
        assert_eq!(
            settings.sts_endpoint(Region::EuCentral1, Network::Vpc).as_deref(),
            Some("https://sts-vpc.eu-central-1.aliyuncs.com/")
        );
        assert_eq!(settings.metadata_endpoint(), None);
        let (ecs, _, _) = parse(&[("credentialsSource", "ecs-ram-role")]);
        assert_eq!(ecs.sts_endpoint(Region::CnHangzhou, Network::Public), None);
        assert_eq!(ecs.metadata_endpoint(), Some("http://100.100.100.200/"));
    }

    #[test]
    fn a_setting_the_source_does_not_read_is_a_warning() {
        let (_, issues, warnings) = parse(&[("roleName", "mail"), ("stsEndpoint", "https://sts.example.com")]);
        assert!(issues.0.is_empty());
        let paths: Vec<&str> = warnings.0.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(paths, ["roleName", "stsEndpoint"]);
    }
}
