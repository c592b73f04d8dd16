// The mail client's declarations (connector-aliyun-dm-wasm/client), one file for every runtime. The
// CommonJS copy (lib/client.d.cts) is emitted from this file by tsc (scripts/setup.mjs), so every
// declaration is written as one that a TypeScript source may hold. Nothing here needs Logto's types.

// `Symbol.dispose`, as @types/node and TypeScript's esnext.disposable declare it, so that
// `DirectMail` is disposable whatever `lib` a project compiles with.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** Logto `ConnectorErrorCodes` strings this package throws. */
export type ConnectorErrorCode =
  | 'general'
  | 'invalid_config'
  | 'invalid_request_parameters'
  | 'invalid_response'
  | 'template_not_found'
  | 'rate_limit_exceeded'
  | 'usage_limit_exceeded';

/** DirectMail regions; `cn-hangzhou` is the default. */
export type RegionId = 'cn-hangzhou' | 'ap-southeast-1' | 'ap-southeast-2' | 'eu-central-1' | 'us-east-1';

/** A mail template: a subject and content (HTML with `{{placeholders}}`) for a usage type. */
export interface TextTemplate {
  usageType: string;
  /** Only for this Logto locale (`fr`, `zh-CN`), or its language; without it, for any. */
  locale?: string;
  subject: string;
  content: string;
}

/**
 * A template approved in the DirectMail console, sent as `Template` in place of subject and body;
 * its `TemplateData` is the payload's scalar values, nested ones under dotted keys.
 */
export interface ConsoleTemplate {
  usageType: string;
  /** Only for this Logto locale (`fr`, `zh-CN`), or its language; without it, for any. */
  locale?: string;
  templateId: string;
  subject?: string;
  content?: string;
}

/** One config template. */
export type Template = TextTemplate | ConsoleTemplate;

/** Headers DirectMail takes in `Headers`: the standard three, or `X-User-…` names. */
export type MailHeaderName = 'Message-ID' | 'List-Unsubscribe' | 'List-Unsubscribe-Post' | `X-User-${string}`;

/** The connector config, as pasted into the Logto Console. */
export interface AliyunDmConfig {
  accessKeyId: string;
  accessKeySecret: string;
  /** The sender address set up in the DirectMail console. */
  accountName: string;
  fromAlias?: string;
  regionId?: RegionId;
  /** `public` (default) or `vpc`: the region's `dm-vpc` endpoint, reachable only from inside Aliyun. */
  network?: 'public' | 'vpc';
  /** Overrides the region's endpoint: https, or http to a loopback address. */
  endpoint?: string;
  /** Must hold Register, SignIn, ForgotPassword and Generic. */
  templates: Template[];
  /** With STS temporary credentials: sent as `SecurityToken`. */
  securityToken?: string;
  /** `html` (default: HtmlBody, values HTML-escaped) or `text` (TextBody). */
  contentType?: 'html' | 'text';
  /** A DirectMail email tag: 1–128 letters, digits, `_` or `-`. */
  tagName?: string;
  clickTrace?: boolean;
  /** Replies go to the reply-to address set for the sender in the DM console. */
  replyToAddress?: boolean;
  replyAddress?: string;
  replyAddressAlias?: string;
  /** Per-request timeout, 100–120000 ms; default 10000. */
  timeoutMs?: number;
  /** 0–3; only throttling and connections that never opened are retried. */
  retries?: number;
  /** `v2` (HMAC-SHA1, as the official connector; the Logto connector's default) or `v3` (`ACS3-HMAC-SHA256`; the mail client's default). */
  signatureVersion?: 'v2' | 'v3';
  /** At most 10 (with `deliveryEventHeaders`, at most 7), sent as `Headers`. */
  headers?: Partial<Record<MailHeaderName, string>>;
  /** Adds `X-User-Notify-Logto-Usage-Type`, `-Application-Id` and `-User-Id` to each mail. */
  deliveryEventHeaders?: boolean;
  /** One or two BCC addresses: comma-separated, or an array. */
  bccAddress?: string | string[];
  /** A dedicated IP pool's id. */
  ipPoolId?: string;
  unSubscribeLinkType?: 'disabled' | 'default';
  unSubscribeFilterLevel?: 'disabled' | 'default' | 'mailfrom' | 'mailfrom_domain' | 'edm_id';
  /**
   * Where the credentials come from: `access-key` (default: `accessKeyId` and `accessKeySecret`
   * sign), or a RAM role whose temporary credentials are fetched and sign: `assume-role` (STS
   * AssumeRole with the keys as the base key), `ecs-ram-role` (the ECS instance's role) or
   * `oidc-role` (RRSA in ACK). With `ecs-ram-role` and `oidc-role` the keys are not read.
   */
  credentialsSource?: CredentialsSource;
  /** `assume-role` and `oidc-role`: `acs:ram::<account-id>:role/<name>` (`oidc-role`: default `ALIBABA_CLOUD_ROLE_ARN`). */
  roleArn?: string;
  /** `ecs-ram-role`: the role's name; by default the role the instance has. */
  roleName?: string;
  /** `oidc-role`: `acs:ram::<account-id>:oidc-provider/<name>`; default `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`. */
  oidcProviderArn?: string;
  /** `oidc-role`: the pod's token file (Node); default `ALIBABA_CLOUD_OIDC_TOKEN_FILE`. */
  oidcTokenFile?: string;
  /** STS for `assume-role` and `oidc-role`: `https://sts.aliyuncs.com/`, or the region's `sts-vpc` host on `vpc`. */
  stsEndpoint?: string;
  /** The metadata service for `ecs-ram-role`: `http://100.100.100.200/`. */
  metadataEndpoint?: string;
  /** Where attachment uploads are granted: `https://openplatform.aliyuncs.com/`, or `endpoint` when that is a loopback emulator. */
  openPlatformEndpoint?: string;
}

/** Where a config's credentials come from: its AccessKey pair, or a RAM role. */
export type CredentialsSource = 'access-key' | 'assume-role' | 'ecs-ram-role' | 'oidc-role';

/** A validated config with defaults filled in. */
export interface NormalizedConfig extends Omit<AliyunDmConfig, 'accessKeyId' | 'accessKeySecret'> {
  /** Absent with `ecs-ram-role` and `oidc-role`, which do not read them. */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Absent for `access-key`, the default. */
  credentialsSource?: Exclude<CredentialsSource, 'access-key'>;
  /**
   * Settings that validate but will not work as meant: a closed region, click tracking without a
   * tagName or without a `<body>` to track in. Present only when there are some.
   */
  warnings?: Issue[];
  regionId: RegionId;
  network: 'public' | 'vpc';
  signatureVersion: 'v2' | 'v3';
  /** Comma-joined. */
  bccAddress?: string;
  contentType: 'html' | 'text';
  replyToAddress: boolean;
  timeoutMs: number;
  retries: number;
}

/** Values placeholders can read: `{{code}}`, `{{user.name}}`, `{{list.0}}`. */
export interface MessagePayload {
  code?: string;
  link?: string;
  locale?: string;
  uiLocales?: string;
  [key: string]: unknown;
}

/** What Logto passes to `sendMessage`. */
export interface SendMessageData {
  to: string;
  /** A Logto usage type, such as `SignIn` or `Generic`. */
  type: string;
  /** Values for the placeholders; none when absent. */
  payload?: MessagePayload;
  /** Logto sends it; the connector does not use it. */
  ip?: string;
}

/** A template that wins over the config's, as Logto's `getI18nEmailTemplate` returns. */
export interface EmailTemplate {
  subject: string;
  content: string;
  /** Rendered, then read as connector-kit's `parseSendFrom`: `Name <addr>` sends the alias `Name`. */
  sendFrom?: string;
  /** Rendered; `addr` or `Name <addr>` becomes the reply address, anything else is left out. */
  replyTo?: string;
  /** `text/plain` sends TextBody. */
  contentType?: 'text/html' | 'text/plain';
}

/**
 * Options of one send or dry run: Logto's template, this mail's settings, and pins. Nonce and
 * timestamp default to fresh ones; `timeoutMs` and `retries` to the config's.
 */
export interface BuildOptions extends PerSendSettings {
  template?: EmailTemplate;
  /** A plain-text body sent as TextBody beside an HTML one, rendered as the body is. */
  text?: string;
  /** A template approved in the DirectMail console, sent in place of subject and body. */
  templateId?: string;
  nonce?: string;
  /** `YYYY-MM-DDThh:mm:ssZ`, UTC. */
  timestamp?: string;
  endpoint?: string;
  timeoutMs?: number;
  retries?: number;
  /** A placeholder with no value in the payload is refused (`invalid_request_parameters`), not left as written or blank. The mail client always sets it. */
  strictPlaceholders?: boolean;
  /** Files already uploaded to DirectMail's bucket, sent as `Attachments.N.AttachmentName` and `.AttachmentUrl`. */
  attachments?: { name: string; url: string }[];
}

/**
 * A signed SingleSendMail request, ready for any fetch: with V2 its one header is `Content-Type`;
 * with V3 they are `content-type`, the `x-acs-*` ones and `authorization`.
 */
export interface SignedRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** DirectMail's success reply. */
export interface SendResult {
  EnvId: string;
  RequestId: string;
}

/** Each stage of an Aliyun RPC signature. */
export interface SignedStages {
  canonicalQuery: string;
  stringToSign: string;
  signature: string;
}

/** One problem in the input. */
export interface Issue {
  /** Such as `templates[2].usageType`. */
  path: string;
  message: string;
}

/**
 * What went wrong, finer than Logto's code: DirectMail's refusals by what to fix (`auth`,
 * `sender`, `recipient`, `content`, `quota`, `throttled`, `server`, `rejected` for a code not
 * classified), the exchange (`timeout`, `network`, `response`), refusals before sending (`config`,
 * `request`), `aborted` by the caller's signal, and `other` for a failure in the package or its
 * host.
 */
export type ErrorReason =
  | 'auth'
  | 'sender'
  | 'recipient'
  | 'content'
  | 'quota'
  | 'throttled'
  | 'timeout'
  | 'network'
  | 'server'
  | 'response'
  | 'config'
  | 'request'
  | 'aborted'
  | 'rejected'
  | 'other';

/** What this package throws: a real Error with a Logto code, a reason and data. */
export interface AliyunDmError extends Error {
  code: ConnectorErrorCode;
  reason: ErrorReason;
  data: DirectMailErrorData;
}

/** What an error carries besides its code. */
export interface DirectMailErrorData {
  message?: string;
  issues?: Issue[];
  /** Aliyun's Message, for `general` errors from the API. */
  errorDescription?: string;
  Code?: string;
  RequestId?: string;
  HostId?: string;
  Recommend?: string;
  status?: number;
  body?: string;
  /** What the operator can do about it. */
  hint?: string;
  /** For network failures and timeouts. */
  cause?: string;
  url?: string;
  timedOut?: boolean;
  /** For a redirect, which is never followed: the origin its Location named. */
  location?: string;
  [key: string]: unknown;
}

/** Every error this package throws; `instanceof` works across its entries. */
export declare class DirectMailError extends Error implements AliyunDmError {
  constructor(code: ConnectorErrorCode, message: string, data?: DirectMailErrorData, retryable?: boolean, reason?: ErrorReason);
  readonly name: 'DirectMailError';
  code: ConnectorErrorCode;
  reason: ErrorReason;
  data: DirectMailErrorData;
  /** True only when the mail cannot have been sent: throttling, or a connection that never opened. */
  retryable: boolean;
}

/** The part of the fetch Response this package reads: the body as a stream (read with a cap), or text(). */
export interface FetchResponse {
  status: number;
  type?: string;
  headers?: { get(name: string): string | null };
  body?: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/** The host's fetch; `globalThis.fetch` fits. Redirects are never followed. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'manual' },
) => Promise<FetchResponse>;

/** Validates a connector config; returns it normalised or throws `invalid_config` naming each field. */
export declare function validateConfig(config: unknown): NormalizedConfig;
/** Renders `{{placeholders}}` as connector-kit does; `{html: true}` HTML-escapes the values. */
export declare function renderTemplate(template: string, payload: Record<string, unknown>, options?: { html?: boolean }): string;
/** Signs any Aliyun RPC request and returns every stage. */
export declare function signRpcRequest(params: Record<string, string>, secret: string, method?: 'GET' | 'POST'): SignedStages;
/** The dry run: the signed SingleSendMail request, not sent. */
export declare function buildSendMailRequest(config: AliyunDmConfig | NormalizedConfig, data: SendMessageData, options?: BuildOptions): SignedRequest;
/** Turns DirectMail's HTTP status and body into a result, or throws a typed error. */
export declare function parseSendMailReply(status: number, body: string): SendResult;
/** The wasm linear memory's size in bytes (0 before first use); it grows with the largest message, never shrinks. */
export declare function wasmMemoryBytes(): number;
/** Builds, signs and sends one mail with the host's fetch. */
export declare function sendMail(config: AliyunDmConfig | NormalizedConfig, data: SendMessageData, fetch: FetchLike, options?: BuildOptions): Promise<SendResult>;

/** The mail client's settings: the connector config's, without templates, and an optional fetch. */
export interface DirectMailConfig extends Omit<AliyunDmConfig, 'templates'> {
  /** Console templates by usage type, if any; `sendTemplate` does not need them. */
  templates?: Template[];
  /** Defaults to `globalThis.fetch`, looked up at send time. */
  fetch?: FetchLike;
  /** Remembers sends with an `idempotencyKey` for `ttlSeconds` (a day by default). */
  idempotency?: { store: IdempotencyStore; ttlSeconds?: number };
}

/** Credentials as a provider gives them; `expiration` (a date or its text) says when to ask again. */
export interface ProvidedCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  expiration?: string | Date;
}

/** A source of credentials that change: asked again shortly before `expiration`. */
export type CredentialsProvider = () => ProvidedCredentials | Promise<ProvidedCredentials>;

/** Options of `assumeRoleCredentials`: a base key, the role to assume, and STS's endpoint. */
export interface AssumeRoleOptions {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** `acs:ram::<account>:role/<name>`. */
  roleArn: string;
  roleSessionName?: string;
  /** 900 to 43,200; 3,600 by default. */
  durationSeconds?: number;
  /** `https://sts.aliyuncs.com/` by default. */
  endpoint?: string;
  fetch?: FetchLike;
}

/** Options of `ecsRamRoleCredentials`. */
export interface EcsRamRoleOptions {
  /** The instance's RAM role; the one it has, by default. */
  roleName?: string;
  /** The metadata service, `http://100.100.100.200` by default. */
  endpoint?: string;
  tokenTtlSeconds?: number;
  fetch?: FetchLike;
}

/** Options of `oidcRoleCredentials` (RRSA); each defaults to ACK's `ALIBABA_CLOUD_*` variable. */
export interface OidcRoleOptions {
  roleArn?: string;
  oidcProviderArn?: string;
  /** The file holding the pod's OIDC token, read at each refresh. */
  tokenFile?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  endpoint?: string;
  /** Where the `ALIBABA_CLOUD_*` defaults are read; `process.env` by default. */
  env?: Record<string, string | undefined>;
  fetch?: FetchLike;
}

/** Temporary credentials for a RAM role, from STS `AssumeRole` with a base key. Workers and Node. */
export declare function assumeRoleCredentials(options: AssumeRoleOptions): CredentialsProvider;
/** An ECS instance's RAM role credentials, from the instance metadata service. */
export declare function ecsRamRoleCredentials(options?: EcsRamRoleOptions): CredentialsProvider;
/** RRSA (ACK): STS `AssumeRoleWithOIDC` with the pod's OIDC token file. Node only. */
export declare function oidcRoleCredentials(options?: OidcRoleOptions): CredentialsProvider;

/** Settings of one mail, which win over the config's for that mail only. */
export interface PerSendSettings {
  /** `addr` or `Name <addr>`: sent from that address (AccountName), with that name (FromAlias) if given. */
  from?: string;
  /** Shown as the sender's name, as written (not rendered); fewer than 15 characters, empty for none. */
  fromAlias?: string;
  /** `addr` or `Name <addr>`; anything else is refused. */
  replyTo?: string;
  tagName?: string;
  /** Laid over the config's headers by name, compared without case. */
  headers?: AliyunDmConfig['headers'];
  /** Left out, the config's is kept. */
  bccAddress?: string | string[];
  /**
   * Sets the Message-ID to `<sha256(key)@sender-domain>`, the same for every send with this key;
   * with the client's `idempotency` store, a repeat within its TTL returns the first result. 1 to
   * 256 printable ASCII characters; not with a Message-ID header.
   */
  idempotencyKey?: string;
}

/** A file to attach: uploaded to DirectMail's OSS bucket with the host's fetch and FormData before the mail is sent. */
export interface MailAttachment {
  /** The name the recipient sees: one line, at most 255 bytes. */
  filename: string;
  /** The file's bytes; a string is sent as UTF-8. */
  content: Uint8Array | ArrayBuffer | Blob | string;
  /** The upload's MIME type, such as `application/pdf`. */
  contentType?: string;
}

/** Where the client keeps what it sent under an idempotency key: a Map fits, and so does a one-line adapter over Workers KV or Redis. */
export interface IdempotencyStore {
  get(key: string): unknown | Promise<unknown>;
  set(key: string, value: string, ttlSeconds: number): unknown | Promise<unknown>;
}

/** One mail: a subject and `html`, `text`, or both (the text is then the HTML's plain-text alternative). */
export type MailMessage = PerSendSettings & {
  /** One address, or up to 100. */
  to: string | string[];
  subject: string;
  /** Values for `{{placeholders}}` in the subject and body. */
  data?: Record<string, unknown>;
  /** Stops the send (before, during or between attempts); it then rejects with reason `aborted`. */
  signal?: AbortSignal;
  /** Up to 100 files, 15 MB in the mail once base64-encoded (keep them under 8 MB); checked before any upload. */
  attachments?: MailAttachment[];
} & ({ html: string; text?: string } | { text: string; html?: undefined });

/** One mail from a template approved in the DirectMail console. */
export interface TemplateMessage extends PerSendSettings {
  to: string | string[];
  signal?: AbortSignal;
  attachments?: MailAttachment[];
  templateId: string;
  /** The template's variables; nested objects are sent under dotted keys. */
  data?: Record<string, unknown>;
}

/** What DirectMail answered: the mail's EnvId and the request's id. */
export interface SentMail {
  envId: string;
  requestId: string;
}

/** The values an env-like object may hold, under Aliyun's usual names. */
export interface AliyunCredentialsEnv {
  ALIBABA_CLOUD_ACCESS_KEY_ID?: string;
  ALIBABA_CLOUD_ACCESS_KEY_SECRET?: string;
  ALIBABA_CLOUD_SECURITY_TOKEN?: string;
  [name: string]: unknown;
}

/** For debugging only: what a send would do, without sending. */
export interface DirectMailDebug {
  /** The signed request for `mail`, with the nonce, the timestamp and the endpoint pinned if given. */
  request(mail: MailMessage, pins?: { nonce?: string; timestamp?: string; endpoint?: string }): SignedRequest;
}

/** A DirectMail sender for edge code and Node. Every error it throws is a `DirectMailError`. */
export declare class DirectMail {
  /** Validates `config`; an invalid one throws `DirectMailError` (`invalid_config`) naming each field. */
  constructor(
    config:
      | (DirectMailConfig & { accessKeyId: string; accessKeySecret: string })
      | (Omit<DirectMailConfig, 'accessKeyId' | 'accessKeySecret' | 'securityToken' | 'credentialsSource'> & { credentials: CredentialsProvider })
      | (Omit<DirectMailConfig, 'accessKeyId' | 'accessKeySecret' | 'securityToken' | 'credentialsSource'> & { credentialsSource: 'ecs-ram-role' | 'oidc-role' }),
  );
  /** Credentials from `env` (`ALIBABA_CLOUD_ACCESS_KEY_ID`, `…_SECRET`, `…_SECURITY_TOKEN`); the rest from `config`. */
  static fromEnv(env: AliyunCredentialsEnv, config: Omit<DirectMailConfig, 'accessKeyId' | 'accessKeySecret' | 'securityToken'>): DirectMail;
  send(mail: MailMessage): Promise<SentMail>;
  sendTemplate(mail: TemplateMessage): Promise<SentMail>;
  readonly debug: DirectMailDebug;
  /** Releases the client's wasm memory now, or when the sends in flight settle; it cannot send after. */
  free(): void;
  /** `using mail = new DirectMail(…)` calls `free()` at the end of the block. */
  [Symbol.dispose](): void;
}

/** The environment variable names `DirectMail.fromEnv` reads. */
export declare const ENV_NAMES: Readonly<{ accessKeyId: string; accessKeySecret: string; securityToken: string }>;


/** What `init` accepts: the compiled module, its bytes, or a fetch Response for the .wasm. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response;

/**
 * Compiles (unless given a module) and instantiates the wasm once. Needed before the API only where
 * the package cannot find the wasm itself (the `import` / `default` entry); elsewhere `init()`
 * without a source just loads it early.
 */
export declare function init(source?: WasmSource | Promise<WasmSource>): Promise<void>;

/** What happened to a mail, from DirectMail's event type. */
export type DeliveryEventKind = 'delivered' | 'failed' | 'opened' | 'clicked' | 'unsubscribed' | 'resubscribed' | 'complaint' | 'graylistResult';

/** One DirectMail delivery event, typed. Text fields are as DirectMail wrote them; absent ones are left out. */
export interface DeliveryEvent {
  kind: DeliveryEventKind;
  /** DirectMail's type, such as `dm:Deliver:Fail`. */
  type: string;
  /** The CloudEvent's id: an event delivered twice has the same id. */
  id?: string;
  /** When it happened (RFC 3339). */
  time?: string;
  region?: string;
  /** The EnvId the send returned. */
  envId?: string;
  recipient?: string;
  sender?: string;
  messageId?: string;
  tag?: string;
  sendTime?: string;
  deliverTime?: string;
  /** DirectMail's delivery status code. */
  status?: string;
  /** The receiving server's SMTP code and text, for a failure. */
  errorCode?: string;
  errorMessage?: string;
  /** DirectMail's class of failure, such as `SmtpNxBox`. */
  failedType?: string;
  /** The mail's `X-User-Notify-*` headers, as DirectMail returned them. */
  headers: Record<string, string>;
  /** The Logto usage type, application and user the mail was sent for (`deliveryEventHeaders`). */
  logto: { usageType?: string; applicationId?: string; userId?: string };
}

/**
 * Reads one DirectMail delivery event: an EventBridge CloudEvent, or an MNS message carrying one
 * (`Message` or `MessageBody`), as JSON text, base64 of it, or an object. Throws `DirectMailError`
 * (`invalid_request_parameters`) naming what is not an event.
 */
export declare function parseDeliveryEvent(input: string | object): DeliveryEvent;

/**
 * Checks the secret header an EventBridge HTTP target sends (`name`, default
 * `x-directmail-event-secret`) against `secret`; throws `DirectMailError` (reason `auth`) when it is
 * missing or wrong.
 */
export declare function checkEventSecret(headers: Headers | Record<string, string | string[] | undefined>, secret: string, name?: string): void;
