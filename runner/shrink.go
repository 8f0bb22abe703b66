package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/vcheck/vcheck/conformance"
)

// shrinkTime bounds the shrinking of one failing case.
const shrinkTime = 20 * time.Second

// shrinkGroups re-sends the first case of each finding group to confirm it
// and shrinks it to a minimal one (conformance.Shrink), for at most
// o.MaxShrink groups, within the budget. A group whose case does not fail
// again is marked unconfirmed: a finding that cannot be reproduced is
// reported, but it does not fail the run.
func shrinkGroups(ctx context.Context, o *Options, d *doer, target conformance.Target, oracle conformance.Oracle, col *collector) {
	for i, key := range col.order {
		g := col.groups[key]
		if i >= o.MaxShrink || d.left() == 0 {
			g.Unconfirmed = "not re-sent: shrink limit or budget reached"
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, shrinkTime)
		var last *conformance.Response // rapid's last send confirms the minimal case
		var firstErr error             // the re-send of the original case could not be judged
		sends := 0
		send := func(ctx context.Context, c conformance.Case) ([]conformance.Finding, error) {
			sends++
			cd := &caseDoer{d: d}
			resp, err := conformance.Send(ctx, cd, target, c)
			if err == nil && cd.bodyErr != nil {
				err = cd.bodyErr
			}
			if err != nil {
				if sends == 1 {
					firstErr = err
				}
				return nil, err
			}
			last = resp
			return oracle.Judge(c, resp), nil
		}
		res, err := conformance.Shrink(sctx, *g.fam, g.seed, send)
		cancel()
		switch {
		case res.Reproduced:
			g.Example.Confirmed = true
			g.Example.Defect = res.Case.Defect
			g.Example.Request = record(res.Case.Request)
			g.Example.Curl = Curl(o.Command, col.baseURL, res.Case)
			for _, f := range res.Findings {
				if f.Check == g.Check && f.Severity == conformance.SeverityViolation {
					g.Message = f.String()
					break
				}
			}
			g.Shrunk = res.Sent > 1
			if last != nil {
				g.Example.Status, g.Example.Body = last.HTTPStatus, cut(string(last.Body), maxRecordedBody)
			}
		case err != nil:
			g.Unconfirmed = fmt.Sprintf("could not be re-sent: %v", err)
		case firstErr != nil:
			// A stateful case re-sent meets the state its first sending left
			// (a velocity limit, a used reference): that disproves nothing.
			g.Unconfirmed = fmt.Sprintf("the re-send could not be judged: %v", firstErr)
		default:
			g.Unconfirmed = "did not fail again when re-sent (flaky target?)"
			g.Flaky = true
		}
	}
}
