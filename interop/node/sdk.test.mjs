// Drives the official Sinch Node SDK (@sinch/sdk-core 1.4.0 with
// @sinch/verification 1.4.0) against vcheck's mock. mock/interop_test.go
// starts the mock and runs `node --test` here with VCHECK_URL, VCHECK_KEY,
// VCHECK_SECRET, VCHECK_CODE (the code the mock accepts) and VCHECK_MAGIC
// (the magic-number table as JSON) in the environment. The secret is never
// printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sdk from '@sinch/sdk-core';

const { SinchClient } = sdk;

function env(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run this through mock/interop_test.go (make interop)`);
  }
  return v;
}

const url = env('VCHECK_URL');
const code = env('VCHECK_CODE');
const magic = JSON.parse(env('VCHECK_MAGIC'));
const verification = new SinchClient({
  applicationKey: env('VCHECK_KEY'),
  applicationSecret: env('VCHECK_SECRET'),
  verificationHostname: url,
  logger: null,
}).verification;

// Distinct drama numbers (Ofcom 0113 496 0xxx) so the velocity limit never
// meets a test by accident; the mock is fresh for each run.
let next = 0;
const number = () => `+44113496${String(++next).padStart(4, '0')}`;

// rejection runs fn, which must fail with the SDK's RequestFailedError, and
// returns its HTTP status and the error body it carried.
async function rejection(fn) {
  try {
    await fn();
  } catch (err) {
    assert.equal(err.constructor.name, 'RequestFailedError', `got ${err.constructor.name}: ${err.message}`);
    return { statusCode: err.statusCode, body: JSON.parse(err.data) };
  }
  assert.fail('the SDK call succeeded; the mock should have answered an error');
}

test('a signed SMS start is accepted and answers the documented fields', async () => {
  const res = await verification.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint: number() } },
  });
  assert.match(res.id, /^[0-9a-f-]{36}$/);
  assert.equal(res.method, 'sms');
  assert.equal(typeof res.sms.template, 'string');
  assert.deepEqual(res._links.map((l) => [l.rel, l.method]), [['status', 'GET'], ['report', 'PUT']]);
});

test('reporting the documented code by id verifies; a wrong code is FAIL', async () => {
  const ok = await verification.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint: number() } },
  });
  const report = await verification.verifications.reportSmsById({
    id: ok.id,
    reportSmsVerificationByIdRequestBody: { sms: { code } },
  });
  assert.equal(report.status, 'SUCCESSFUL');

  const other = await verification.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint: number() } },
  });
  const fail = await verification.verifications.reportSmsById({
    id: other.id,
    reportSmsVerificationByIdRequestBody: { sms: { code: code === '0000' ? '1111' : '0000' } },
  });
  assert.equal(fail.status, 'FAIL');
});

test('report by identity, status by id, identity and reference (a reference with a space)', async () => {
  const endpoint = number();
  const reference = `node ref ${endpoint}`;
  const started = await verification.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint }, reference },
  });
  const byRef = await verification.verificationStatus.getByReference({ reference });
  assert.equal(byRef.id, started.id);
  assert.equal(byRef.status, 'PENDING');

  const report = await verification.verifications.reportSmsByIdentity({
    endpoint,
    reportSmsVerificationByIdentityRequestBody: { sms: { code } },
  });
  assert.equal(report.status, 'SUCCESSFUL');

  const byId = await verification.verificationStatus.getById({ id: started.id });
  assert.equal(byId.status, 'SUCCESSFUL');
  assert.equal(byId.identity.endpoint, endpoint);
  const byIdentity = await verification.verificationStatus.getByIdentity({ method: 'sms', endpoint });
  assert.equal(byIdentity.id, started.id);
});

test('flashcall and phone call starts', async () => {
  const flash = await verification.verifications.startFlashCall({
    startVerificationWithFlashCallRequestBody: { identity: { type: 'number', endpoint: number() } },
  });
  assert.equal(flash.method, 'flashcall');
  assert.equal(typeof flash.flashCall.cliFilter, 'string');
  const report = await verification.verifications.reportFlashCallById({
    id: flash.id,
    reportFlashCallVerificationByIdRequestBody: { flashCall: { cli: `+4670000${code}` } },
  });
  assert.equal(report.status, 'SUCCESSFUL');

  const call = await verification.verifications.startPhoneCall({
    startVerificationWithPhoneCallRequestBody: { identity: { type: 'number', endpoint: number() } },
  });
  assert.equal(call.method, 'callout');
  const called = await verification.verifications.reportPhoneCallById({
    id: call.id,
    reportPhoneCallVerificationByIdRequestBody: { phoneCall: { code } },
  });
  assert.equal(called.status, 'SUCCESSFUL');
});

test('a number without its leading plus surfaces 40005 and its documented message', async () => {
  const { statusCode, body } = await rejection(() => verification.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint: '441134969999' } },
  }));
  assert.equal(statusCode, 400);
  assert.equal(body.errorCode, 40005);
  assert.equal(body.status, '400 NumberMissingLeadingPlus');
  assert.equal(body.message, 'Phone number missing leading plus sign');
});

test('an invalid SMS code surfaces 40001', async () => {
  const started = await verification.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint: number() } },
  });
  const { statusCode, body } = await rejection(() => verification.verifications.reportSmsById({
    id: started.id,
    reportSmsVerificationByIdRequestBody: { sms: { code: 'far-too-long-code' } },
  }));
  assert.equal(statusCode, 400);
  assert.equal(body.errorCode, 40001);
});

test('a report to an unknown id surfaces 40400', async () => {
  const { statusCode, body } = await rejection(() => verification.verifications.reportSmsById({
    id: '00000000-0000-4000-8000-000000000000',
    reportSmsVerificationByIdRequestBody: { sms: { code } },
  }));
  assert.equal(statusCode, 404);
  assert.equal(body.errorCode, 40400);
  assert.equal(body.message, 'Requested resource not found');
});

test('each magic number surfaces its code', async () => {
  assert.ok(Object.keys(magic).length > 0, 'VCHECK_MAGIC lists no magic number');
  for (const [endpoint, want] of Object.entries(magic)) {
    const { statusCode, body } = await rejection(() => verification.verifications.startSms({
      startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint } },
    }));
    assert.equal(body.errorCode, want.code, endpoint);
    assert.equal(statusCode, want.http, endpoint);
    assert.equal(body.message, want.message, endpoint);
  }
});

test('a second start to the same number surfaces 42901', async () => {
  const endpoint = number();
  await verification.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint } },
  });
  const { statusCode, body } = await rejection(() => verification.verifications.startSms({
    startVerificationWithSmsRequestBody: { identity: { type: 'number', endpoint } },
  }));
  assert.equal(statusCode, 429);
  assert.equal(body.errorCode, 42901);
});
