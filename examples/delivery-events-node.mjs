// DirectMail delivery events → Logto: node delivery-events-node.mjs
// An EventBridge rule sends DirectMail's events here (an HTTP target, with the header
// x-directmail-event-secret: $EVENT_SECRET). A failed delivery is recorded on the Logto user in
// customData.emailDelivery, found by the user id the mail was stamped with (deliveryEventHeaders)
// or else by the recipient's address.
// Env: EVENT_SECRET, LOGTO_ENDPOINT, LOGTO_M2M_APP_ID and LOGTO_M2M_APP_SECRET (a machine-to-machine
// app with the Logto Management API role), PORT (default 8788) and HOST (default: every interface).
import { createServer } from 'node:http';

import { checkEventSecret, parseDeliveryEvent } from 'connector-aliyun-dm-wasm/client';

const { EVENT_SECRET, LOGTO_ENDPOINT, LOGTO_M2M_APP_ID, LOGTO_M2M_APP_SECRET, PORT = '8788', HOST } = process.env;

/** A Management API token (client credentials); a fresh one per event keeps the example short. */
async function managementToken() {
  const response = await fetch(new URL('/oidc/token', LOGTO_ENDPOINT), {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${LOGTO_M2M_APP_ID}:${LOGTO_M2M_APP_SECRET}`)}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'https://default.logto.app/api', scope: 'all' }),
  });
  if (!response.ok) throw new Error(`Logto token: HTTP ${response.status}`);
  return (await response.json()).access_token;
}

/** Calls Logto's Management API. */
async function logto(token, method, path, body) {
  const response = await fetch(new URL(`/api${path}`, LOGTO_ENDPOINT), {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Logto ${method} ${path}: HTTP ${response.status}`);
  return response.json();
}

/** Records a failed delivery on the Logto user the mail was for. */
async function recordFailure(event) {
  const token = await managementToken();
  let userId = event.logto.userId;
  if (userId === undefined && event.recipient) {
    const found = await logto(token, 'GET', `/users?search=${encodeURIComponent(event.recipient)}`);
    userId = found.find((user) => user.primaryEmail === event.recipient)?.id;
  }
  if (userId === undefined) return;
  const emailDelivery = { status: 'failed', envId: event.envId, at: event.time, reason: event.errorMessage, usageType: event.logto.usageType };
  await logto(token, 'PATCH', `/users/${encodeURIComponent(userId)}/custom-data`, { customData: { emailDelivery } });
}

createServer(async (request, response) => {
  try {
    checkEventSecret(request.headers, EVENT_SECRET);
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const event = parseDeliveryEvent(Buffer.concat(chunks).toString('utf8'));
    if (event.kind === 'failed') await recordFailure(event);
    response.writeHead(204).end();
  } catch (error) {
    // 401 for a sender without the secret, 400 for what is not an event: EventBridge does not retry
    // those. Anything else (Logto unreachable) is 500, which EventBridge retries.
    const status = error.reason === 'auth' ? 401 : error.reason === 'request' ? 400 : 500;
    console.error(`event refused (${status}): ${error.message}`);
    response.writeHead(status).end();
  }
}).listen(Number(PORT), HOST, () => console.log(`delivery events handler listening on ${PORT}`));
