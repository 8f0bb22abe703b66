"""Drives the official Sinch Python SDK (PyPI sinch 1.1.4) against vcheck.

mock/interop_python_test.go runs it with the venv's python (make pip) and
VCHECK_ORIGIN (host:port of the mock or of a proxy session), VCHECK_KEY,
VCHECK_SECRET and VCHECK_CODE in the environment: the secret never goes
through argv, and nothing here prints it. Each argument names a step; each
step prints one JSON line that the Go test asserts on.
"""
import base64
import json
import os
import sys

# sinch/__init__.py exports the client; VerificationException is what
# sinch/domains/verification/endpoints/verification_endpoint.py raises for
# every status >= 400, a SinchException (sinch/core/exceptions.py) carrying
# the HTTPResponse (sinch/core/models/http_response.py: status_code, body).
from sinch import SinchClient
from sinch.core.exceptions import SinchException
from sinch.domains.verification.exceptions import VerificationException


def client(secret):
    c = SinchClient(application_key=os.environ["VCHECK_KEY"], application_secret=secret)
    # sinch/core/clients/sinch_client_configuration.py: host[:port] without
    # a scheme, and the scheme chosen by disable_https
    # (sinch/core/ports/http_transport.py prepare_request).
    c.configuration.verification_origin = os.environ["VCHECK_ORIGIN"]
    c.configuration.disable_https = True
    c.configuration.connection_timeout = 10
    return c.verification


sdk = client(os.environ["VCHECK_SECRET"])
code = os.environ["VCHECK_CODE"]
numbers = iter(range(1, 10000))


def number():
    # Distinct drama numbers (Ofcom 0113 496 0xxx), so that the velocity
    # limit never meets a step by accident.
    return "+44113496%04d" % next(numbers)


def start(v=sdk, endpoint=None):
    return v.verifications.start_sms(identity={"type": "number", "endpoint": endpoint or number()})


def success():
    started = start()
    report = sdk.verifications.report_sms_by_id(id=started.id, code=code)
    status = sdk.verification_status.get_by_id(id=started.id)
    return {"id": started.id, "report": report.status, "status": status.status}


# A secret the mock does not know: still base64, so the SDK signs with it.
wrong = base64.b64encode(b"not the mock's secret").decode()

steps = {
    "start": lambda: (lambda r: {"id": r.id, "method": r.method})(start()),
    "no-plus": lambda: start(endpoint="441134969999"),
    "long-code": lambda: sdk.verifications.report_sms_by_id(id=start().id, code="1234567890123"),
    "unknown-id": lambda: sdk.verifications.report_sms_by_id(id="00000000-0000-4000-8000-000000000000", code=code),
    "wrong-secret": lambda: start(v=client(wrong)),
    "success": success,
}

for name in sys.argv[1:]:
    out = {"step": name}
    try:
        value = steps[name]()
        out.update(result="success", value=value if isinstance(value, dict) else None)
    except VerificationException as err:
        out.update(result="api_error", status=err.response_status_code, message=str(err),
                   errorCode=err.http_response.body.get("errorCode"))
    except SinchException as err:
        out.update(result="sdk_error", status=err.response_status_code, message=str(err))
    except Exception as err:  # a crash inside the SDK is an observation too
        out.update(result="crash", message="%s: %s" % (type(err).__name__, err))
    print(json.dumps(out), flush=True)
