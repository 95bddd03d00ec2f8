package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDockerImage builds the image from the repository's Dockerfile and runs
// it as a self-hoster would. It is opt-in (make docker-test): it runs only
// with PAPERBOY_DOCKER=1 and a container runtime that answers (docker, else
// podman; PAPERBOY_CONTAINER names another), and skips otherwise, so
// neither `go test ./...` nor CI needs a container runtime. The build takes
// a few minutes (SQLite's C code is compiled in the image).
func TestDockerImage(t *testing.T) {
	if os.Getenv("PAPERBOY_DOCKER") != "1" {
		t.Skip("set PAPERBOY_DOCKER=1 to build and run the container image (make docker-test)")
	}
	rt := containerRuntime(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	t.Cleanup(cancel) // registered first, so it runs after the other cleanups
	c := &containers{t: t, ctx: ctx, bin: rt}

	id := fmt.Sprintf("%d", time.Now().UnixNano())
	image := "paperboy-test:" + id
	build := []string{"build", "--build-arg", "VERSION=0.0.0-test", "--build-arg", "COMMIT=c0ffee000000", "-t", image}
	if filepath.Base(rt) == "podman" {
		build = append(build, "--format", "docker") // OCI images drop HEALTHCHECK
	}
	start := time.Now()
	if r := c.run(append(build, root)...); r.code != 0 {
		t.Fatalf("%s build: exit %d\n%s", rt, r.code, tail(r.stdout+r.stderr, 40))
	}
	t.Cleanup(func() { c.run("rmi", "-f", image) })
	size := c.must("image", "inspect", "--format", "{{.Size}}", image)
	t.Logf("built %s with %s in %s, %s bytes", image, filepath.Base(rt), time.Since(start).Round(time.Second), strings.TrimSpace(size))

	t.Run("version and help exit 0", func(t *testing.T) {
		c := c.with(t)
		r := c.run("run", "--rm", image, "version")
		if f := strings.Fields(r.stdout); r.code != 0 || len(f) < 2 || f[0] != "paperboy" || f[1] != "0.0.0-test" {
			t.Errorf("version: exit %d, stdout %q, stderr %q; want exit 0 and the VERSION build argument", r.code, r.stdout, r.stderr)
		}
		// A paperboy that prints its commit prints the COMMIT build argument
		// (the build context has no .git to take it from).
		if strings.Contains(r.stdout, "\ncommit ") && !strings.Contains(r.stdout, "c0ffee000000") {
			t.Errorf("version: %q does not name the COMMIT build argument", r.stdout)
		}
		r = c.run("run", "--rm", image, "help")
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: paperboy <command>") {
			t.Errorf("help: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("runs as a user that is not root", func(t *testing.T) {
		c := c.with(t)
		if uid := strings.TrimSpace(c.must("run", "--rm", "--entrypoint", "id", image, "-u")); uid == "0" || uid == "" {
			t.Errorf("the container runs as uid %q", uid)
		}
	})

	t.Run("healthcheck probes /healthz", func(t *testing.T) {
		c := c.with(t)
		hc := healthcheck(c, image)
		if len(hc) < 2 || hc[0] != "CMD" || !strings.Contains(strings.Join(hc, " "), "/healthz") {
			t.Errorf("HEALTHCHECK is %q, want a CMD probing /healthz", hc)
		}
		// The probe's program must be in the runtime image.
		if len(hc) >= 2 {
			if r := c.run("run", "--rm", "--entrypoint", hc[1], image, "--version"); r.code != 0 {
				t.Errorf("%s --version in the image: exit %d %s", hc[1], r.code, r.stderr)
			}
		}
	})

	// The database in the /data volume, written by the unprivileged user, kept
	// from one container to the next; a digest and a search exercise SQLite
	// with FTS5 against the runtime image's glibc.
	t.Run("digest and search on the data volume", func(t *testing.T) {
		c := c.with(t)
		vol := "paperboy-test-data-" + id
		c.must("volume", "create", vol)
		t.Cleanup(func() { c.run("volume", "rm", "-f", vol) })
		r := c.run("run", "--rm", "-v", vol+":/data", image, "digest", "--source", "sample")
		if r.code != 0 || !strings.Contains(r.stdout, "Daily Papers") {
			t.Fatalf("digest: exit %d\nstdout: %s\nstderr: %s", r.code, tail(r.stdout, 10), r.stderr)
		}
		r = c.run("run", "--rm", "-v", vol+":/data", image, "search", "EnvHarness", "--limit", "1")
		if r.code != 0 || !strings.Contains(r.stdout, "EnvHarness") {
			t.Errorf("search in a second container: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
		owner := strings.TrimSpace(c.must("run", "--rm", "-v", vol+":/data", "--entrypoint", "stat", image, "-c", "%u", "/data/paperboy.db"))
		if owner == "0" {
			t.Errorf("/data/paperboy.db belongs to root")
		}
	})

	// The default CMD needs the config mounted: without it paperboy stops at
	// once with exit code 2, rather than running with only the console.
	t.Run("default command without a config exits 2", func(t *testing.T) {
		c := c.with(t)
		r := c.run("run", "--rm", image)
		if r.code != exitConfig {
			t.Errorf("exit %d, want %d; stderr %q", r.code, exitConfig, r.stderr)
		}
	})

	t.Run("daemon serves /healthz and stops cleanly on SIGTERM", func(t *testing.T) {
		c := c.with(t)
		// `paperboy run --listen` comes with the health endpoints; until then
		// the daemon runs without it, and only the stop is checked.
		listen := strings.Contains(c.run("run", "--rm", image, "run", "-h").stderr, "-listen")
		dir := t.TempDir()
		cfg := filepath.Join(dir, "paperboy.yaml")
		if err := os.WriteFile(cfg, []byte("source: sample\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		name := "paperboy-test-" + id
		args := []string{"run", "-d", "--name", name, "-v", cfg + ":/etc/paperboy/paperboy.yaml:ro", image}
		if !listen {
			args = append(args, "run", "--config", "/etc/paperboy/paperboy.yaml", "--db", "/data/paperboy.db")
		}
		c.must(args...)
		t.Cleanup(func() { c.run("rm", "-f", "-v", name) })
		waitContainer(t, 60*time.Second, "the daemon to start", func() bool {
			return strings.Contains(logs(c, name), "daemon started")
		})
		if listen {
			probe := healthcheck(c, image)[1:]
			waitContainer(t, 30*time.Second, "the HEALTHCHECK command to pass", func() bool {
				return c.run(append([]string{"exec", name}, probe...)...).code == 0
			})
		} else {
			t.Log("this paperboy has no --listen yet: /healthz not checked")
		}
		c.must("stop", "-t", "30", name)
		if code := strings.TrimSpace(c.must("inspect", "--format", "{{.State.ExitCode}}", name)); code != "0" {
			t.Errorf("exit code after SIGTERM: %s, want 0\n%s", code, logs(c, name))
		}
		if l := logs(c, name); !strings.Contains(l, "paperboy stopped") {
			t.Errorf("no clean stop in the logs:\n%s", tail(l, 20))
		}
	})
}

// containerRuntime returns the path of the first runtime that answers, or
// skips the test saying why none did.
func containerRuntime(t *testing.T) string {
	t.Helper()
	candidates := []string{"docker", "podman"}
	if c := os.Getenv("PAPERBOY_CONTAINER"); c != "" {
		candidates = []string{c}
	}
	var why []string
	for _, name := range candidates {
		path, err := exec.LookPath(name)
		if err != nil {
			why = append(why, name+" is not installed")
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, path, "info").CombinedOutput()
		cancel()
		if err != nil {
			why = append(why, fmt.Sprintf("%s info: %v: %s", name, err, tail(string(out), 2)))
			continue
		}
		return path
	}
	t.Skipf("no container runtime answers: %s", strings.Join(why, "; "))
	return ""
}

// containers runs a container runtime's commands for a test.
type containers struct {
	t   *testing.T
	ctx context.Context
	bin string
}

type ctrResult struct {
	code           int
	stdout, stderr string
}

func (c *containers) with(t *testing.T) *containers { return &containers{t: t, ctx: c.ctx, bin: c.bin} }

// run runs the runtime with args; a runtime that cannot be started at all
// fails the test.
func (c *containers) run(args ...string) ctrResult {
	c.t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(c.ctx, c.bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return ctrResult{0, stdout.String(), stderr.String()}
	case errors.As(err, &exit):
		return ctrResult{exit.ExitCode(), stdout.String(), stderr.String()}
	}
	c.t.Fatalf("%s %s: %v", filepath.Base(c.bin), strings.Join(args, " "), err)
	return ctrResult{}
}

// must runs the runtime and returns its stdout, failing the test unless it
// exits 0.
func (c *containers) must(args ...string) string {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("%s %s: exit %d\n%s", filepath.Base(c.bin), strings.Join(args, " "), r.code, tail(r.stdout+r.stderr, 20))
	}
	return r.stdout
}

// healthcheck returns the image's HEALTHCHECK test (["CMD", prog, args...]).
func healthcheck(c *containers, image string) []string {
	c.t.Helper()
	var hc struct{ Test []string }
	out := c.must("image", "inspect", "--format", "{{json .Config.Healthcheck}}", image)
	if err := json.Unmarshal([]byte(out), &hc); err != nil {
		c.t.Fatalf("HEALTHCHECK of %s: %v in %q", image, err, out)
	}
	return hc.Test
}

func waitContainer(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// logs returns what the container has printed, stdout and stderr.
func logs(c *containers, name string) string {
	c.t.Helper()
	r := c.run("logs", name)
	return r.stdout + r.stderr
}
