// `aliyun-dm doctor`: the operator's checks for a connector config (see doctor.js), one line per
// finding with what to do. Exits 1 when a check fails, 2 on a usage error.
import { shown } from '../js/errors.js';
import { parseOrExit, usageError } from './args.js';
import { readConfigFile } from './config-file.js';
import { diagnose } from './doctor.js';

const usage = `Usage: aliyun-dm doctor --config FILE [--endpoint URL] [--json]

  Checks with signed read-only calls (DescAccountSummary, QueryMailAddressByParam,
  QueryDomainByParam, CheckDomain): the credentials, which region holds the sender, the quota
  left, the sender domain's verification, and this machine's clock against DirectMail's.
  The RAM user needs DirectMail read access (AliyunDirectMailReadOnlyAccess).

  --config FILE    the connector config JSON, as pasted into the Logto Console
  --endpoint URL   call this URL in every region instead of DirectMail's (for the emulator);
                   {region} in it becomes the region id
  --json           print the findings as JSON`;

const fail = (status, message) => {
  console.error(message);
  process.exit(status);
};

const MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** Runs the command with `argv` (the words after `doctor`). */
export async function runDoctor(argv) {
  const values = parseOrExit(argv, { config: { type: 'string' }, endpoint: { type: 'string' }, json: { type: 'boolean', default: false } }, usage, ['config']);
  if (values.endpoint !== undefined && !/^https?:\/\/\S+$/.test(values.endpoint)) usageError('--endpoint must be an http:// or https:// URL.', usage);
  const config = readConfigFile(values.config, fail);
  const endpointFor = values.endpoint === undefined ? undefined : (regionId) => values.endpoint.replaceAll('{region}', regionId);
  const findings = await diagnose(config, { endpointFor });
  if (values.json) {
    console.log(JSON.stringify(findings, null, 2));
  } else {
    for (const { status, check, message, todo } of findings) {
      // What DirectMail answered is shown escaped: no line can be forged from a reply.
      console.log(`${MARK[status]} ${check}: ${shown(message)}`);
      if (todo) console.log(`     → ${shown(todo)}`);
    }
  }
  process.exit(findings.some((f) => f.status === 'fail') ? 1 : 0);
}
