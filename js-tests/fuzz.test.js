// The sendMessage property fuzz at a size CI can afford; `npm run fuzz:js` runs 100,000 cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fuzzSendMessage } from './fuzz-send-message.js';

test('sendMessage fuzz: only ConnectorError, no trap, no leaked secret, instance usable (2,000 cases)', async () => {
  const { numRuns, outcomes } = await fuzzSendMessage(2_000);
  assert.equal(numRuns, 2_000);
  // The cases reach every stage: sent, config errors, message errors, Aliyun errors, bad replies.
  for (const outcome of ['sent', 'invalid_config', 'invalid_request_parameters', 'general', 'invalid_response', 'rate_limit_exceeded']) {
    assert.ok(outcomes[outcome] >= 3, `${outcome}: ${JSON.stringify(outcomes)}`);
  }
});
