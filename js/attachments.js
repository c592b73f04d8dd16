// Attachments over fetch, as DirectMail takes them (its SDK's "Advance" flow): every file is read
// as a Blob, checked against DirectMail's limits by the core before anything is uploaded, then for
// each one an upload grant (`AuthorizeFileUpload`, signed and read by the core) and a policy-signed
// form upload to OSS with the host's FormData. The bytes go from the caller to fetch and never
// through wasm memory; the send then names each uploaded file. A failed upload sends no mail.
import { codedError, describeCause, isCodedError, shown } from './errors.js';
import { invalid } from './plain.js';
import { readCapped } from './transport.js';
import { wasm } from './wasm.js';

/** What OSS answers an upload with, when the form asks for it (`success_action_status`). */
const UPLOADED = 201;
/** An upload that takes longer than this fails: a file may be megabytes on a slow link. */
const UPLOAD_TIMEOUT_MS = 120_000;
/** Most of an OSS error reply read: its XML names a Code. */
const MAX_UPLOAD_REPLY_BYTES = 64 << 10;
/** Files uploaded at once, so a mail with many files does not open a connection for each. */
const PARALLEL_UPLOADS = 4;
const REQUEST = 'invalid_request_parameters';

/** `content` as a Blob of `type`: bytes as given, a string as UTF-8. */
function blobOf(content, type, i) {
  if (typeof content === 'string' || content instanceof ArrayBuffer || ArrayBuffer.isView(content)) return new Blob([content], { type });
  if (typeof Blob === 'function' && content instanceof Blob) return type === '' || content.type === type ? content : content.slice(0, content.size, type);
  throw invalid(REQUEST, `attachments[${i}].content`, 'expected a Uint8Array, an ArrayBuffer, a Blob or a string');
}

/**
 * A mail's `attachments` (`[{filename, content, contentType?}]`) as `[{filename, blob}]`, checked
 * here for their types and by the core against DirectMail's limits (at most 100 files, 15 MB in the
 * mail once base64-encoded), each problem named. Nothing is uploaded yet.
 */
export function readAttachments(list) {
  if (!Array.isArray(list)) throw invalid(REQUEST, 'attachments', 'expected an array of {filename, content, contentType?}');
  const files = list.map((item, i) => {
    if (item === null || typeof item !== 'object') throw invalid(REQUEST, `attachments[${i}]`, 'expected {filename, content, contentType?}');
    const { filename, content, contentType = '' } = item;
    if (typeof contentType !== 'string' || !/^[\x20-\x7e]{0,255}$/.test(contentType)) throw invalid(REQUEST, `attachments[${i}].contentType`, 'expected a MIME type, such as application/pdf');
    return { filename, blob: blobOf(content, contentType, i) };
  });
  wasm().checkAttachments(files.map(({ filename, blob }) => ({ filename, size: blob.size })));
  return files;
}

/** An upload's failure, naming the file; no mail was sent. */
function uploadFailed(i, filename, why, { code = 'general', data = {}, reason = 'network', retryable = false } = {}) {
  const message = `attachments[${i}] (${shown(filename, 100)}): ${why}; no mail was sent`;
  // A grant's error keeps its data (DirectMail's Code, the hint), but says this message.
  const { message: _message, errorDescription: _description, ...kept } = data;
  const error = codedError(code, message, { ...kept, attachment: { index: i, filename } }, reason);
  error.retryable = retryable;
  return error;
}

/** The caller's signal and a timeout, as one signal. */
function uploadSignal(signal) {
  const timeout = AbortSignal.timeout(UPLOAD_TIMEOUT_MS);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/** Uploads one file with its grant; resolves when OSS has it. */
async function upload(grant, file, i, fetch, signal) {
  const form = new FormData();
  for (const [name, value] of grant.fields) form.append(name, value);
  // OSS reads the fields before the file, so the file goes last.
  form.append('file', file.blob, grant.key);
  let response;
  try {
    // A redirect would post the file elsewhere: never followed.
    response = await fetch(grant.url, { method: 'POST', body: form, redirect: 'manual', signal: uploadSignal(signal) });
  } catch (error) {
    const aborted = signal?.aborted === true;
    throw uploadFailed(i, file.filename, aborted ? "the upload was aborted by the caller's signal" : `the upload to OSS failed (${describeCause(error)})`, { reason: aborted ? 'aborted' : 'network' });
  }
  let text = '';
  try {
    text = (await readCapped(response, MAX_UPLOAD_REPLY_BYTES, Date.now() + UPLOAD_TIMEOUT_MS)) ?? '';
  } catch {
    // The status says enough.
  }
  if (response.status === UPLOADED) return;
  const code = /<Code>([A-Za-z.]{1,64})<\/Code>/.exec(text)?.[1];
  const status = Number(response.status);
  throw uploadFailed(i, file.filename, `OSS refused the upload (HTTP ${status}${code ? `: ${code}` : ''})`, {
    data: { status, ...(code ? { Code: code } : {}) },
    reason: status >= 500 ? 'server' : 'rejected',
    retryable: status >= 500,
  });
}

/**
 * Uploads `files` (from `readAttachments`) through `sender` (a Sender, which signs the grants) and
 * `fetch`, a few at a time; resolves with `[{name, url}]` for the send, in the files' order. The
 * first failure stops the uploads not yet started and rejects, naming its file.
 */
export async function uploadAttachments(sender, files, fetch, signal) {
  const uploaded = new Array(files.length);
  let next = 0;
  let failure;
  async function worker() {
    while (failure === undefined && next < files.length) {
      const i = next++;
      const file = files[i];
      try {
        let grant;
        try {
          grant = await sender.grant(fetch, signal);
        } catch (error) {
          if (!isCodedError(error)) throw error;
          throw uploadFailed(i, file.filename, `AuthorizeFileUpload failed: ${error.message}`, error);
        }
        await upload(grant, file, i, fetch, signal);
        uploaded[i] = { name: file.filename, url: grant.attachmentUrl };
      } catch (error) {
        failure ??= error;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, files.length) }, worker));
  if (failure !== undefined) throw failure;
  return uploaded;
}

/**
 * What an idempotency key's store compares for attachments: each file's name, type, size and
 * SHA-256, read with the runtime's WebCrypto (not through wasm).
 */
export async function attachmentsDigest(files) {
  const parts = [];
  for (const { filename, blob } of files) {
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
    parts.push(`${JSON.stringify(filename)} ${JSON.stringify(blob.type)} ${blob.size} ${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`);
  }
  return parts.join('\n');
}
