"""vcheck kit adapter for the official Sinch Python SDK (PyPI sinch 1.1.4).

Run by `vcheck kit run -- build/python-venv/bin/python adapter.py` (make pip
installs the SDK): prints a capabilities line, then reads one scenario per
stdin line and prints one observation per stdout line. It reads errors only
through the SDK's public API: VerificationException and SinchException
(sinch/core/exceptions.py: response_status_code, http_response), and the
requests exceptions the SDK lets through (it wraps none of them).
"""
import json
import sys
import threading
import time
import urllib.parse

import requests
import sinch
from sinch import SinchClient
from sinch.core.exceptions import SinchException
from sinch.domains.verification.exceptions import VerificationException


def emit(o):
    sys.stdout.write(json.dumps(o) + "\n")
    sys.stdout.flush()


# connection_timeout is requests' timeout (sinch/core/adapters/
# requests_http_transport.py); nothing in the SDK retries.
emit({"sdk": "sinch", "version": sinch.__version__, "language": "python", "supports": {"retry": False, "timeout": True}})

operations = {
    "start_sms": lambda v, i: v.verifications.start_sms(
        identity={"type": "number", "endpoint": i["number"]}, reference=i.get("reference")),
    "status_by_id": lambda v, i: v.verification_status.get_by_id(id=i["id"]),
    "status_by_reference": lambda v, i: v.verification_status.get_by_reference(reference=i["reference"]),
}


def observe(err):
    """Turns what the SDK raised into the kit's vocabulary."""
    detail = "%s: %s" % (type(err).__name__, err)
    if isinstance(err, VerificationException):
        # sinch/domains/verification/endpoints/verification_endpoint.py: every
        # status >= 400 with a JSON body that has "message"; the body is the
        # dict the SDK parsed (sinch/core/ports/http_transport.py), so its
        # fields are the SDK's, not a raw body the caller parses.
        body = err.http_response.body if isinstance(err.http_response.body, dict) else {}
        fields = {f: body[f] for f in ("errorCode", "reference") if f in body}
        fields["message"] = str(err)
        return {"result": "api_error", "status": err.response_status_code, "error": fields, "detail": detail}
    if isinstance(err, SinchException):
        # A body that is not JSON. response_status_code is None for any
        # non-2xx (a failed requests.Response is falsy in the constructor);
        # http_response.status_code still has it, reported in detail only.
        status = err.response_status_code
        raw = getattr(err.http_response, "status_code", None)
        ok = status is not None and 200 <= status < 300
        return {"result": "parse_error" if ok else "api_error", "status": status or 0,
                "detail": "%s (response_status_code=%s, http_response.status_code=%s)" % (detail, status, raw)}
    if isinstance(err, requests.Timeout):
        return {"result": "timeout", "detail": detail}
    if isinstance(err, requests.RequestException):
        return {"result": "transport_error", "detail": detail}
    # Anything else escaped the SDK while it read the answer (a KeyError on
    # an error body without "message").
    return {"result": "parse_error", "detail": detail}


def run(sc):
    op = operations.get(sc["operation"])
    if op is None:
        return {"id": sc["id"], "result": "unsupported", "detail": "no operation %s" % sc["operation"]}
    c = SinchClient(application_key=sc["key"], application_secret=sc["secret"])
    c.configuration.verification_origin = urllib.parse.urlsplit(sc["base_url"]).netloc
    c.configuration.disable_https = True
    c.configuration.connection_timeout = sc.get("timeout_ms", 3000) / 1000
    box = {}

    def call():
        try:
            box["value"] = op(c.verification, sc.get("input") or {})
        except Exception as err:  # every failure is an observation
            box["err"] = err

    t0 = time.monotonic()
    # requests' timeout bounds each socket read, not the call: stop waiting
    # at the harness's deadline and report stuck.
    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(sc.get("deadline_ms", 10000) / 1000)
    out = {"id": sc["id"], "elapsed_ms": round((time.monotonic() - t0) * 1000)}
    if worker.is_alive():
        out.update(result="stuck", detail="the SDK call had not returned")
    elif "err" in box:
        out.update(observe(box["err"]))
    else:
        out.update(result="success", detail="value: %s" % type(box.get("value")).__name__)
    return out


for line in sys.stdin:
    if line.strip():
        emit(run(json.loads(line)))
