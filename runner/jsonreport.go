package runner

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vcheck/vcheck/internal/atomicfile"
)

// reportFormat is the version of the JSON report's layout.
const reportFormat = 1

// CaseRecord is one case in the JSON report: what was sent (without
// secrets), what came back, and what the oracle found.
type CaseRecord struct {
	Case     int             `json:"case"`
	Family   string          `json:"family"`
	Codes    []int           `json:"codes"`
	Defect   string          `json:"defect"`
	Request  RequestRecord   `json:"request"`
	Response *ResponseRecord `json:"response,omitempty"`
	Findings []FindingRecord `json:"findings,omitempty"`
	// Transport is the transport failure, if the case got no answer.
	Transport string `json:"transport,omitempty"`
	// Cause is the Key of the case's Cause when it failed.
	Cause      string  `json:"cause,omitempty"`
	Attempts   int     `json:"attempts"`
	DurationMS float64 `json:"duration_ms"`
}

// ResponseRecord is an answer as recorded in reports.
type ResponseRecord struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	ErrorCode   int    `json:"error_code,omitempty"`
	// Body is cut at maxRecordedBody bytes; BodyBytes is its full length as read.
	Body      string `json:"body,omitempty"`
	BodyBytes int    `json:"body_bytes"`
}

// FindingRecord is one finding of the oracle.
type FindingRecord struct {
	Check   string `json:"check"`
	Code    int    `json:"code"`
	Message string `json:"message"`
}

const maxRecordedBody = 4 << 10

// JSONReport is the Reporter of the JSON report: every case, streamed as
// it is judged into a temporary file beside Path (atomicfile), then the
// summary, the file renamed into place by Report. Memory stays flat however
// many cases run, and a run that ends without Report (interrupted) leaves
// no file: Close removes the temporary one.
type JSONReport struct {
	Path string
	f    *atomicfile.File
	n    int
	err  error
}

// JSONFile returns the JSON report to be written to path.
func JSONFile(path string) *JSONReport { return &JSONReport{Path: path} }

// Check reports whether Path can be written.
func (r *JSONReport) Check() error { return checkWritable(r.Path) }

// open starts the temporary file, once.
func (r *JSONReport) open() {
	if r.f != nil || r.err != nil {
		return
	}
	r.f, r.err = atomicfile.Create(r.Path, reportPerm)
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.f, "{\"format\":%d,\"cases\":[", reportFormat)
	}
}

// Case appends one case record; an error is kept for Report to return.
func (r *JSONReport) Case(rec *CaseRecord) {
	r.open()
	if r.err != nil {
		return
	}
	b, err := json.Marshal(rec)
	if err != nil {
		r.err = err
		return
	}
	sep := ",\n"
	if r.n == 0 {
		sep = "\n"
	}
	if _, r.err = io.WriteString(r.f, sep); r.err == nil {
		_, r.err = r.f.Write(b)
	}
	r.n++
}

// Report writes the summary and renames the file into place.
func (r *JSONReport) Report(s *Summary) error {
	r.open()
	if r.err == nil {
		var b []byte
		if b, r.err = json.MarshalIndent(s, "", "  "); r.err == nil {
			_, r.err = fmt.Fprintf(r.f, "\n],\n\"summary\":%s}\n", b)
		}
	}
	if r.err == nil {
		r.err = r.f.Commit()
	}
	if r.err != nil {
		_ = r.Close() // r.err is the failure to report
		return fmt.Errorf("report %s: %w", r.Path, r.err)
	}
	r.err = errReported
	return nil
}

// errReported stops a JSONReport from being written twice.
var errReported = errors.New("already reported")

// Close removes the temporary file of a report that was not written.
func (r *JSONReport) Close() error {
	if r.f != nil {
		_ = r.f.Close()
	}
	return nil
}

// ReadSummary reads the summary of a JSON report, skipping its cases one by
// one so that a report of any size reads in constant memory.
func ReadSummary(path string) (*Summary, error) {
	return readReport(path, nil)
}

// readReport reads a JSON report's summary and hands each of its cases to
// onCase (when not nil) as it is read.
func readReport(path string, onCase func(*CaseRecord) error) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReader(f))
	bad := func(why string) error { return fmt.Errorf("%s: not a vcheck JSON report: %s", path, why) }
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, bad("want a JSON object")
	}
	var s *Summary
	format := 0
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, bad(err.Error())
		}
		switch t {
		case "format":
			if err := dec.Decode(&format); err != nil {
				return nil, bad("format: " + err.Error())
			}
		case "cases":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return nil, bad("cases is not an array")
			}
			for dec.More() {
				if onCase == nil {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return nil, bad("cases: " + err.Error())
					}
					continue
				}
				var rec CaseRecord
				if err := dec.Decode(&rec); err != nil {
					return nil, bad("cases: " + err.Error())
				}
				if err := onCase(&rec); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, bad(err.Error())
			}
		case "summary":
			s = new(Summary)
			if err := dec.Decode(s); err != nil {
				return nil, bad("summary: " + err.Error())
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, bad(err.Error())
			}
		}
	}
	switch {
	case format != reportFormat:
		return nil, bad(fmt.Sprintf("format %d, want %d", format, reportFormat))
	case s == nil:
		return nil, bad("no summary (was the run interrupted?)")
	}
	return s, nil
}
