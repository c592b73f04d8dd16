// The same attachment sent by Alibaba's SDK (`@alicloud/dm20151123`'s singleSendMailAdvance: its
// own AuthorizeFileUpload, its own OSS form upload, its own SingleSendMail) and by this package,
// to one emulator; every parameter of each step compared. The SDK posts to OSS over https only, so
// its upload reaches the emulator through a loopback TLS front (a throwaway self-signed
// certificate, which the SDK's `ignoreSSL` runtime option accepts), with the bucket's host name
// resolved to 127.0.0.1 in this process.
//
// The SDK's form writer (@darabonba/typescript's FileFormStream) ends the file's part without the
// CRLF that RFC 2046 puts before the next delimiter, so a strict multipart reader (the emulator
// uses the runtime's own) takes its form as malformed. The front adds that CRLF, where the file's
// bytes end, before it forwards the SDK's upload; the test checks that the defect is there, so it
// notices when the SDK mends it. This package's form is the runtime's FormData, sent as it is.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import dns from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';

import Dm, * as dmModels from '@alicloud/dm20151123';
import { DirectMail } from 'connector-aliyun-dm-wasm/client';
import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';

const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-advance-'));
let emulator;
let front;
let frontPort;
/** The SDK's upload as it sent it. */
let sdkUploadBody;
const lookup = dns.lookup;

before(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=dm-emulator.127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  // The front's port is the grant's Endpoint port: bound first, then the emulator names it.
  front = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
  await new Promise((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontPort = front.address().port;
  emulator = await startEmulator({ ossEndpoint: `127.0.0.1:${frontPort}` });
  const target = new URL(emulator.url);
  front.on('request', async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    let body = Buffer.concat(chunks);
    const boundary = /boundary=(\S+)/.exec(req.headers['content-type'] ?? '')?.[1];
    if (boundary) {
      sdkUploadBody = body.toString('latin1');
      body = Buffer.from(sdkUploadBody.replace(`${content.toString('latin1')}--${boundary}`, `${content.toString('latin1')}\r\n--${boundary}`), 'latin1');
    }
    const headers = { ...req.headers, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (reply) => {
      res.writeHead(reply.statusCode, reply.headers);
      reply.pipe(res);
    });
    forward.end(body);
  });
  // The SDK's upload host, `dm-emulator.127.0.0.1`, is this machine.
  dns.lookup = (host, options, callback) => lookup(host.endsWith('.127.0.0.1') ? '127.0.0.1' : host, options, callback);
});

after(async () => {
  dns.lookup = lookup;
  front?.closeAllConnections();
  await new Promise((resolve) => (front ? front.close(resolve) : resolve()));
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

const content = Buffer.from('%PDF-1.4 the same attachment, byte for byte\n'.repeat(200));
const mail = { accountName: 'noreply@mail.example.com', to: 'user@example.com', subject: 'Your invoice', html: '<p>Attached.</p>' };
/** A request's parameters without what changes with every call: the envelope's nonce and time, and the object key. */
const stable = (params) =>
  Object.fromEntries(
    Object.entries(params)
      .filter(([name]) => !['Signature', 'SignatureNonce', 'Timestamp'].includes(name))
      .map(([name, value]) => [name, name.endsWith('.AttachmentUrl') ? value.replace(/\/dm\/[0-9a-f-]+\//, '/dm/KEY/') : value]),
  );
const actionOf = (r) => r.headers['x-acs-action'] ?? r.params.Action;

test("singleSendMailAdvance and this package: the same grant call, the same upload form, the same SingleSendMail", async () => {
  // The SDK, V3 as it signs by default, to the emulator (http for its RPC calls; its OSS upload is https).
  const sdk = new Dm.default({ accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint: new URL(emulator.url).host, protocol: 'http', regionId: 'cn-hangzhou' });
  // The SDK's field for Open Platform's endpoint (its own default is openplatform.aliyuncs.com).
  sdk._openPlatformEndpoint = new URL(emulator.url).host;
  const request = new dmModels.SingleSendMailAdvanceRequest({
    accountName: mail.accountName,
    addressType: 1,
    replyToAddress: false,
    toAddress: mail.to,
    subject: mail.subject,
    htmlBody: mail.html,
    attachments: [new dmModels.SingleSendMailAdvanceRequestAttachments({ attachmentName: 'invoice.pdf', attachmentUrlObject: Readable.from(content) })],
  });
  const { RuntimeOptions } = await import('@darabonba/typescript');
  await sdk.singleSendMailAdvance(request, new RuntimeOptions({ ignoreSSL: true }));
  const sdkRequests = emulator.requests.splice(0);
  const sdkUpload = emulator.uploads.at(-1);

  // This package, to the same emulator; its loopback upload goes straight to the emulator's port.
  const client = new DirectMail({
    accessKeyId: 'testid',
    accessKeySecret: 'testsecret',
    accountName: mail.accountName,
    endpoint: emulator.url,
    fetch: (url, init) => fetch(String(url).replace(`127.0.0.1:${frontPort}`, new URL(emulator.url).host), init),
  });
  await client.send({ to: mail.to, subject: mail.subject, html: mail.html, attachments: [{ filename: 'invoice.pdf', content }] });
  client.free();
  const ours = emulator.requests.splice(0);
  const ourUpload = emulator.uploads.at(-1);

  // Both grants: the same action, version and parameters, each signature verified by the emulator.
  const grant = (requests) => requests.find((r) => actionOf(r) === 'AuthorizeFileUpload');
  for (const name of ['x-acs-version', 'x-acs-action']) assert.equal(grant(ours).headers[name], grant(sdkRequests).headers[name], name);
  assert.deepEqual(stable({ ...grant(ours).params }), stable({ ...grant(sdkRequests).params }), 'AuthorizeFileUpload parameters');
  // The SDK's form, as sent: its fields (and its `host`, which OSS ignores), the file's part not
  // closed by a CRLF, and success_action_status after the file.
  const boundary = /^--(\S+)\r\n/.exec(sdkUploadBody)[1];
  assert.deepEqual([...sdkUploadBody.matchAll(/; name="([^"]+)"/g)].map((m) => m[1]), ['host', 'OSSAccessKeyId', 'policy', 'Signature', 'key', 'file', 'success_action_status']);
  assert.ok(sdkUploadBody.includes(`${content.toString('latin1')}--${boundary}`), "the SDK's file part still lacks its closing CRLF");
  // Both uploads: the same form fields (the SDK adds its `host`, which OSS ignores; this package
  // puts the file last, where OSS's PostObject wants it), the same bytes.
  assert.deepEqual([...ourUpload.fields].sort(), sdkUpload.fields.filter((name) => name !== 'host').sort());
  assert.equal(ourUpload.fields.at(-1), 'file');
  assert.deepEqual([ourUpload.size, ourUpload.sha256], [sdkUpload.size, sdkUpload.sha256]);
  assert.equal(ourUpload.sha256, emulator.mails.at(-1).attachments[0].sha256);
  // Both mails: every SingleSendMail parameter, Attachments included, the same.
  const send = (requests) => requests.find((r) => actionOf(r) === 'SingleSendMail');
  assert.deepEqual(stable(send(ours).params), stable(send(sdkRequests).params));
  assert.deepEqual(Object.keys(send(ours).params).filter((k) => k.startsWith('Attachments.')), ['Attachments.1.AttachmentName', 'Attachments.1.AttachmentUrl']);
  assert.deepEqual(emulator.mails.map((m) => m.attachments.map((a) => [a.name, a.size])), [[['invoice.pdf', content.length]], [['invoice.pdf', content.length]]]);
});
