import type { IncomingMessage, ServerResponse } from 'node:http';

/** How far a Timestamp or x-acs-date may be from the emulator's clock: 31 minutes. */
export declare const TIMESTAMP_WINDOW_MS: number;
/** Largest request body accepted, in bytes (8 MiB); a larger one is answered 413. */
export declare const MAX_BODY_BYTES: number;
/** Most mails, and most requests, remembered unless `maxHistory` says otherwise (1,000); the oldest are forgotten first. */
export declare const MAX_HISTORY: number;
/** Most bytes of bodies the remembered requests, or mails, hold together (32 MiB). */
export declare const MAX_HISTORY_BYTES: number;

/** A mail the emulator accepted. */
export interface EmulatedMail {
  envId: string;
  from: string;
  fromAlias?: string;
  to: string[];
  subject?: string;
  htmlBody?: string;
  textBody?: string;
  bcc?: string[];
  headers?: Record<string, string>;
  template?: { TemplateId: string; TemplateData?: Record<string, string> };
  signatureVersion: 'v2' | 'v3';
  /** The files the mail named (`Attachments.N.*`), each as it was uploaded. */
  attachments: EmulatedAttachment[];
  /** Every parameter of the request. */
  params: Record<string, string>;
}

/** A request the emulator received. */
export interface EmulatedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  params: Record<string, string>;
}

/** A scripted answer: DirectMail's error JSON for `Code` at HTTP `status`. */
export interface ScriptedReply {
  status: number;
  Code: string;
  Message?: string;
}

export interface EmulatorOptions {
  /** AccessKeyId → AccessKeySecret pairs it accepts; default `{testid: 'testsecret'}`. */
  accessKeys?: Record<string, string>;
  /** Sender addresses it knows; any address when omitted. */
  senders?: string[];
  /** Console template ids it knows, to their names; any id when omitted. */
  templates?: Record<string, string>;
  /** A loopback address to bind; default 127.0.0.1. */
  host?: string;
  /** A fixed port; a free one when omitted. */
  port?: number;
  /** Answers for the next requests, in order, before it emulates again. */
  replies?: ScriptedReply[];
  /** Called with each mail accepted. */
  onMail?: (mail: EmulatedMail) => void;
  /** The emulator's clock, in milliseconds. */
  now?: () => number;
  /** Most mails, and most requests, kept in `mails` and `requests` (MAX_HISTORY by default). */
  maxHistory?: number;
  /**
   * A URL to POST DirectMail's delivery events to, as an EventBridge HTTP target would: one
   * CloudEvent per recipient of each mail, `dm:Deliver:Succeed`, or `dm:Deliver:Fail` for a
   * recipient whose local part starts with `bounce`.
   */
  events?: string;
  /** Sent with each event as the `x-directmail-event-secret` header. */
  eventSecret?: string;
  /** OIDC tokens its STS stand-in takes for `AssumeRoleWithOIDC`. */
  oidcTokens?: string[];
  /** The RAM role its stand-in for the ECS metadata service (IMDSv2) hands credentials for; none when omitted. */
  ecsRole?: string;
  /** The region each of `senders` is set up in (`cn-hangzhou` when not named), which the region in the path picks. */
  senderRegions?: Record<string, string>;
  /** The account's quotas, which `DescAccountSummary` reports (2,000 a day, 60,000 a month by default). */
  quota?: { daily?: number; monthly?: number };
  /** Sender domains whose DNS records `CheckDomain` reports as not verified. */
  unverifiedDomains?: string[];
  /** The `Endpoint` its AuthorizeFileUpload grants name; by default the host it was called at (uploads then come to it). */
  ossEndpoint?: string;
}

/** A file attached to a mail: uploaded to the emulator's bucket, then named by the mail. */
export interface EmulatedAttachment {
  name: string;
  /** The AttachmentUrl the mail gave. */
  url: string;
  size: number;
  /** The uploaded bytes' SHA-256, in hex. */
  sha256: string;
  /** The upload's part Content-Type. */
  contentType: string;
}

/** An upload the emulator's OSS stand-in accepted. */
export interface EmulatedUpload {
  key: string;
  /** The form's field names, in order. */
  fields: string[];
  filename: string;
  size: number;
  sha256: string;
  contentType: string;
}

/** A delivery event the emulator published, with what the target answered. */
export interface PublishedEvent {
  event: Record<string, unknown>;
  status?: number;
  error?: string;
}

export interface Emulator {
  /** The endpoint to configure: `http://127.0.0.1:PORT/`. */
  url: string;
  /** Mails accepted, in order: the last `maxHistory`, within MAX_HISTORY_BYTES of bodies. */
  mails: EmulatedMail[];
  /** Requests received, in order: the last `maxHistory`, within MAX_HISTORY_BYTES of bodies. */
  requests: EmulatedRequest[];
  /** Attachment uploads accepted, in order: the last `maxHistory`. */
  uploads: EmulatedUpload[];
  /** Delivery events published to `events`: the last `maxHistory`. */
  events: PublishedEvent[];
  /** Settles when every event published so far has been answered, or has timed out. */
  eventsSettled(): Promise<void>;
  /** Answers the next request with `handler` instead of emulating. */
  script(handler: (request: IncomingMessage, response: ServerResponse, params: Record<string, string>) => void): void;
  /** Answers the next request with DirectMail's error JSON for `code` at HTTP `status`. */
  failNext(status: number, code: string, message?: string): void;
  /** Answers the next attachment upload with OSS's error XML for `code` at HTTP `status`. */
  failNextUpload(status: number, code: string, message?: string): void;
  /** Forgets scripted answers not used yet. */
  clearScripts(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Starts a DirectMail emulator on loopback: it verifies V2 and V3 signatures and answers as Aliyun does. */
export declare function startEmulator(options?: EmulatorOptions): Promise<Emulator>;

/** The V2 string-to-sign for `params` (without Signature). */
export declare function stringToSign(method: string, params: Record<string, string>): string;
/** The V2 signature Aliyun would compute. */
export declare function expectedSignature(method: string, params: Record<string, string>, secret: string): string;
/** Whether a form-encoded body carries a valid V2 signature for one of `accessKeys`. */
export declare function verifySignedBody(body: string, accessKeys: Record<string, string>, method?: string): boolean;
/** The V3 canonical request. */
export declare function canonicalRequestV3(
  method: string,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string | string[] | undefined>,
  signedHeaders: string[],
  payloadHash: string,
): string;
/** The V3 signature Aliyun would compute for a canonical request. */
export declare function expectedSignatureV3(canonicalRequest: string, secret: string): string;

/** The CloudEvents DirectMail would publish for `mail` at `time` (ms since the epoch). */
export declare function deliveryEvents(mail: EmulatedMail, time: number): Array<Record<string, unknown>>;
