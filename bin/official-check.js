// What `@logto/connector-aliyun-dm` 1.6 would make of a config written for this package: what it
// refuses (so every send fails after a rollback) and what it ignores (so mail goes out without
// it). Its rules, read from its published `configGuard` (a zod object that strips unknown keys)
// and its sendMessage: the five keys it knows, each template `{usageType, subject, content}` as
// strings, the four required usage types, and the first template of a usage type wins.

const REGIONS = ['cn-hangzhou', 'ap-southeast-1', 'ap-southeast-2', 'eu-central-1', 'us-east-1'];
const REQUIRED_USAGE_TYPES = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];

/** What each setting the official connector does not know does here, and so what is lost. */
const IGNORED = {
  network: 'the region\'s public endpoint is used instead of its VPC one',
  endpoint: 'mail goes to the region\'s endpoint instead',
  securityToken: 'no SecurityToken is sent: STS temporary credentials fail to sign',
  signatureVersion: 'requests are signed with V2 (HMAC-SHA1)',
  contentType: 'bodies go as HTML (HtmlBody), and payload values are inserted unescaped',
  tagName: 'no TagName is sent',
  clickTrace: 'no ClickTrace is sent',
  replyToAddress: 'ReplyToAddress is always false',
  replyAddress: 'no reply address is sent',
  replyAddressAlias: 'no reply address is sent',
  timeoutMs: 'requests wait for got\'s own timeout',
  retries: 'nothing is retried',
  headers: 'no Headers are sent',
  deliveryEventHeaders: 'no X-User-Notify-Logto-* headers are sent',
  bccAddress: 'no BccAddress is sent',
  ipPoolId: 'no IpPoolId is sent',
  unSubscribeLinkType: 'no UnSubscribeLinkType is sent',
  unSubscribeFilterLevel: 'no UnSubscribeFilterLevel is sent',
  credentialsSource: 'no role is used: the config\'s AccessKey pair signs, and without one every send fails',
  roleArn: 'no role is assumed',
  roleName: 'no ECS role is used',
  oidcProviderArn: 'no RRSA role is used',
  oidcTokenFile: 'no RRSA role is used',
  stsEndpoint: 'STS is never called',
  metadataEndpoint: 'the metadata service is never called',
  openPlatformEndpoint: 'it sends no attachments, so it never asks for an upload',
};

const isString = (value) => typeof value === 'string';

/**
 * `{refused, ignored}`: each a list of `{path, message}`. A config with anything refused fails
 * every send in the official connector; what is ignored is dropped without a word there.
 */
export function officialVerdict(config) {
  const refused = [];
  const ignored = [];
  const refuse = (path, message) => refused.push({ path, message });
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    refuse('(config)', 'is not an object');
    return { refused, ignored };
  }
  for (const key of ['accessKeyId', 'accessKeySecret', 'accountName']) {
    if (!isString(config[key])) refuse(key, 'must be a string');
  }
  // zod's optional() takes undefined, not null.
  if ('regionId' in config && config.regionId !== undefined && !REGIONS.includes(config.regionId)) {
    refuse('regionId', `must be one of ${REGIONS.join(', ')}${config.regionId === null ? ' (null is refused)' : ''}`);
  }
  if ('fromAlias' in config && config.fromAlias !== undefined && !isString(config.fromAlias)) {
    refuse('fromAlias', `must be a string${config.fromAlias === null ? ' (null is refused)' : ''}`);
  }
  const templates = config.templates;
  if (!Array.isArray(templates)) {
    refuse('templates', 'must be an array');
  } else {
    const firstOfType = new Map();
    templates.forEach((template, i) => {
      const path = `templates[${i}]`;
      if (template === null || typeof template !== 'object') {
        refuse(path, 'must be an object');
        return;
      }
      for (const key of ['usageType', 'subject', 'content']) {
        if (!isString(template[key])) {
          const why = key !== 'usageType' && isString(template.templateId) ? ': a console template (templateId) needs subject and content there' : '';
          refuse(`${path}.${key}`, `must be a string${why}`);
        }
      }
      if (template.templateId !== undefined && isString(template.subject) && isString(template.content)) {
        ignored.push({ path: `${path}.templateId`, message: 'is ignored: the subject and content are sent instead' });
      }
      if (!isString(template.usageType)) return;
      const first = firstOfType.get(template.usageType);
      if (first === undefined) {
        firstOfType.set(template.usageType, i);
        if (template.locale !== undefined) {
          ignored.push({ path: `${path}.locale`, message: `is ignored: this template comes first for ${template.usageType}, so every ${template.usageType} mail uses it, whatever the recipient's language` });
        }
      } else if (template.locale !== undefined) {
        ignored.push({ path, message: `is never used: templates[${first}] comes first for ${template.usageType}, and locale is ignored` });
      }
    });
    const missing = REQUIRED_USAGE_TYPES.filter((type) => !templates.some((t) => t?.usageType === type));
    if (missing.length > 0) refuse('templates', `Template with UsageType (${missing.join(', ')}) should be provided!`);
  }
  for (const [key, loss] of Object.entries(IGNORED)) {
    if (config[key] !== undefined && config[key] !== null) ignored.push({ path: key, message: `is ignored: ${loss}` });
  }
  return { refused, ignored };
}
