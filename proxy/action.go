package proxy

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// actionSpec is one action of the grammar: its name, how many arguments
// it takes and how they become the fields of its Action.
type actionSpec struct {
	kind ActionKind
	// minArgs and maxArgs bound the count of arguments; "hang" has none,
	// "hang()" one empty one.
	minArgs, maxArgs int
	// form is what an argument count out of bounds is told to want.
	form string
	// parse fills a from args, whose count is in bounds; nil for an
	// action without arguments.
	parse func(p *parser, a *Action, args []token) error
}

// actionSpecs are the actions the parser knows, in the order the message
// for an unknown one lists them.
var actionSpecs = []actionSpec{
	{ActSinch, 1, 2, "sinch(CODE) or sinch(CODE,example)", parseSinch},
	{ActStatus, 1, 1, "status(N)", parseStatus},
	{ActBody, 1, 1, "body(" + join(bodyKinds, "|") + ")", parseBody},
	{ActHeader, 1, 1, "header(Name=value)", parseHeader},
	{ActDelay, 1, 1, "delay(D), e.g. delay(1.5s)", parseDelay},
	{ActHang, 0, 0, string(ActHang) + " without arguments", nil},
	{ActReset, 0, 0, string(ActReset) + " without arguments", nil},
	{ActClose, 0, 0, string(ActClose) + " without arguments", nil},
	{ActPartial, 2, 2, "partial(FRACTION,reset|close|hang)", parsePartial},
	{ActLose, 1, 1, "lose(reset|close)", parseLose},
	{ActPass, 0, 0, string(ActPass) + " without arguments", nil},
}

// action parses the action name (at pos) with its arguments (the "(" at
// argPos) by the spec of its name.
func (p *parser) action(name string, pos int, args []token, argPos int) (Action, error) {
	a := Action{Kind: ActionKind(name)}
	i := slices.IndexFunc(actionSpecs, func(s actionSpec) bool { return s.kind == a.Kind })
	if i < 0 {
		return a, p.errf(pos, "unknown action %q: want %s", name, actionNames())
	}
	spec := actionSpecs[i]
	if len(args) < spec.minArgs || len(args) > spec.maxArgs {
		return a, p.errf(argPos, "%s: want %s", name, spec.form)
	}
	if spec.parse == nil {
		return a, nil
	}
	return a, spec.parse(p, &a, args)
}

// actionNames lists the actions as "sinch, status, ... or pass".
func actionNames() string {
	names := make([]string, len(actionSpecs))
	for i, s := range actionSpecs {
		names[i] = string(s.kind)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func parseSinch(p *parser, a *Action, args []token) error {
	code, err := strconv.Atoi(args[0].text)
	if err != nil || strconv.Itoa(code) != args[0].text {
		return p.errf(args[0].pos, "sinch(%q): want a documented five-digit code", args[0].text)
	}
	if _, ok := catalog().Lookup(code); !ok {
		return p.errf(args[0].pos, "sinch(%d): not a documented code (vcheck catalog lists them)", code)
	}
	a.Code = code
	if len(args) == 2 {
		if args[1].text != "example" {
			return p.errf(args[1].pos, "sinch(%d,%q): the only variant is example", code, args[1].text)
		}
		a.Example = true
	}
	return nil
}

func parseStatus(p *parser, a *Action, args []token) error {
	n, err := strconv.Atoi(args[0].text)
	if err != nil || n < 200 || n > 599 || strconv.Itoa(n) != args[0].text {
		return p.errf(args[0].pos, "status(%q): want an HTTP status from 200 to 599", args[0].text)
	}
	a.Status = n
	return nil
}

func parseBody(p *parser, a *Action, args []token) error {
	if !slices.Contains(bodyKinds, BodyKind(args[0].text)) {
		return p.errf(args[0].pos, "body(%q): want one of %s", args[0].text, join(bodyKinds, ", "))
	}
	a.Body = BodyKind(args[0].text)
	return nil
}

func parseHeader(p *parser, a *Action, args []token) error {
	n, v, ok := strings.Cut(args[0].text, "=")
	if !ok || !tokenRE.MatchString(n) {
		return p.errf(args[0].pos, "header(%q): want header(Name=value) with an HTTP header name", args[0].text)
	}
	val, err := p.value(v, args[0].pos+len(n)+1)
	if err != nil {
		return err
	}
	for _, c := range []byte(val) {
		if c < 0x20 && c != '\t' || c == 0x7f {
			return p.errf(args[0].pos+len(n)+1, "header %s: control characters are not allowed in a value", n)
		}
	}
	a.Name, a.Value = n, val
	return nil
}

func parseDelay(p *parser, a *Action, args []token) error {
	d, err := time.ParseDuration(args[0].text)
	if err != nil || d <= 0 || d > maxDelay {
		return p.errf(args[0].pos, "delay(%q): want a duration such as 250ms, up to %v", args[0].text, maxDelay)
	}
	a.Delay = d
	return nil
}

func parsePartial(p *parser, a *Action, args []token) error {
	f, err := strconv.ParseFloat(args[0].text, 64)
	if err != nil || !(f > 0 && f < 1) {
		return p.errf(args[0].pos, "partial(%q,...): want a fraction between 0 and 1", args[0].text)
	}
	a.Fraction = f
	if !slices.Contains([]ActionKind{ActReset, ActClose, ActHang}, ActionKind(args[1].text)) {
		return p.errf(args[1].pos, "partial(...,%q): want reset, close or hang", args[1].text)
	}
	a.Then = ActionKind(args[1].text)
	return nil
}

func parseLose(p *parser, a *Action, args []token) error {
	if !slices.Contains([]ActionKind{ActReset, ActClose}, ActionKind(args[0].text)) {
		return p.errf(args[0].pos, "lose(%q): want reset or close", args[0].text)
	}
	a.Then = ActionKind(args[0].text)
	return nil
}

// combination rejects action lists that say two things at once.
func (p *parser) combination(acts []Action, at int) error {
	n := map[ActionKind]int{}
	var body BodyKind
	for _, a := range acts {
		n[a.Kind]++
		if a.Kind == ActBody {
			body = a.Body
		}
	}
	for _, k := range []ActionKind{ActSinch, ActStatus, ActBody, ActDelay, ActPartial, ActLose, ActHang, ActReset, ActClose, ActPass} {
		if n[k] > 1 {
			return p.errf(at, "%s given twice", k)
		}
	}
	answer := n[ActSinch] + n[ActStatus] + n[ActBody]
	drop := n[ActHang] + n[ActReset] + n[ActClose]
	switch {
	case drop > 1:
		return p.errf(at, "hang, reset and close exclude one another")
	case drop > 0 && answer+n[ActPartial]+n[ActLose]+n[ActHeader]+n[ActPass] > 0:
		return p.errf(at, "hang, reset and close send no answer: only delay goes with them")
	case n[ActPass] > 0 && len(acts) > 1:
		return p.errf(at, "pass goes alone")
	case n[ActLose] > 0 && answer+n[ActPartial] > 0:
		return p.errf(at, "lose drops the upstream's answer: no sinch, status, body or partial with it")
	case n[ActSinch] > 0 && n[ActBody] > 0 && body != BodyCodeAsString && body != BodyHuge:
		return p.errf(at, "sinch sets the body: only body(code-as-string) or body(huge) go with it")
	case body == BodyCodeAsString && n[ActSinch] == 0:
		return p.errf(at, "body(code-as-string) changes a sinch(CODE) body: add sinch(CODE)")
	}
	return nil
}

// join joins kinds as strings.Join joins strings.
func join[K ~string](kinds []K, sep string) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, sep)
}
