package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// HTTPConfig is the http: section: the operations endpoints of `paperboy
// run` (/metrics, /healthz, /readyz), on a listener of their own.
type HTTPConfig struct {
	Listen string `yaml:"listen"`
}

// resolveHTTP fills s.HTTPListen: off when empty; otherwise a host:port
// that is not Slack's HTTP-mode address (that server is public, these
// endpoints are not meant to be).
func (c *Config) resolveHTTP(s *resolvedConfig) error {
	if c.HTTP.Listen == "" {
		return nil
	}
	if err := checkListen(c.HTTP.Listen); err != nil {
		return cfgErr("http.listen", "%v", err)
	}
	if s.Slack.BotToken != "" && s.Slack.Mode == "http" && sameListener(c.HTTP.Listen, s.Slack.Listen) {
		return cfgErr("http.listen", "%q is also slack.listen, Slack's public HTTP-mode address; give the operations endpoints their own (e.g. 127.0.0.1:9090)", c.HTTP.Listen)
	}
	s.HTTPListen = c.HTTP.Listen
	return nil
}

// checkListen checks a listen address: host:port, the host optional (all
// interfaces), the port a number (0: any free port).
func checkListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || strings.Contains(addr, "/") {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:9090)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: the port %q is not a number from 0 to 65535", addr, port)
	}
	if strings.ContainsAny(host, " \t") {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:9090)", addr)
	}
	return nil
}

// sameListener reports whether two listen addresses would take the same
// port on a shared interface.
func sameListener(a, b string) bool {
	ha, pa, err1 := net.SplitHostPort(a)
	hb, pb, err2 := net.SplitHostPort(b)
	if err1 != nil || err2 != nil || pa != pb || pa == "0" {
		return false
	}
	wild := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return ha == hb || wild(ha) || wild(hb)
}

// isLoopback reports whether a listen address serves this machine only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
