package proxy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// RuleError is a malformed rule: it names the rule and the column (1-based,
// in bytes) where the problem is.
type RuleError struct {
	Rule   string
	Column int
	Msg    string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("rule %s: column %d: %s", e.Rule, e.Column, e.Msg)
}

// maxRuleLen bounds a rule's text.
const maxRuleLen = 4096

// maxDelay bounds delay(D).
const maxDelay = time.Hour

var (
	idRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	methodRE = regexp.MustCompile(`^[A-Z]+$`)
	tokenRE  = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
	kindRE   = regexp.MustCompile(`^[a-z]+$`)
)

type parser struct {
	src  string
	name string
}

func (p *parser) errf(pos int, format string, args ...any) error {
	return &RuleError{Rule: p.name, Column: pos + 1, Msg: fmt.Sprintf(format, args...)}
}

// token is a piece of the rule text and its byte offset.
type token struct {
	text string
	pos  int
}

// ParseRule reads one rule. A malformed rule gives a *RuleError.
func ParseRule(s string) (Rule, error) {
	p := &parser{src: s, name: strconv.Quote(s)}
	if len(s) > maxRuleLen {
		p.name = strconv.Quote(s[:40] + "...")
		return Rule{}, p.errf(maxRuleLen, "longer than %d bytes", maxRuleLen)
	}
	toks, err := p.tokens(s, 0)
	if err != nil {
		return Rule{}, err
	}
	var r Rule
	i := 0
	if len(toks) > 0 && strings.HasSuffix(toks[0].text, ":") && idRE.MatchString(strings.TrimSuffix(toks[0].text, ":")) {
		r.ID = strings.TrimSuffix(toks[0].text, ":")
		p.name = strconv.Quote(r.ID)
		i++
	}
	arrow := -1
	for j := i; j < len(toks); j++ {
		if toks[j].text == "=>" {
			arrow = j
			break
		}
	}
	if arrow < 0 {
		return Rule{}, p.errf(len(s), "no \"=>\": want [id:] METHOD PATH [conditions] => actions")
	}
	left := toks[i:arrow]
	if len(left) == 0 {
		return Rule{}, p.errf(toks[arrow].pos, "METHOD missing before \"=>\"")
	}
	if m := left[0].text; m != "*" && !methodRE.MatchString(m) {
		return Rule{}, p.errf(left[0].pos, "method %q: want * or an upper-case method such as POST", m)
	}
	r.Method = left[0].text
	if len(left) < 2 {
		return Rule{}, p.errf(toks[arrow].pos, "PATH missing before \"=>\"")
	}
	if err := validPath(left[1].text); err != "" {
		return Rule{}, p.errf(left[1].pos, "path %q: %s", left[1].text, err)
	}
	r.Path = left[1].text
	for _, t := range left[2:] {
		c, err := p.condition(t)
		if err != nil {
			return Rule{}, err
		}
		r.Conditions = append(r.Conditions, c)
	}
	end := toks[arrow].pos + 2
	if err := p.actions(&r, end); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// tokens splits s[from:] at white space outside double quotes.
func (p *parser) tokens(s string, from int) ([]token, error) {
	var out []token
	i := from
	for i < len(s) {
		if isSpace(s[i]) {
			i++
			continue
		}
		start := i
		for i < len(s) && !isSpace(s[i]) {
			if s[i] == '"' {
				j, err := p.skipQuoted(s, i)
				if err != nil {
					return nil, err
				}
				i = j
				continue
			}
			i++
		}
		out = append(out, token{s[start:i], start})
	}
	return out, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// skipQuoted returns the offset just past the quoted string at s[i].
func (p *parser) skipQuoted(s string, i int) (int, error) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, p.errf(i, "unterminated quoted string")
}

// value reads a bare or quoted value that makes up all of s (at pos).
func (p *parser) value(s string, pos int) (string, error) {
	if !strings.HasPrefix(s, `"`) {
		if strings.Contains(s, `"`) {
			return "", p.errf(pos, "value %q: quote a value with \" in it", s)
		}
		return s, nil
	}
	end, err := p.skipQuoted(s, 0)
	if err != nil {
		return "", p.errf(pos, "unterminated quoted string")
	}
	if end != len(s) {
		return "", p.errf(pos+end, "unexpected %q after a quoted value", s[end:])
	}
	v, err := strconv.Unquote(s)
	if err != nil {
		return "", p.errf(pos, "bad quoted value %s", s)
	}
	return v, nil
}

func validPath(s string) string {
	if s == "*" {
		return ""
	}
	if !strings.HasPrefix(s, "/") {
		return "want a path starting with / or *"
	}
	if strings.ContainsAny(s, "\"\\?#") {
		return "no quotes, backslashes, query or fragment in a path pattern"
	}
	segs := strings.Split(s[1:], "/")
	for i, seg := range segs {
		if seg == "..." && i != len(segs)-1 {
			return "\"...\" only as the last segment"
		}
		for _, c := range []byte(seg) {
			if c < 0x21 || c > 0x7e {
				return "printable ASCII only"
			}
		}
	}
	return ""
}

func (p *parser) condition(t token) (Condition, error) {
	var c Condition
	rest := ""
	switch {
	case strings.HasPrefix(t.text, string(FieldHeader)+":"):
		c.On, rest = FieldHeader, t.text[len(FieldHeader)+1:]
	case strings.HasPrefix(t.text, string(FieldBody)+":"):
		c.On, rest = FieldBody, t.text[len(FieldBody)+1:]
	default:
		return c, p.errf(t.pos, "unexpected %q: want a header: or body: condition, or \"=>\"", t.text)
	}
	off := t.pos + len(c.On) + 1
	k := strings.IndexAny(rest, "=~")
	if k < 0 {
		c.Name = rest
	} else {
		c.Name, c.Op = rest[:k], Op(rest[k:k+1])
		v, err := p.value(rest[k+1:], off+k+1)
		if err != nil {
			return c, err
		}
		c.Value = v
		if c.Op == OpMatch {
			if _, err := regexp.Compile(v); err != nil {
				return c, p.errf(off+k+1, "bad regular expression: %v", err)
			}
		}
	}
	switch c.On {
	case FieldHeader:
		if !tokenRE.MatchString(c.Name) {
			return c, p.errf(off, "header name %q: want an HTTP header name", c.Name)
		}
	case FieldBody:
		if !strings.HasPrefix(c.Name, "/") || strings.ContainsAny(c.Name, "\"\\") {
			return c, p.errf(off, "body pointer %q: want a JSON pointer such as /identity/endpoint", c.Name)
		}
	}
	return c, nil
}

// actions parses "action[, action] [modifiers]" from p.src[at:].
func (p *parser) actions(r *Rule, at int) error {
	s := p.src
	i := at
	skip := func() {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
	}
	for {
		skip()
		start := i
		for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
			i++
		}
		name := s[start:i]
		if name == "" {
			if i >= len(s) {
				return p.errf(i, "action missing after %q", strings.TrimSpace(s[:i]))
			}
			return p.errf(i, "unexpected %q: want an action such as sinch(50300)", string(s[i]))
		}
		var args []token
		argPos := i
		if i < len(s) && s[i] == '(' {
			j, list, err := p.args(i)
			if err != nil {
				return err
			}
			args, i = list, j
		}
		a, err := p.action(name, start, args, argPos)
		if err != nil {
			return err
		}
		r.Actions = append(r.Actions, a)
		skip()
		if i < len(s) && s[i] == ',' {
			i++
			continue
		}
		break
	}
	if err := p.combination(r.Actions, at); err != nil {
		return err
	}
	toks, err := p.tokens(s, i)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, t := range toks {
		k, v, ok := strings.Cut(t.text, "=")
		if !ok || !kindRE.MatchString(k) {
			return p.errf(t.pos, "unexpected %q: want times=N, after=N, every=N or p=F", t.text)
		}
		if seen[k] {
			return p.errf(t.pos, "%s given twice", k)
		}
		seen[k] = true
		vpos := t.pos + len(k) + 1
		switch k {
		case "times", "after", "every":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 1_000_000 || strconv.Itoa(n) != v {
				return p.errf(vpos, "%s=%q: want a whole number from 0 to 1000000", k, v)
			}
			if n == 0 && k != "after" {
				return p.errf(vpos, "%s=0: want at least 1 (leave it out for no bound)", k)
			}
			switch k {
			case "times":
				r.Times = n
			case "after":
				r.After = n
			case "every":
				r.Every = n
			}
		case "p":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f > 0 && f <= 1) {
				return p.errf(vpos, "p=%q: want a probability in (0, 1]", v)
			}
			r.P = f
		default:
			return p.errf(t.pos, "unknown modifier %q: want times, after, every or p", k)
		}
	}
	return nil
}

// args reads "(a, b)" at s[i] == '(' and returns the offset past ')'.
func (p *parser) args(i int) (int, []token, error) {
	s := p.src
	var out []token
	start := i + 1
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			k, err := p.skipQuoted(s, j)
			if err != nil {
				return 0, nil, err
			}
			j = k - 1
		case ',', ')':
			raw := s[start:j]
			trimmed := strings.TrimLeft(raw, " \t")
			pos := start + len(raw) - len(trimmed)
			out = append(out, token{strings.TrimRight(trimmed, " \t"), pos})
			if s[j] == ')' {
				return j + 1, out, nil
			}
			start = j + 1
		case '(':
			return 0, nil, p.errf(j, "unexpected \"(\" inside an action's arguments")
		}
	}
	return 0, nil, p.errf(i, "unclosed \"(\"")
}

// ParseRules reads a rules file: one rule per line, blank lines and lines
// starting with # ignored. An error names the line.
func ParseRules(name, text string) ([]Rule, error) {
	var out []Rule
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r, err := ParseRule(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, i+1, err)
		}
		out = append(out, r)
	}
	return out, nil
}
