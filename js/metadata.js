// What Logto shows for this connector: the same id and target as @logto/connector-aliyun-dm, which
// this package replaces (Logto cannot load two connectors with one id).

const regions = [
  ['cn-hangzhou', 'China (Hangzhou)'],
  ['ap-southeast-1', 'Singapore'],
  ['ap-southeast-2', 'Australia (Sydney)'],
  ['eu-central-1', 'Germany (Frankfurt)'],
  ['us-east-1', 'US (Virginia)'],
];

const codeTemplate = (usageType, subject, purpose) => ({
  usageType,
  subject,
  content: `<p>Your ${purpose} code is <strong>{{code}}</strong>. It expires in 10 minutes.</p>`,
});

/** One default template per usage type Logto sends. */
export const defaultTemplates = [
  codeTemplate('SignIn', 'Your sign-in code', 'sign-in verification'),
  codeTemplate('Register', 'Your sign-up code', 'sign-up verification'),
  codeTemplate('ForgotPassword', 'Reset your password', 'password reset'),
  {
    usageType: 'OrganizationInvitation',
    subject: 'You are invited to an organization',
    content: '<p>You have been invited to join an organization. Accept the invitation: <a href="{{link}}">{{link}}</a></p>',
  },
  codeTemplate('Generic', 'Your verification code', 'verification'),
  codeTemplate('UserPermissionValidation', 'Confirm it is you', 'permission validation'),
  codeTemplate('BindNewIdentifier', 'Confirm your new email', 'new identifier binding'),
  codeTemplate('MfaVerification', 'Your 2-step verification code', '2-step verification'),
  codeTemplate('BindMfa', 'Set up 2-step verification', '2-step verification setup'),
];

/** The connector metadata Logto reads: names, description, logo, readme and the Console form. */
export const metadata = Object.freeze({
  id: 'aliyun-direct-mail',
  target: 'aliyun-dm',
  platform: null,
  name: {
    en: 'Aliyun Direct Mail',
    'zh-CN': '阿里云邮件推送',
    'tr-TR': 'Aliyun Direct Mail',
    ko: 'Aliyun 다이렉트 메일',
  },
  logo: './logo.svg',
  logoDark: null,
  description: {
    en: 'Send verification emails through Aliyun DirectMail, from Node or edge workers.',
    'zh-CN': '通过阿里云邮件推送发送验证邮件，可运行于 Node 与边缘环境。',
    'tr-TR': 'Doğrulama e-postalarını Aliyun DirectMail ile gönderin; Node ve edge ortamlarında çalışır.',
    ko: 'Aliyun DirectMail로 인증 이메일을 보냅니다. Node와 엣지 환경에서 동작합니다.',
  },
  // What the Console's guide panel shows: for operators, and short.
  readme: './docs/logto-console.md',
  formItems: [
    {
      key: 'credentialsSource',
      label: 'Credentials / 凭据来源',
      type: 'Select',
      required: false,
      defaultValue: 'access-key',
      selectItems: [
        { value: 'access-key', title: 'AccessKey pair (AccessKey 密钥对)' },
        { value: 'assume-role', title: 'RAM role assumed with the AccessKey pair (STS AssumeRole)' },
        { value: 'ecs-ram-role', title: 'RAM role of the ECS instance (ECS 实例 RAM 角色)' },
        { value: 'oidc-role', title: 'RRSA in ACK: the pod’s OIDC role (ACK RRSA)' },
      ],
      description:
        'A role’s temporary credentials are fetched at each send; ecs-ram-role and oidc-role need no AccessKey. ' +
        '角色的临时凭据在每次发送时获取；ecs-ram-role 与 oidc-role 无需 AccessKey。',
    },
    // Not required by the form: a role needs no key. The connector names a missing one for access-key and assume-role.
    {
      key: 'accessKeyId',
      label: 'Access Key ID',
      type: 'Text',
      required: false,
      placeholder: '<access-key-id>',
      description: 'Required with access-key and assume-role. access-key 与 assume-role 必填。',
    },
    {
      key: 'accessKeySecret',
      label: 'Access Key Secret',
      type: 'Text',
      required: false,
      isConfidential: true,
      placeholder: '<access-key-secret>',
      description: 'Required with access-key and assume-role. access-key 与 assume-role 必填。',
    },
    ...[
      ['assume-role', 'roleArn', 'Role ARN', 'acs:ram::<account-id>:role/<role-name>', 'The RAM role to assume. 要扮演的 RAM 角色。'],
      ['assume-role', 'stsEndpoint', 'STS Endpoint', 'https://sts.aliyuncs.com/', 'Default: sts.aliyuncs.com, or the region’s sts-vpc host on the VPC network.'],
      ['ecs-ram-role', 'roleName', 'RAM Role Name', '<role-name>', 'Default: the role attached to the instance. 默认为实例绑定的角色。'],
      ['ecs-ram-role', 'metadataEndpoint', 'Metadata Endpoint', 'http://100.100.100.200/', 'Default: the ECS metadata service.'],
      ['oidc-role', 'oidcProviderArn', 'OIDC Provider ARN', 'acs:ram::<account-id>:oidc-provider/<name>', 'Default: ALIBABA_CLOUD_OIDC_PROVIDER_ARN, set by ACK; the role comes from ALIBABA_CLOUD_ROLE_ARN.'],
      ['oidc-role', 'oidcTokenFile', 'OIDC Token File', '/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token', 'Default: ALIBABA_CLOUD_OIDC_TOKEN_FILE, set by ACK.'],
    ].map(([source, key, label, placeholder, description]) => ({
      key,
      label,
      type: 'Text',
      required: false,
      placeholder,
      description,
      showConditions: [{ targetKey: 'credentialsSource', expectValue: source }],
    })),
    {
      key: 'regionId',
      label: 'Region',
      type: 'Select',
      required: false,
      defaultValue: 'cn-hangzhou',
      selectItems: regions.map(([value, title]) => ({ value, title })),
      description: 'The DirectMail region where the sender address is set up.',
    },
    {
      key: 'network',
      label: 'Network',
      type: 'Select',
      required: false,
      defaultValue: 'public',
      selectItems: [
        { value: 'public', title: 'Public internet' },
        { value: 'vpc', title: "Aliyun VPC (Logto runs inside Aliyun's network)" },
      ],
      description: 'vpc sends to the region’s dm-vpc endpoint, reachable only from inside Aliyun in that region.',
    },
    {
      key: 'accountName',
      label: 'Account Name',
      type: 'Text',
      required: true,
      placeholder: 'noreply@mail.example.com',
      description: 'The sender address configured in the DirectMail console.',
    },
    { key: 'fromAlias', label: 'From Alias', type: 'Text', required: false, placeholder: '<from-alias>' },
    {
      key: 'endpoint',
      label: 'Endpoint',
      type: 'Text',
      required: false,
      placeholder: 'https://dm.aliyuncs.com/',
      description: "Overrides the region's endpoint: https, or http to a loopback address (a local emulator).",
    },
    {
      key: 'templates',
      label: 'Templates',
      type: 'Json',
      required: true,
      defaultValue: defaultTemplates,
      description:
        'One per usage type, with subject and content; or a templateId approved in the DirectMail console in their place. Add locale (such as fr or zh-CN) for a language. ' +
        '每个用途一个模板，含 subject 与 content；也可用 DirectMail 控制台审核通过的 templateId 代替。加 locale（如 fr、zh-CN）可按语言区分。',
    },
    {
      key: 'securityToken',
      label: 'STS Security Token',
      type: 'Text',
      required: false,
      isConfidential: true,
      description: 'Only with temporary STS credentials: sent as SecurityToken.',
    },
    {
      key: 'contentType',
      label: 'Body Type',
      type: 'Select',
      required: false,
      defaultValue: 'html',
      selectItems: [
        { value: 'html', title: 'HTML (values are HTML-escaped)' },
        { value: 'text', title: 'Plain text' },
      ],
    },
    {
      key: 'tagName',
      label: 'Email Tag',
      type: 'Text',
      required: false,
      placeholder: 'verification',
      description: 'A tag set up in the DirectMail console, for its statistics: 1 to 128 letters, digits, _ or -.',
    },
    { key: 'clickTrace', label: 'Click Tracking', type: 'Switch', required: false, defaultValue: false },
    {
      key: 'replyToAddress',
      label: 'Use the Console Reply-To Address',
      type: 'Switch',
      required: false,
      defaultValue: false,
      description: 'Replies go to the reply-to address set for the sender in the DirectMail console.',
    },
    { key: 'replyAddress', label: 'Reply-To Address', type: 'Text', required: false, placeholder: 'support@example.com' },
    { key: 'replyAddressAlias', label: 'Reply-To Name', type: 'Text', required: false },
    {
      key: 'signatureVersion',
      label: 'Signature Version / 签名版本',
      type: 'Select',
      required: false,
      defaultValue: 'v2',
      selectItems: [
        { value: 'v2', title: 'V2: HMAC-SHA1, as the official connector (与官方连接器相同)' },
        { value: 'v3', title: 'V3: ACS3-HMAC-SHA256, as Aliyun SDKs sign now (阿里云 SDK 现行签名)' },
      ],
      description: 'How requests are signed. 请求的签名方式。',
    },
    {
      key: 'headers',
      label: 'Mail Headers / 邮件头',
      type: 'Json',
      required: false,
      // The Console's JSON editor refuses an empty value, which kept the create guide from submitting.
      defaultValue: {},
      description:
        'Up to 10: Message-ID, List-Unsubscribe, List-Unsubscribe-Post, or names starting X-User-; X-User-Notify- ones come back with delivery events. ' +
        '最多 10 个：Message-ID、List-Unsubscribe、List-Unsubscribe-Post，或以 X-User- 开头的自定义头；X-User-Notify- 开头的会随投递事件推送。',
    },
    {
      key: 'deliveryEventHeaders',
      label: 'Tie Delivery Events to Logto / 投递事件关联 Logto',
      type: 'Switch',
      required: false,
      defaultValue: false,
      description:
        'Adds X-User-Notify-Logto-Usage-Type, -Application-Id and -User-Id, which DirectMail pushes with delivery and bounce events (EventBridge, MNS). ' +
        '添加 X-User-Notify-Logto-Usage-Type、-Application-Id、-User-Id 邮件头，DirectMail 会随投递与退信事件推送（EventBridge、MNS）。',
    },
    {
      key: 'bccAddress',
      label: 'BCC / 密送',
      type: 'Text',
      required: false,
      placeholder: 'audit@example.com',
      description: 'One or two addresses, comma-separated. 一到两个地址，以逗号分隔。',
    },
    {
      key: 'ipPoolId',
      label: 'Dedicated IP Pool ID / 独立 IP 池 ID',
      type: 'Text',
      required: false,
      description: 'Sends through a dedicated IP pool bought in DirectMail. 通过在 DirectMail 购买的独立 IP 池发信。',
    },
    {
      key: 'unSubscribeLinkType',
      label: 'Unsubscribe Link / 退订链接',
      type: 'Select',
      required: false,
      selectItems: [
        { value: 'disabled', title: 'disabled: no link (不生成)' },
        { value: 'default', title: 'default: DirectMail’s policy (默认策略)' },
      ],
      description: 'Whether DirectMail adds an unsubscribe link. 是否由 DirectMail 生成退订链接。',
    },
    {
      key: 'unSubscribeFilterLevel',
      label: 'Unsubscribe Filter / 退订过滤级别',
      type: 'Select',
      required: false,
      selectItems: [
        { value: 'disabled', title: 'disabled: no filtering (不过滤)' },
        { value: 'default', title: 'default: DirectMail’s policy (默认策略)' },
        { value: 'mailfrom', title: 'mailfrom: per sender address (发信地址级)' },
        { value: 'mailfrom_domain', title: 'mailfrom_domain: per sender domain (发信域名级)' },
        { value: 'edm_id', title: 'edm_id: per account (账号级)' },
      ],
      description: 'Which unsubscribed recipients DirectMail skips. DirectMail 按哪一级过滤已退订的收件人。',
    },
    { key: 'timeoutMs', label: 'Timeout (ms)', type: 'Number', required: false, defaultValue: 10000, description: 'Per request, 100 to 120000.' },
    {
      key: 'retries',
      label: 'Retries',
      type: 'Number',
      required: false,
      defaultValue: 0,
      description: 'Up to 3, only after throttling or a connection that never opened, so no mail is sent twice.',
    },
  ],
});
