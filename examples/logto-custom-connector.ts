// A custom Logto connector in TypeScript built on the core API: here, one with its own id, so it can
// be installed beside the official Aliyun connector.
import {
  ConnectorError,
  ConnectorErrorCodes,
  ConnectorType,
  type CreateConnector,
  type EmailConnector,
} from '@logto/connector-kit';
import { buildSendMailRequest, parseSendMailReply, validateConfig, type AliyunDmError } from 'connector-aliyun-dm-wasm';
import { z } from 'zod';

const configGuard = z.custom<Record<string, unknown>>((value) => {
  try {
    validateConfig(value);
    return true;
  } catch {
    return false;
  }
}, 'Invalid Aliyun DirectMail config');

const createConnector: CreateConnector<EmailConnector> = async ({ getConfig }) => ({
  metadata: {
    id: 'aliyun-direct-mail-second',
    target: 'aliyun-dm-second',
    platform: null,
    name: { en: 'Aliyun Direct Mail (second account)' },
    logo: './logo.svg',
    logoDark: null,
    description: { en: 'Aliyun DirectMail through a second sender account.' },
    readme: './README.md',
    formItems: [],
  },
  type: ConnectorType.Email,
  configGuard,
  sendMessage: async (data, inputConfig) => {
    try {
      const config = validateConfig(inputConfig ?? (await getConfig('aliyun-direct-mail-second')));
      const request = buildSendMailRequest(config, data);
      // Never follow a redirect: it would send the signed request, and its token, elsewhere.
      const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual' });
      return parseSendMailReply(response.status, await response.text());
    } catch (error) {
      const { code, data: details } = error as AliyunDmError;
      throw new ConnectorError(code === 'invalid_config' ? ConnectorErrorCodes.InvalidConfig : ConnectorErrorCodes.General, details);
    }
  },
});

export default createConnector;
