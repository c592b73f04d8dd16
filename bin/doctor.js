// The operator's checks behind `aliyun-dm doctor`: from a connector config, with signed read-only
// calls to DirectMail, whether the credentials work, which region holds the sender, how much
// quota is left, whether the sender's domain is verified, and how far this machine's clock is from
// Aliyun's. Each finding says what to do. Nothing here quotes a credential: failures are named by
// DirectMail's Code and the package's hint.
import { parseSendMailReply, validateConfig } from '../js/client/node.js';
import { providerForConfig } from '../js/credentials.js';
import { wasm } from '../js/wasm.js';

const VERSION = '2015-11-23';
/** Aliyun refuses a V2 Timestamp more than 15 minutes off; a few seconds is a clock to fix already. */
const SKEW_WARN_MS = 60_000;
const SKEW_FAIL_MS = 10 * 60_000;
/** A read-only call that takes longer than this fails. */
const CALL_TIMEOUT_MS = 15_000;

/** What to check when a role's credentials cannot be fetched. */
const ROLE_TODO = {
  'assume-role': 'Check roleArn, and that the AccessKey pair may assume it (sts:AssumeRole, and the role\'s trust policy).',
  'ecs-ram-role': 'Run on the ECS instance, with a RAM role attached to it (and roleName, if set, naming that role).',
  'oidc-role': 'Run in the ACK pod with RRSA enabled for its service account: ALIBABA_CLOUD_ROLE_ARN, _OIDC_PROVIDER_ARN and _OIDC_TOKEN_FILE set, and the role trusting the OIDC provider.',
};

/** One finding: `ok`, `warn` or `fail`, what was found, and what to do about it. */
const finding = (status, check, message, todo) => ({ status, check, message, ...(todo ? { todo } : {}) });

/**
 * Runs every check for `config` (a connector config object). `endpointFor(regionId, endpoint)`
 * gives the URL to call in each region (the region's public endpoint by default, the config's own
 * for its region); `fetch` and `now` are the runtime's by default. Resolves with the findings.
 */
export async function diagnose(config, { fetch = globalThis.fetch, now = Date.now, endpointFor } = {}) {
  const findings = [];
  let normalized;
  try {
    normalized = validateConfig(config);
  } catch (error) {
    for (const issue of error.data?.issues ?? [{ path: '(config)', message: error.message }]) {
      findings.push(finding('fail', 'config', `${issue.path}: ${issue.message}`, 'Fix the config first (aliyun-dm check lists every problem).'));
    }
    return findings;
  }
  for (const { path, message } of normalized.warnings ?? []) findings.push(finding('warn', 'config', `${path}: ${message}`));
  const regions = wasm().regions();
  const own = normalized.regionId;
  const urlFor = endpointFor ?? ((regionId) => (regionId === own && config.endpoint ? config.endpoint : regions.find((r) => r.regionId === regionId).endpoint));
  let credentials = { accessKeyId: normalized.accessKeyId, accessKeySecret: normalized.accessKeySecret, ...(normalized.securityToken ? { securityToken: normalized.securityToken } : {}) };
  // A role: its temporary credentials are fetched as a send would fetch them, and make the calls.
  if (normalized.credentialsSource !== undefined) {
    try {
      const { accessKeyId, accessKeySecret, securityToken } = await providerForConfig(normalized, fetch)();
      credentials = { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) };
      findings.push(finding('ok', 'role', `The ${normalized.credentialsSource} role's temporary credentials were fetched.`));
    } catch (error) {
      findings.push(finding('fail', 'role', `The ${normalized.credentialsSource} role's credentials could not be fetched: ${error.message}`, ROLE_TODO[normalized.credentialsSource]));
      return findings;
    }
  }

  /** One signed read-only call in `regionId`: `{reply, date}` or `{error}` (a DirectMailError with DirectMail's Code and hint). */
  async function call(regionId, action, params = {}) {
    const request = wasm().signCall({ ...credentials, action, version: VERSION, regionId, endpoint: urlFor(regionId), params, signatureVersion: normalized.signatureVersion });
    let response;
    try {
      response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    } catch (error) {
      return { error: { code: 'general', reason: 'network', message: `no answer from ${new URL(request.url).host} (${error?.name ?? 'error'})` } };
    }
    const text = await response.text();
    const date = Date.parse(response.headers.get('date') ?? '');
    if (response.ok) {
      try {
        return { reply: JSON.parse(text), date };
      } catch {
        return { error: { reason: 'response', message: `HTTP ${response.status} with a body that is not JSON`, data: { status: response.status } }, date };
      }
    }
    // DirectMail's error replies read as a send's would: the same table, Code and hint.
    try {
      parseSendMailReply(response.status, text);
    } catch (error) {
      return { error, date };
    }
    return { error: { reason: 'response', message: `HTTP ${response.status}`, data: { status: response.status } }, date };
  }
  // DirectMail's Code and the package's hint, never the server's Message or body: a server may
  // echo the request, and the security token travels in it.
  const described = (error) => {
    if (error.data?.Code) return `${error.data.Code}${error.data.hint ? `: ${error.data.hint}` : ''}`;
    if (error.reason === 'network') return error.message;
    return `an answer that is not DirectMail's${error.data?.status ? ` (HTTP ${error.data.status})` : ''}`;
  };

  // The credentials, and the quota, in the config's region.
  const summary = await call(own, 'DescAccountSummary');
  if (Number.isFinite(summary.date)) {
    const skew = summary.date - now();
    const seconds = Math.round(Math.abs(skew) / 1000);
    const direction = skew > 0 ? 'behind' : 'ahead of';
    if (Math.abs(skew) >= SKEW_FAIL_MS) findings.push(finding('fail', 'clock', `This machine's clock is ${seconds} s ${direction} DirectMail's.`, 'Synchronise the clock (NTP): Aliyun refuses requests signed with a time 15 minutes off.'));
    else if (Math.abs(skew) >= SKEW_WARN_MS) findings.push(finding('warn', 'clock', `This machine's clock is ${seconds} s ${direction} DirectMail's.`, 'Synchronise the clock (NTP) before it drifts further.'));
    else findings.push(finding('ok', 'clock', `This machine's clock is within ${Math.max(seconds, 1)} s of DirectMail's.`));
  }
  if (summary.error) {
    const auth = summary.error.reason === 'auth';
    findings.push(finding('fail', 'credentials', `DirectMail refused the credentials in ${own}: ${described(summary.error)}`, auth ? 'Check accessKeyId and accessKeySecret in the RAM console; the RAM user needs DirectMail read access (AliyunDirectMailReadOnlyAccess) for these checks.' : undefined));
    if (auth || summary.error.reason === 'network') return findings;
  } else {
    findings.push(finding('ok', 'credentials', `DirectMail accepted the credentials in ${own}.`));
    const s = summary.reply;
    const left = Number(s.DailyRemainFreeQuota);
    const line = `Daily quota ${s.DailyQuota}, monthly ${s.MonthQuota}; free quota left today ${s.DailyRemainFreeQuota}, in all ${s.RemainFreeQuota}.`;
    findings.push(left === 0 ? finding('fail', 'quota', line, "Sends fail with 'usage_limit_exceeded' until the quota resets; raise it in the DirectMail console.") : finding('ok', 'quota', line));
  }

  // Which region holds the sender.
  const holding = [];
  for (const { regionId } of regions) {
    const found = await call(regionId, 'QueryMailAddressByParam', { KeyWord: normalized.accountName, PageSize: '50' });
    const addresses = found.reply?.data?.mailAddress ?? [];
    const match = addresses.find((a) => String(a.AccountName).toLowerCase() === normalized.accountName.toLowerCase());
    if (match) holding.push({ regionId, match });
  }
  if (holding.some((h) => h.regionId === own)) {
    findings.push(finding('ok', 'sender', `${normalized.accountName} is a sender address in ${own}.`));
  } else if (holding.length > 0) {
    const where = holding.map((h) => h.regionId).join(', ');
    findings.push(finding('fail', 'sender', `${normalized.accountName} is a sender address in ${where}, not in ${own}, the config's region.`, `Set regionId to ${holding[0].regionId} (sends now fail with InvalidMailAddress.NotFound).`));
  } else {
    findings.push(finding('fail', 'sender', `${normalized.accountName} is not a sender address in any region.`, 'Create it in the DirectMail console (Sender Addresses), in the region the config names.'));
  }

  // The sender's domain, where the sender is.
  const at = normalized.accountName.lastIndexOf('@');
  const domain = normalized.accountName.slice(at + 1).toLowerCase();
  const region = holding.find((h) => h.regionId === own)?.regionId ?? holding[0]?.regionId;
  if (region !== undefined) {
    const domains = await call(region, 'QueryDomainByParam', { KeyWord: domain, PageSize: '50' });
    const entry = (domains.reply?.data?.domain ?? []).find((d) => String(d.DomainName).toLowerCase() === domain);
    const checked = entry ? await call(region, 'CheckDomain', { DomainId: String(entry.DomainId) }) : undefined;
    if (checked?.reply?.DomainStatus === 0) findings.push(finding('ok', 'domain', `${domain} is verified in ${region}.`));
    else if (checked?.reply) findings.push(finding('fail', 'domain', `${domain} is not verified in ${region}.`, "Add the domain's DNS records (ownership, SPF, MX, DKIM) from its page in the DirectMail console, then verify it there."));
    else findings.push(finding('warn', 'domain', `${domain}'s status could not be read in ${region}${checked?.error ? `: ${described(checked.error)}` : domains.error ? `: ${described(domains.error)}` : ''}.`, 'See the domain in the DirectMail console.'));
  }
  return findings;
}
