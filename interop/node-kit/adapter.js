#!/usr/bin/env node
// vcheck kit adapter for the official Sinch Node SDK (@sinch/sdk-core and
// @sinch/verification 1.4.0). Run by `vcheck kit run -- node adapter.js`:
// prints a capabilities line, then reads one scenario per stdin line and
// prints one observation per stdout line. It reads errors only through the
// SDK's public API: its error classes, statusCode and the data string.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { SinchClient, RequestFailedError, ResponseJSONParseError, EmptyResponseError } = require('@sinch/sdk-core');

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules/@sinch/verification/package.json'), 'utf8'));
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');

// The SDK has no client timeout and does not retry (facts.md section 4).
emit({ sdk: '@sinch/verification', version: pkg.version, language: 'node', supports: { retry: false, timeout: false } });

const operations = {
  start_sms: (v, i) => v.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint: i.number }, ...(i.reference ? { reference: i.reference } : {}) },
  }),
  status_by_id: (v, i) => v.verificationStatus.getById({ id: i.id }),
  status_by_reference: (v, i) => v.verificationStatus.getByReference({ reference: i.reference }),
};

// observe turns what the SDK raised into the kit's vocabulary.
function observe(err) {
  const detail = `${err.constructor && err.constructor.name}: ${err.message}`;
  if (err instanceof ResponseJSONParseError) {
    // The body was not JSON. A non-2xx still carries its status on the error.
    const ok = err.statusCode >= 200 && err.statusCode < 300;
    return { result: ok ? 'parse_error' : 'api_error', status: err.statusCode, detail };
  }
  if (err instanceof RequestFailedError) {
    const o = { result: 'api_error', status: err.statusCode, detail };
    // The SDK exposes the body only as a JSON string (data): errorCode,
    // message and reference are reachable by parsing it, so they are marked raw.
    try {
      const body = typeof err.data === 'string' ? JSON.parse(err.data) : undefined;
      if (body && typeof body === 'object') {
        o.error = {};
        for (const f of ['errorCode', 'message', 'reference']) if (f in body) o.error[f] = body[f];
        o.raw = Object.keys(o.error);
      }
    } catch (_) { /* data was not JSON: nothing surfaced */ }
    return o;
  }
  if (err instanceof EmptyResponseError) {
    // Both a failed fetch and an empty non-2xx answer end here; only the
    // message tells them apart.
    const transport = /reason:|ECONN|socket|EPIPE|premature|terminated/i.test(err.message);
    return { result: transport ? 'transport_error' : 'parse_error', detail };
  }
  return { result: 'transport_error', detail };
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const queue = [];
let busy = false;
rl.on('line', (line) => { queue.push(line); pump(); });

async function pump() {
  if (busy) return;
  busy = true;
  while (queue.length > 0) emit(await run(JSON.parse(queue.shift())));
  busy = false;
}

async function run(sc) {
  const op = operations[sc.operation];
  if (!op) return { id: sc.id, result: 'unsupported', detail: `no operation ${sc.operation}` };
  const v = new SinchClient({
    applicationKey: sc.key, applicationSecret: sc.secret, verificationHostname: sc.base_url, logger: null,
  }).verification;
  const t0 = Date.now();
  let timer;
  // The SDK has no timeout: stop waiting at the harness's deadline.
  const deadline = new Promise((resolve) => { timer = setTimeout(resolve, sc.deadline_ms || 10000, 'stuck'); });
  try {
    const value = await Promise.race([op(v, sc.input || {}), deadline]);
    if (value === 'stuck') return { id: sc.id, result: 'stuck', elapsed_ms: Date.now() - t0, detail: 'the SDK call had not returned' };
    return { id: sc.id, result: 'success', elapsed_ms: Date.now() - t0, detail: `value: ${typeof value}` };
  } catch (err) {
    return { id: sc.id, elapsed_ms: Date.now() - t0, ...observe(err) };
  } finally {
    clearTimeout(timer);
  }
}
