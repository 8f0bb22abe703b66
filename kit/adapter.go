package kit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/vcheck/vcheck/proxy"
)

// exitGrace is how long an adapter may take to exit once its stdin is
// closed at the end of a run before it is killed: a JVM flushing its
// output needs a moment, a hung one must not hold the run.
const exitGrace = 3 * time.Second

// errExited and errNoLine are the two ways a read ends without a line.
var (
	errExited = errors.New("the adapter exited")
	errNoLine = errors.New("no line")
)

// adapter is one running adapter process. The kit owns both pipes (not
// exec's StdinPipe/StdoutPipe): Wait would close stdout and lose the last
// lines of an adapter that printed and exited, and only an *os.File takes
// a write deadline, so a scenario line cannot block on an adapter that
// stopped reading.
type adapter struct {
	cmd     *exec.Cmd
	stdin   *os.File // the write end of the adapter's stdin
	stdout  *os.File // the read end of its stdout
	lines   chan string
	quit    chan struct{} // closed by stop: the reader gives up sending
	exited  chan struct{} // closed once Wait returned; waitErr is set then
	waitErr error
	errs    *scrubbedLines
	stopped sync.Once
}

// startAdapter starts the adapter in its own process group (killing it
// kills what it started: a Gradle or Maven launcher and its JVM).
func startAdapter(o Options, scrub *proxy.Scrubber) (*adapter, error) {
	cmd := exec.Command(o.Adapter[0], o.Adapter[1:]...)
	cmd.Dir = o.Dir
	if len(o.Env) > 0 {
		cmd.Env = append(os.Environ(), o.Env...)
	}
	ownProcessGroup(cmd)
	a := &adapter{cmd: cmd, lines: make(chan string), quit: make(chan struct{}), exited: make(chan struct{})}
	if o.Stderr != nil {
		a.errs = &scrubbedLines{w: o.Stderr, s: scrub}
		cmd.Stderr = a.errs
	}
	// Bounds Wait when something the adapter started keeps its stderr open.
	cmd.WaitDelay = 2 * time.Second
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		_ = inR.Close() // a pipe end's Close error changes nothing here
		_ = inW.Close()
		return nil, err
	}
	cmd.Stdin, cmd.Stdout = inR, outW
	err = cmd.Start()
	_ = inR.Close() // the child holds its own copies now
	_ = outW.Close()
	if err != nil {
		_ = inW.Close()
		_ = outR.Close()
		return nil, fmt.Errorf("%w: start %s: %w", ErrAdapter, o.Adapter[0], err)
	}
	a.stdin, a.stdout = inW, outR
	go a.read()
	go func() {
		a.waitErr = cmd.Wait()
		close(a.exited)
	}()
	return a, nil
}

func (a *adapter) read() {
	defer close(a.lines)
	sc := bufio.NewScanner(a.stdout)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for sc.Scan() {
		select {
		case a.lines <- sc.Text():
		case <-a.quit:
			return
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		select {
		case a.lines <- "(a line longer than 64 KiB)":
		case <-a.quit:
		}
	}
}

// readLine waits up to wait for the next stdout line.
func (a *adapter) readLine(ctx context.Context, wait time.Duration) (string, error) {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case l, ok := <-a.lines:
		if !ok {
			return "", errExited
		}
		return l, nil
	case <-t.C:
		return "", errNoLine
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// writeLine writes one line, giving up after wait.
func (a *adapter) writeLine(b []byte, wait time.Duration) error {
	_ = a.stdin.SetWriteDeadline(time.Now().Add(wait)) // unsupported on some systems: then it may block, as any pipe
	_, err := a.stdin.Write(append(b, '\n'))
	return err
}

// exitStatus describes how the adapter ended, waiting briefly for it: its
// stdout closing and its exit are seen a moment apart.
func (a *adapter) exitStatus() string {
	select {
	case <-a.exited:
		if a.waitErr == nil {
			return "exit status 0"
		}
		return a.waitErr.Error()
	case <-time.After(time.Second):
		return "its stdout closed; still running"
	}
}

// kill ends the adapter and everything it started, and waits for it.
func (a *adapter) kill() {
	killProcessGroup(a.cmd)
	a.stop()
}

// close ends a run: stdin closed, then exitGrace to exit before a kill.
func (a *adapter) close() {
	_ = a.stdin.Close()
	select {
	case <-a.exited:
	case <-time.After(exitGrace):
		killProcessGroup(a.cmd)
	}
	a.stop()
}

func (a *adapter) stop() {
	a.stopped.Do(func() {
		close(a.quit)
		_ = a.stdin.Close()
		<-a.exited // bounded: the process is dead or exiting, and WaitDelay bounds its stderr
		_ = a.stdout.Close()
		a.errs.flush() // after Wait: the copy of stderr has ended
	})
}
