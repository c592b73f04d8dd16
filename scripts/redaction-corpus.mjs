// Writes vectors/redaction/echoes.json: replies in which a server or proxy echoes a credential back
// re-encoded, as an adversary tried them. Each encoding is made here with Node's own encoders (Buffer,
// encodeURIComponent, JSON), never with the connector's code, so the corpus is independent of the
// redactor it tests. Run: node scripts/redaction-corpus.mjs
import { writeFileSync } from 'node:fs';

// Shaped like real credentials: an STS token ("CAIS" and base64, with + / =) and a 30-character secret.
const token = `CAIS${Buffer.from(Array.from({ length: 240 }, (_, i) => (i * 37 + 11) % 256)).toString('base64')}`;
const secret = 'kX9vQ2mR7tLw4ZpN8cYh3BfJ6dGs1e';

const hex = (s, upper = false) => {
  const h = Buffer.from(s).toString('hex');
  return upper ? h.toUpperCase() : h;
};
// The base64 of `before + inner + after`, and the characters of it that only `inner`'s bytes make:
// the part that is the credential's.
const inBase64 = (before, inner, after, alphabet) => {
  const encoded = Buffer.from(before + inner + after).toString(alphabet);
  const [from, to] = [Buffer.byteLength(before), Buffer.byteLength(before + inner)];
  return { encoded, echoed: encoded.slice(Math.ceil((from * 8) / 6), Math.floor((to * 8) / 6)) };
};
const everyChar = (s, f) => Array.from(s, f).join('');
const escapes = {
  plain: (s) => s,
  'json-php-slashes': (s) => JSON.stringify(s).slice(1, -1).replaceAll('/', '\\/'),
  'json-gson-html-safe': (s) => everyChar(s, (c) => ('=+&<>\'/'.includes(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)),
  'json-every-char-escaped': (s) => everyChar(s, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`),
  'js-hex-escapes': (s) => everyChar(s, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`),
  'percent-once': (s) => encodeURIComponent(s),
  'percent-twice': (s) => encodeURIComponent(encodeURIComponent(s)),
  'percent-lowercase-hex': (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  'percent-every-byte': (s) => everyChar(s, (c) => `%${hex(c, true)}`),
  'form-encoded': (s) => new URLSearchParams({ t: s }).toString().slice(2),
  'html-decimal-entities': (s) => everyChar(s, (c) => `&#${c.charCodeAt(0)};`),
  'html-hex-entities': (s) => everyChar(s, (c) => `&#x${c.charCodeAt(0).toString(16)};`),
  'html-named-entities': (s) => s.replaceAll('/', '&sol;').replaceAll('+', '&plus;').replaceAll('=', '&equals;'),
  'quoted-printable': (s) => {
    const encoded = everyChar(s, (c) => (/[A-Za-z0-9]/.test(c) ? c : `=${hex(c, true)}`));
    return encoded.match(/.{1,70}(?=[^=]|$)|.+?$/g).join('=\r\n');
  },
  'uppercase': (s) => s.toUpperCase(),
  'lowercase': (s) => s.toLowerCase(),
  'swapped-case': (s) => everyChar(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())),
  'hex-lower': (s) => hex(s),
  'hex-upper': (s) => hex(s, true),
  'hex-odd-alignment': (s) => `7${hex(s)}`,
  'base64-mime-wrapped': (s) => Buffer.from(s).toString('base64').match(/.{1,76}/g).join('\r\n'),
  'base64-of-form-body': (s) => inBase64('Action=SingleSendMail&SecurityToken=', encodeURIComponent(s), '&Version=2015-11-23', 'base64'),
  'base64-of-json': (s) => inBase64('{"SecurityToken":"', s, '"}', 'base64url'),
  'base64-of-percent': (s) => Buffer.from(encodeURIComponent(s)).toString('base64'),
};
// Base64 at each alignment: the credential 0 to 3 bytes into what is encoded, in both alphabets,
// padded or not.
for (const prefix of ['', 'x', 'xy', 'xyz']) {
  escapes[`base64-offset-${prefix.length}`] = (s) => Buffer.from(prefix + s).toString('base64');
  escapes[`base64url-offset-${prefix.length}`] = (s) => Buffer.from(prefix + s).toString('base64url');
}
// Truncated echoes, from either end and from both.
const cuts = {
  whole: (s) => s,
  'first-12': (s) => s.slice(0, 12),
  'last-12': (s) => s.slice(-12),
  'middle-20': (s) => s.slice(Math.floor(s.length / 2) - 10, Math.floor(s.length / 2) + 10),
  'without-first-half': (s) => s.slice(Math.floor(s.length / 2)),
  'without-last-third': (s) => s.slice(0, Math.floor((s.length * 2) / 3)),
};

// The places a credential comes back in: an Aliyun error's fields, a proxy's page, and a success
// reply's RequestId, which reaches the caller unless it is checked.
const places = {
  'aliyun-message': (form) => ({ status: 400, body: JSON.stringify({ Code: 'SignatureDoesNotMatch', Message: `string to sign: ${form}`, RequestId: '0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A' }) }),
  'aliyun-recommend-and-host': (form) => ({ status: 404, body: JSON.stringify({ Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.', HostId: form, Recommend: `https://api.aliyun.com/troubleshoot?q=${form}` }) }),
  'proxy-page': (form) => ({ status: 502, body: `<html><body><pre>echo: ${form}</pre></body></html>` }),
  'success-request-id': (form) => ({ status: 200, body: JSON.stringify({ EnvId: '600000123', RequestId: form }) }),
};

const cases = [];
for (const [credentialName, credential] of [['token', token], ['secret', secret]]) {
  for (const [cutName, cut] of Object.entries(cuts)) {
    for (const [encodingName, encode] of Object.entries(escapes)) {
      // Every cut with the plain form; every encoding of the whole credential and of its first-half cut.
      if (cutName !== 'whole' && encodingName !== 'plain' && cutName !== 'without-first-half') continue;
      const made = encode(cut(credential));
      const { encoded: form, echoed } = typeof made === 'string' ? { encoded: made, echoed: made } : made;
      for (const [placeName, place] of Object.entries(places)) {
        // The error places take every form; the success place every encoding of the whole credential.
        if (placeName === 'success-request-id' && cutName !== 'whole') continue;
        cases.push({ name: `${credentialName}/${cutName}/${encodingName}/${placeName}`, ...place(form), echoed });
      }
    }
  }
}

const corpus = {
  about:
    'Replies that echo a credential re-encoded. `echoed` is the credential as the reply writes it (for a wrapped base64 form, the characters only its bytes make); no run of 12 of its characters (ignoring case) may reach an error or a result. Made by scripts/redaction-corpus.mjs.',
  credentials: { accessKeySecret: secret, securityToken: token },
  cases,
};
writeFileSync(new URL('../vectors/redaction/echoes.json', import.meta.url), `${JSON.stringify(corpus, null, 1)}\n`);
console.log(`${cases.length} cases`);
