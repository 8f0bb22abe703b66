package proxy

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/vcheck/vcheck/contracts"
	"github.com/vcheck/vcheck/fixtures"
)

// GatewayPage is what body(html) sends: a gateway's page, not the API's.
const GatewayPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n"

// HugeSize is the size of a body(huge) answer: far more than any client
// should read into memory for an error.
const HugeSize = 16 << 20

// SinchBody returns the documented body of code as the reference mock sends
// it (fixtures/golden, byte for byte), or the published example verbatim,
// errata included; false for a code the catalog lacks.
func SinchBody(code int, example bool) ([]byte, int, bool) {
	spec, ok := catalog().Lookup(code)
	if !ok {
		return nil, 0, false
	}
	if example {
		return append([]byte(nil), spec.Example...), spec.HTTPStatus, true
	}
	if b, ok := fixtures.Golden(code); ok {
		return b, spec.HTTPStatus, true
	}
	return spec.Body(""), spec.HTTPStatus, true
}

// synthesize builds the answer of sinch/status/body actions; the upstream
// is not asked.
func synthesize(sinch, status, body *Action) *answer {
	ans := &answer{status: http.StatusOK, header: http.Header{}}
	code := 50000
	if sinch != nil {
		code = sinch.Code
		b, st, _ := SinchBody(sinch.Code, sinch.Example)
		ans.status, ans.body = st, b
		ans.header.Set("Content-Type", "application/json")
	}
	if body != nil {
		spec, _ := catalog().Lookup(code)
		switch body.Body {
		case BodyHTML:
			ans.status, ans.body = http.StatusBadGateway, []byte(GatewayPage)
			ans.header.Set("Content-Type", "text/html")
		case BodyText:
			ans.status, ans.body = http.StatusServiceUnavailable, []byte("Service Unavailable\n")
			ans.header.Set("Content-Type", "text/plain")
		case BodyEmpty:
			ans.status, ans.body = http.StatusServiceUnavailable, nil
			ans.header.Set("Content-Type", "application/json")
		case BodyNotJSON:
			ans.status, ans.body = http.StatusServiceUnavailable, []byte("upstream connect error or disconnect/reset before headers")
			ans.header.Set("Content-Type", "application/json")
		case BodyCodeAsString:
			ans.body, _ = json.Marshal(struct {
				Status    string `json:"status"`
				ErrorCode string `json:"errorCode"`
				Message   string `json:"message"`
			}{spec.Status, strconv.Itoa(spec.Code), strings.Join(spec.Messages, " / ")})
			ans.status = spec.HTTPStatus
		case BodyHuge:
			ans.status = spec.HTTPStatus
			setHuge(ans, spec)
			ans.header.Set("Content-Type", "application/json")
		}
	}
	if status != nil {
		ans.status = status.Status
	}
	return ans
}

// hugePad is the padding body(huge) sends, shared by every answer and
// never written to: a huge answer is generated as it is sent, so that
// clients that never read hold no copy of it.
var hugePad = bytes.Repeat([]byte("x"), 32<<10)

// setHuge makes ans the documented body of spec padded to HugeSize bytes;
// the padding is not stored (see answer.pad).
func setHuge(ans *answer, spec contracts.Spec) {
	head, _ := json.Marshal(struct {
		Status    string `json:"status"`
		ErrorCode int    `json:"errorCode"`
		Message   string `json:"message"`
	}{spec.Status, spec.Code, strings.Join(spec.Messages, " / ")})
	b := append(head[:len(head)-1:len(head)-1], `,"padding":"`...)
	ans.padAt = len(b)
	ans.body = append(b, `"}`...)
	ans.pad = HugeSize - len(ans.body)
}

// size is the length of the body as sent.
func (a *answer) size() int { return len(a.body) + a.pad }

// writeBody writes the first n bytes of the body as sent.
func (a *answer) writeBody(w io.Writer, n int) error {
	n = min(n, a.size())
	head := a.body[:min(n, a.padAt)]
	if a.pad == 0 {
		head = a.body[:n]
	}
	if _, err := w.Write(head); err != nil || a.pad == 0 {
		return err
	}
	for left := min(a.pad, n-a.padAt); left > 0; {
		k := min(left, len(hugePad))
		if _, err := w.Write(hugePad[:k]); err != nil {
			return err
		}
		left -= k
	}
	if n > a.padAt+a.pad {
		_, err := w.Write(a.body[a.padAt : n-a.pad])
		return err
	}
	return nil
}

// prefix returns at most n bytes of the body as sent.
func (a *answer) prefix(n int) []byte {
	if a.pad == 0 {
		return a.body[:min(len(a.body), n)]
	}
	var buf bytes.Buffer
	buf.Grow(min(n, a.size()))
	_ = a.writeBody(&buf, n)
	return buf.Bytes()
}

// Synthesize returns the whole answer a rule sends without asking the
// upstream (sinch, status, body and header actions only); false for a
// rule that forwards, delays or breaks the connection. The body is the
// whole of it, body(huge) included (HugeSize bytes): for export, not for
// answering many clients.
func Synthesize(r Rule) (status int, header map[string]string, body []byte, ok bool) {
	var sinch, st, b *Action
	header = map[string]string{}
	for i := range r.Actions {
		a := &r.Actions[i]
		switch a.Kind {
		case ActSinch:
			sinch = a
		case ActStatus:
			st = a
		case ActBody:
			b = a
		case ActHeader:
			header[a.Name] = a.Value
		default:
			return 0, nil, nil, false
		}
	}
	if sinch == nil && st == nil && b == nil {
		return 0, nil, nil, false
	}
	ans := synthesize(sinch, st, b)
	for k := range ans.header {
		header[k] = ans.header.Get(k)
	}
	return ans.status, header, ans.prefix(ans.size()), true
}
