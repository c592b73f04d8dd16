// Logto's real Admin Console in headless Chromium (playwright-core, Debian's chromium): the
// connector is created through the create guide as the Console fills it in, then edited on its
// details page through one form item of each kind it has (Text, Select, Switch, Number, Json),
// saved, and sent with; the emulator's mail must carry every edit. Last, the credentials are
// switched to the ECS instance's RAM role, whose fields the form shows only then, and the mail
// must be signed with the role's temporary key from the emulator's metadata service. Run by scripts/test-console.sh
// inside a Logto the Console's own end-to-end setup prepares (it seeds, adds the tarball, starts
// core and passes ADMIN_URL and EMU_PORT). Prints PASS/FAIL/INFO lines; exits 1 on any FAIL.
import { mkdirSync } from 'node:fs';

import { startEmulator, verifySignedBody } from 'connector-aliyun-dm-wasm/emulator';
import { chromium } from 'playwright-core';

const ADMIN = process.env.ADMIN_URL;
const SHOTS = process.env.SHOTS ?? './shots';
const KEYS = { KEYID: 'SECRET-0123456789' };
const USER = { name: 'admin', password: 'Adm1n-Passw0rd!x' };
mkdirSync(SHOTS, { recursive: true });

let failed = false;
const report = (verdict, step, detail = '') => {
  failed ||= verdict === 'FAIL';
  console.log(`${verdict} ${step}${detail ? `: ${detail}` : ''}`);
};
const check = (ok, step, detail) => report(ok ? 'PASS' : 'FAIL', step, detail);

const emulator = await startEmulator({ port: Number(process.env.EMU_PORT), accessKeys: KEYS, ecsRole: 'logto-mail' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
let shots = 0;
const shot = (name) => page.screenshot({ path: `${SHOTS}/${String(++shots).padStart(2, '0')}-${name}.png` });
const settle = async (ms = 1500) => {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForTimeout(ms);
};

/** The Console's connector calls: create, update and test, with their replies. */
const calls = [];
page.on('response', async (response) => {
  const { pathname } = new URL(response.url());
  const method = response.request().method();
  if (!/^\/api\/connectors(\/|$)/.test(pathname) || !['POST', 'PATCH'].includes(method)) return;
  calls.push({ method, pathname, status: response.status(), reply: await response.text().catch(() => '') });
});
const input = (key) => page.locator(`[name="formConfig.${key}"]`);
/** A form field by its title: the nearest field container around the title's text. */
const field = (title) => page.getByText(title, { exact: true }).first().locator('xpath=ancestor::div[contains(@class,"__field")][1]');

/** Types `text` into a field's code editor, replacing what it holds. */
async function typeJson(title, text) {
  const editor = field(title).locator('textarea');
  await editor.click();
  await editor.press('ControlOrMeta+a');
  await editor.press('Delete');
  await editor.pressSequentially(text);
}

/** Sends a test mail from the page's test section; returns the emulator's mail for it. */
async function testSend(step) {
  const before = emulator.mails.length;
  await page.locator('input[type=email]').last().fill('alice@example.com');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await settle(2000);
  await shot(step);
  const mail = emulator.mails[before];
  const request = emulator.requests.at(-1);
  check(Boolean(mail) && verifySignedBody(request.body, KEYS, request.method), step, mail ? `mail from ${mail.from}, subject "${mail.subject}"` : 'no mail reached the emulator');
  return mail;
}

try {
  // The first admin account, through the Console's welcome and sign-up pages.
  await page.goto(`${ADMIN}/console`, { waitUntil: 'networkidle' });
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/register');
  await page.locator('input[name=identifier]').fill(USER.name);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/register/password**');
  await page.locator('input[name=newPassword]').fill(USER.password);
  await page.locator('input[name=confirmPassword]').fill(USER.password);
  await page.getByRole('button', { name: 'Save password' }).click();
  await page.waitForURL('**/console/get-started', { timeout: 30_000 });
  await settle();

  // Create: the guide, with the required fields and the emulator's endpoint, as the Console fills the rest.
  await page.getByRole('link', { name: 'Connectors' }).click();
  await page.waitForURL('**/connectors/passwordless');
  await settle();
  await page.getByRole('row', { name: /Email connector/ }).getByRole('button', { name: 'Set up' }).click();
  await settle(1000);
  const modal = page.locator('.ReactModal__Content').last();
  await modal.getByText('Aliyun Direct Mail', { exact: true }).first().click();
  await modal.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Parameter configuration').waitFor();
  await input('accessKeyId').fill('KEYID');
  await input('accessKeySecret').fill('SECRET-0123456789');
  await input('accountName').fill('noreply@mail.example.com');
  await input('endpoint').fill(emulator.url);
  await page.getByRole('button', { name: 'Save and Done' }).click();
  await page.waitForURL('**/connectors/passwordless/**', { timeout: 15_000 });
  await settle();
  await shot('created');
  check(calls.some((c) => c.method === 'POST' && c.pathname === '/api/connectors' && c.status === 200), 'create', 'the create guide saved the connector as filled in');

  // Edit: one form item of each kind, then save.
  await input('fromAlias').fill('Edited');
  await field('Body Type').getByText('HTML (values are HTML-escaped)', { exact: true }).click();
  await page.getByText('Plain text', { exact: true }).click();
  await field('Click Tracking').locator('label, input[type=checkbox]').first().click({ force: true });
  await input('timeoutMs').fill('5000');
  await typeJson('Mail Headers / 邮件头', '{"X-User-Trace":"edited"}');
  await shot('edited');
  const before = calls.length;
  await page.getByRole('button', { name: 'Save changes' }).click();
  await settle(2000);
  await shot('saved');
  const saved = calls.slice(before).find((c) => c.method === 'PATCH' && c.status === 200);
  check(Boolean(saved), 'save-edits', saved ? `PATCH ${saved.pathname} -> 200` : `no update was saved (${JSON.stringify(calls.slice(before))})`);
  if (saved) {
    // What Logto stored: the reply to the update holds the connector's config.
    const { config } = JSON.parse(saved.reply);
    const expected = { fromAlias: 'Edited', contentType: 'text', clickTrace: true, timeoutMs: 5000, headers: { 'X-User-Trace': 'edited' } };
    for (const [key, value] of Object.entries(expected)) {
      check(JSON.stringify(config[key]) === JSON.stringify(value), `edit-${key}`, `saved as ${JSON.stringify(config[key])}`);
    }
  }

  // The saved connector sends with every edit.
  await page.reload({ waitUntil: 'networkidle' });
  await settle();
  const mail = await testSend('test-send-after-edit');
  if (mail) {
    check(mail.params.FromAlias === 'Edited', 'mail-fromAlias', String(mail.params.FromAlias));
    check(mail.params.TextBody !== undefined && mail.params.HtmlBody === undefined, 'mail-contentType', mail.params.TextBody === undefined ? 'HtmlBody' : 'TextBody');
    check(mail.params.ClickTrace === '1', 'mail-clickTrace', String(mail.params.ClickTrace));
    check(mail.params.Headers === '{"X-User-Trace":"edited"}', 'mail-headers', String(mail.params.Headers));
  }

  // A role in place of the keys: the role's own fields appear only for it, and the mail is signed
  // with the temporary key the metadata service hands out.
  check((await input('roleName').count()) === 0, 'role-fields-hidden', 'no ECS role field while the source is the AccessKey pair');
  await field('Credentials / 凭据来源').getByText('AccessKey pair (AccessKey 密钥对)', { exact: true }).click();
  await page.getByText('RAM role of the ECS instance (ECS 实例 RAM 角色)', { exact: true }).click();
  await input('metadataEndpoint').fill(emulator.url);
  check((await input('roleArn').count()) === 0, 'role-fields-shown', 'the ECS role fields and not the assume-role ones');
  await shot('ecs-role');
  const beforeRole = calls.length;
  await page.getByRole('button', { name: 'Save changes' }).click();
  await settle(2000);
  const savedRole = calls.slice(beforeRole).find((c) => c.method === 'PATCH' && c.status === 200);
  check(Boolean(savedRole) && JSON.parse(savedRole.reply).config.credentialsSource === 'ecs-ram-role', 'save-ecs-role', savedRole ? 'saved' : JSON.stringify(calls.slice(beforeRole)));
  await page.reload({ waitUntil: 'networkidle' });
  await settle();
  const sentBefore = emulator.mails.length;
  await page.locator('input[type=email]').last().fill('alice@example.com');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await settle(2000);
  await shot('test-send-ecs-role');
  const roleMail = emulator.mails[sentBefore];
  const signer = emulator.requests.filter((r) => r.params.Action === 'SingleSendMail').at(-1)?.params.AccessKeyId ?? '';
  const asked = emulator.requests.some((r) => r.url.startsWith('/latest/meta-data/ram/security-credentials/logto-mail'));
  check(Boolean(roleMail) && signer.startsWith('STS.') && asked, 'mail-ecs-role', roleMail ? `signed by ${signer.slice(0, 4)}…, role asked: ${asked}` : 'no mail reached the emulator');
} catch (error) {
  report('FAIL', 'browser-flow', String(error?.message ?? error).split('\n')[0]);
  await shot('error').catch(() => {});
} finally {
  await browser.close();
  await emulator.close();
}
process.exitCode = failed ? 1 : 0;
