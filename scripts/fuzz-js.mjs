#!/usr/bin/env node
// `npm run fuzz:js [cases] [seed]`: the sendMessage property fuzz at full size (100,000 by default).
import { fuzzSendMessage } from '../js-tests/fuzz-send-message.js';

const numRuns = Number(process.argv[2] ?? 100_000);
const seed = process.argv[3] === undefined ? Date.now() : Number(process.argv[3]);
const started = performance.now();
const { outcomes, consoleLines } = await fuzzSendMessage(numRuns, seed);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`sendMessage fuzz: ${numRuns} cases, seed ${seed}, ${seconds} s, 0 failures`);
console.log(`outcomes: ${JSON.stringify(outcomes)}; console lines seen: ${consoleLines}`);
