import type { ConnectorMetadata, ConnectorType, GetConnectorConfig, GetI18nEmailTemplate } from '@logto/connector-kit';
import type { ZodType, ZodTypeDef } from 'zod';

import type { FetchLike, Issue, NormalizedConfig, SendMessageData, SendResult } from './api.js';

export * from './api.js';

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
export const configGuard: ConfigGuard;
export const metadata: ConnectorMetadata;

/** Logto's connector factory. */
export default function createConnector(options: CreateConnectorOptions): Promise<AliyunDmConnector>;

/** What `init` accepts: the compiled module, its bytes, or a fetch Response for the .wasm. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response;

/**
 * Compiles (unless given a module) and instantiates the wasm once. Needed before the API only where
 * the package cannot find the wasm itself (the `import` / `default` entry); elsewhere `init()`
 * without a source just loads it early.
 */
export function init(source?: WasmSource | Promise<WasmSource>): Promise<void>;
