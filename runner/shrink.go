package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vcheck/vcheck/conformance"
)

// shrinkTime bounds the shrinking of one failing case.
const shrinkTime = 20 * time.Second

// errResendRateLimited is a confirming re-send that met only rate-limit
// answers: it proves nothing either way.
var errResendRateLimited = errors.New("the re-send was answered with rate-limit errors only")

// errNoShrinkRemote stands for a shrink step not sent: against a remote
// target a start is re-sent once to confirm it, never to shrink it.
var errNoShrinkRemote = errors.New("not shrunk: each step would start a verification on a remote target")

// shrinkGroups re-sends the first case of each finding group to confirm it
// and shrinks it to a minimal one (conformance.Shrink), for at most
// o.MaxShrink groups, within the budget. Only a re-send that was judged and
// showed no violation at all marks a group flaky, which is reported but
// does not fail the run; a re-send that could not be judged (transport,
// setup, rate limits that outlast the waits) or that failed another way
// leaves the group a failure, marked unconfirmed. A rate-limited re-send is
// sent again after Retry-After (or wait), at most maxRateLimitWaits times.
//
// Against a remote target, a group whose case is a start or has setup steps
// (which start a verification) is confirmed by one re-send and never
// shrunk: each shrink step would be another start.
func shrinkGroups(ctx context.Context, o *Options, d *doer, target conformance.Target, oracle conformance.Oracle, col *collector, wait time.Duration, remote bool) {
	for i, key := range col.order {
		g := col.groups[key]
		if i >= o.MaxShrink || d.left() == 0 {
			g.Unconfirmed = "not re-sent: shrink limit or budget reached"
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, shrinkTime)
		var last *conformance.Response          // rapid's last send confirms the minimal case
		var firstErr error                      // the re-send of the original case could not be judged
		var firstFindings []conformance.Finding // what the re-send of the original case showed
		sends := 0
		once := false
		if remote {
			c := conformance.DrawOne(*g.fam, g.seed)
			once = len(c.Setup) > 0 || c.Request.Method == http.MethodPost
		}
		send := func(ctx context.Context, c conformance.Case) ([]conformance.Finding, error) {
			sends++
			if once && sends > 1 {
				return nil, errNoShrinkRemote
			}
			// Only the confirming re-send waits out rate limits: a shrink
			// step that is rate-limited just does not fail like the
			// original, and rapid moves on.
			waits := 0
			if sends == 1 {
				waits = maxRateLimitWaits
			}
			fs, resp, err := resend(ctx, d, target, oracle, c, wait, waits)
			if sends == 1 {
				firstErr, firstFindings = err, fs
			}
			if err != nil {
				return nil, err
			}
			last = resp
			return fs, nil
		}
		res, err := conformance.Shrink(sctx, *g.fam, g.seed, send)
		cancel()
		// The group is one answer to one check for one code: a re-send
		// confirms it only by failing that check with that answer, and a
		// shrunk case that fails it with another answer, or for another
		// code (a stateful family draws several), is not its example.
		same := func(fs []conformance.Finding) (conformance.Finding, bool) {
			for _, f := range fs {
				if f.Check == g.Check && f.Severity == conformance.SeverityViolation && observedValue(f) == g.Observed && firstCode(f.Codes) == g.Code {
					return f, true
				}
			}
			return conformance.Finding{}, false
		}
		_, confirmed := same(firstFindings)
		switch {
		case res.Reproduced && confirmed:
			g.Example.Confirmed = true
			if f, ok := same(res.Findings); ok {
				g.Example.Defect = res.Case.Defect
				g.Example.Request = record(res.Case.Request)
				g.Example.Curl = Curl(o.Command, col.baseURL, res.Case)
				g.Message = f.String()
				g.Shrunk = res.Sent > 1 && !once
				if last != nil {
					g.Example.Status, g.Example.Body = last.HTTPStatus, cut(string(last.Body), maxRecordedBody)
				}
			}
		case err != nil:
			g.Unconfirmed = fmt.Sprintf("could not be re-sent: %v", err)
		case firstErr != nil:
			// A stateful case re-sent meets the state its first sending left
			// (a velocity limit, a used reference): that disproves nothing.
			g.Unconfirmed = fmt.Sprintf("the re-send could not be judged: %v", firstErr)
		case len(conformance.Violations(firstFindings)) > 0:
			g.Unconfirmed = "the re-send failed another way: " + conformance.Violations(firstFindings)[0].String()
		default:
			g.Unconfirmed = "did not fail again when re-sent (flaky target?)"
			g.Flaky = true
		}
	}
}

// resend sends one case for confirmation; an answer that is only an
// unasked-for rate-limit error is waited out and sent again, and one that
// stays rate-limited after waits waits is errResendRateLimited.
func resend(ctx context.Context, d *doer, target conformance.Target, oracle conformance.Oracle, c conformance.Case, wait time.Duration, waits int) ([]conformance.Finding, *conformance.Response, error) {
	for tries := 0; ; tries++ {
		resp, err := sendCase(ctx, d, target, c)
		if err != nil {
			return nil, nil, err
		}
		fs := oracle.Judge(c, resp)
		if len(fs) != 1 || fs[0].Check != conformance.CheckRateLimited {
			return fs, resp, nil
		}
		if tries == waits {
			return nil, nil, errResendRateLimited
		}
		if err := sleep(ctx, retryAfter(resp.Header, wait, 10*time.Second)); err != nil {
			return nil, nil, err
		}
	}
}
