// The package root's declarations: the mail client's (./client/index.d.ts) and the Logto connector's.
// The CommonJS copy (lib/index.d.cts) is emitted from this file by tsc (scripts/setup.mjs), and the
// ES-only packages' types are imported as ES modules.
import type { ConnectorMetadata, ConnectorType, GetConnectorConfig, GetI18nEmailTemplate } from '@logto/connector-kit' with { 'resolution-mode': 'import' };
import type { ZodType, ZodTypeDef } from 'zod' with { 'resolution-mode': 'import' };

import type { FetchLike, Issue, NormalizedConfig, SendMessageData, SendResult } from './client/index.js';

export * from './client/index.js';

/** The result of `configGuard.safeParse`, shaped like zod's. */
export type ConfigParseResult =
  | { success: true; data: NormalizedConfig }
  | { success: false; error: Error & { issues: Issue[] } };

/** A zod-like guard over the config validator. */
export interface ConfigGuard {
  safeParse(config: unknown): ConfigParseResult;
  parse(config: unknown): NormalizedConfig;
}

/** The Email connector Logto loads. */
export interface AliyunDmConnector {
  metadata: ConnectorMetadata;
  type: ConnectorType.Email;
  /** A zod schema built with the host's zod: an invalid config gives a ZodError naming each field. */
  configGuard: ZodType<NormalizedConfig, ZodTypeDef, unknown>;
  sendMessage(data: SendMessageData, inputConfig?: unknown): Promise<SendResult>;
}

/** Options of `createConnector`; `fetch` defaults to `globalThis.fetch`. */
export interface CreateConnectorOptions {
  getConfig: GetConnectorConfig;
  getI18nEmailTemplate?: GetI18nEmailTemplate;
  fetch?: FetchLike;
}

/** A zod-like guard over the same validator, for callers without zod. */
export declare const configGuard: ConfigGuard;
export declare const metadata: ConnectorMetadata;

/** Logto's connector factory. */
declare function createConnector(options: CreateConnectorOptions): Promise<AliyunDmConnector>;
export default createConnector;
