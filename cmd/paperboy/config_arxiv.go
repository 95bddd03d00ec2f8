package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/paperboy-bot/paperboy/adapters/arxiv"
	"github.com/paperboy-bot/paperboy/bot"
)

// ArxivConfig is the arxiv: section: where arXiv is and how paperboy
// treats it. arXiv asks for at most one request every 3 seconds from the
// whole process and a User-Agent that names the program and a contact;
// the client enforces both (adapters/arxiv).
type ArxivConfig struct {
	Contact     string   `yaml:"contact"`
	RSSURL      string   `yaml:"rss_url"`
	APIURL      string   `yaml:"api_url"`
	OAIURL      string   `yaml:"oai_url"`
	MinInterval Duration `yaml:"min_interval"`
	Timeout     Duration `yaml:"timeout"`
	MaxRetries  *int     `yaml:"max_retries"`
}

// resolvedArxiv is the resolved arxiv: section.
type resolvedArxiv struct {
	Contact                string
	RSSURL, APIURL, OAIURL string
	MinInterval, Timeout   time.Duration
	MaxRetries             int
}

// resolveArxiv fills s.Arxiv. A min_interval below 3 s is kept only for
// hosts that are not arXiv's (local servers in tests): the client raises
// it for arXiv's own.
func (c *Config) resolveArxiv(s *resolvedConfig) error {
	a := resolvedArxiv{
		Contact: strings.TrimSpace(c.Arxiv.Contact),
		RSSURL:  or(c.Arxiv.RSSURL, arxiv.DefaultRSSURL),
		APIURL:  or(c.Arxiv.APIURL, arxiv.DefaultAPIURL),
		OAIURL:  or(c.Arxiv.OAIURL, arxiv.DefaultOAIURL),
		// The client's defaults: 3 s, 30 s, 4 retries.
	}
	for _, u := range []struct{ key, val string }{{"arxiv.rss_url", a.RSSURL}, {"arxiv.api_url", a.APIURL}, {"arxiv.oai_url", a.OAIURL}} {
		if !strings.HasPrefix(u.val, "http://") && !strings.HasPrefix(u.val, "https://") {
			return cfgErr(u.key, "%q is not an http(s) URL", u.val)
		}
	}
	if strings.ContainsAny(a.Contact, "\r\n") {
		return cfgErr("arxiv.contact", "must be one line (an e-mail address or a URL)")
	}
	if c.Arxiv.MinInterval.Set {
		if c.Arxiv.MinInterval.Duration <= 0 {
			return cfgErr("arxiv.min_interval", "must be more than 0 (arXiv asks for 3s between requests)")
		}
		a.MinInterval = c.Arxiv.MinInterval.Duration
	}
	if c.Arxiv.Timeout.Set {
		if c.Arxiv.Timeout.Duration <= 0 {
			return cfgErr("arxiv.timeout", "must be more than 0")
		}
		a.Timeout = c.Arxiv.Timeout.Duration
	}
	a.MaxRetries = 4
	if c.Arxiv.MaxRetries != nil {
		if *c.Arxiv.MaxRetries < 0 {
			return cfgErr("arxiv.max_retries", "%d is negative", *c.Arxiv.MaxRetries)
		}
		a.MaxRetries = *c.Arxiv.MaxRetries
	}
	s.Arxiv = a
	return nil
}

// arxivClient builds the arXiv client of the process: one for every
// request paperboy makes to arXiv, so its spacing holds process-wide.
func (e *env) arxivClient() (*arxiv.Client, error) {
	if e.arxiv != nil {
		return e.arxiv, nil
	}
	c, err := e.newArxivClient()
	e.arxiv = c
	return c, err
}

func (e *env) newArxivClient() (*arxiv.Client, error) {
	a := e.conf.Arxiv
	maxRetries := a.MaxRetries
	if maxRetries == 0 {
		maxRetries = -1 // the client's "none"
	}
	return arxiv.New(arxiv.Options{
		RSSURL: a.RSSURL, APIURL: a.APIURL, OAIURL: a.OAIURL,
		MinInterval: a.MinInterval, Timeout: a.Timeout, MaxRetries: maxRetries,
		Contact: a.Contact, Version: version, Logger: e.log,
	})
}

// arxivCanonical resolves one arXiv category or archive to its canonical
// name (bot.ParseSources' canon), or says which is unknown and the
// closest valid one.
func arxivCanonical(cat string) (string, error) {
	cats, err := arxiv.ParseCategories(cat)
	if err != nil {
		return "", errors.New(strings.TrimPrefix(err.Error(), "arxiv: "))
	}
	return cats[0], nil
}

// resolveSources reads the sources given (source: in the file, or every
// --source flag): at most one source of daily lists (huggingface, sample
// or file:PATH; huggingface when none is given) and any number of
// arxiv:CATS, merged. Channels follow them unless they set their own; a
// channel following "huggingface" reads the daily lists of the list
// source given here.
func resolveSources(s *resolvedConfig, specs []string) error {
	list := ""
	var cats []string
	for _, spec := range specs {
		spec = strings.TrimSpace(spec)
		if strings.HasPrefix(spec, "arxiv:") {
			cs, err := arxivCategories(spec)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if !slices.Contains(cats, c) {
					cats = append(cats, c)
				}
			}
			continue
		}
		if err := checkSource(spec); err != nil {
			return err
		}
		if list != "" && list != spec {
			return fmt.Errorf("source: %s and %s are both sources of daily lists; give one of huggingface, sample or file:PATH (and any arxiv:CATEGORIES)", list, spec)
		}
		list = spec
	}
	s.Source = or(list, defaultSource)
	s.ArxivCategories = cats
	s.Sources = bot.Sources{Lists: list != "" || len(cats) == 0, Arxiv: cats}
	s.SourcesGiven = len(specs) > 0
	return nil
}

// sourceLabel names the sources for status: "huggingface",
// "sample arxiv:cs.RO".
func (s *resolvedConfig) sourceLabel() string {
	specs := s.Sources.Specs()
	for i, sp := range specs {
		if sp == bot.SourceHuggingFace {
			specs[i] = s.Source
		}
	}
	if len(specs) == 0 {
		return s.Source
	}
	return strings.Join(specs, " ")
}

func checkSource(src string) error {
	switch {
	case src == "huggingface", src == "sample":
		return nil
	case strings.HasPrefix(src, "file:") && len(src) > len("file:"):
		return nil
	case strings.HasPrefix(src, "arxiv:"):
		return nil // its categories are checked against arXiv's list next
	}
	return fmt.Errorf("source: %q is not huggingface, sample, file:PATH or arxiv:CATEGORIES", src)
}

// arxivCategories returns the canonical categories of an arxiv:CATS
// source (an alias or an old name as arXiv now calls it, repeats once), nil
// for another source, or one line naming a category arXiv does not have
// and the closest one it does.
func arxivCategories(source string) ([]string, error) {
	spec, ok := strings.CutPrefix(source, "arxiv:")
	if !ok {
		return nil, nil
	}
	cats, err := arxiv.ParseCategories(spec)
	if err != nil {
		var be *bot.Error
		if errors.As(err, &be) {
			return nil, fmt.Errorf("source: %s", be.Message)
		}
		return nil, fmt.Errorf("source: %v", err)
	}
	return cats, nil
}
