// Package metrics is paperboy's operations endpoints: what the bot does as
// Prometheus metrics (client_golang, on a private registry), and the
// health and readiness checks, for `paperboy run` to serve on its own
// listener.
//
// Exposition format: https://prometheus.io/docs/instrumenting/exposition_formats/
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/paperboy-bot/paperboy/bot"
)

// Options configure the metrics.
type Options struct {
	// Store is read at each scrape for the delivery backlog, the
	// database's size and each channel's last digest (nil: those are
	// left out).
	Store bot.OpsStore
	// Platforms (every one channels post to), Chats (those of them that
	// send direct messages and retry requests: Discord, Slack) and Sources
	// (bot.SourceLabel) are the labels whose series are exported from the
	// start, at zero, so that a rate or an alert on them works before the
	// first event.
	Platforms, Chats, Sources []string
	// Now is the bot's clock: when fetches happened (default time.Now).
	Now func() time.Time
	// Log receives the errors of a scrape (default: none).
	Log *slog.Logger
}

// Metrics counts what the bot and the platforms do, and serves them.
type Metrics struct {
	reg *prometheus.Registry
	now func() time.Time
	log *slog.Logger

	digests     *prometheus.CounterVec
	items       *prometheus.CounterVec
	dms         *prometheus.CounterVec
	retries     *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	waited      *prometheus.CounterVec
	fetches     *prometheus.CounterVec
	fetchErrors *prometheus.CounterVec
	fetchTime   *prometheus.HistogramVec
	lastFetch   *prometheus.GaugeVec
	stored      *prometheus.CounterVec
	skipped     *prometheus.CounterVec
	search      prometheus.Histogram
	commands    *prometheus.HistogramVec
	matching    prometheus.Histogram

	mu      sync.Mutex
	started time.Time
	sources map[string]*fetchState
}

// fetchState is what the readiness check knows of one source's fetches.
type fetchState struct {
	attempt, success time.Time
	err              error // of the last attempt
}

var (
	_ bot.Metrics        = (*Metrics)(nil)
	_ bot.RequestMetrics = (*Metrics)(nil)
)

// Latency buckets, in seconds.
var (
	fetchBuckets   = []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}
	searchBuckets  = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	commandBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	matchBuckets   = []float64{.001, .005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10}
)

// New returns the metrics, registered on a registry of their own with the
// Go runtime's and the process's collectors.
func New(opts Options) *Metrics {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "paperboy_" + name, Help: help}, labels)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		now: opts.Now,
		log: opts.Log,
		digests: counter("digests_total", "Digest runs of a channel by how they ended: posted, empty (nothing to post), "+
			"waiting (the list is not out yet), stopped (the channel's posting is stopped) or failed (an error; retried).", "platform", "outcome"),
		items:       counter("items_sent_total", "Papers of digest threads sent and confirmed.", "platform"),
		dms:         counter("dms_sent_total", "Direct messages (alert batches or their parts) sent.", "platform"),
		retries:     counter("platform_retries_total", "Requests to a chat platform sent again after a failure (429, 5xx, timeout, dropped connection).", "platform"),
		rateLimited: counter("platform_rate_limited_total", "Requests a chat platform answered with a rate limit (HTTP 429), retried or not.", "platform"),
		waited:      counter("platform_retry_wait_seconds_total", "Seconds spent waiting before retries of requests to a chat platform (backoff and Retry-After).", "platform"),
		fetches:     counter("source_fetches_total", "Requests for a daily list or an arXiv announcement, answered or failed.", "source"),
		fetchErrors: counter("source_fetch_errors_total", "Requests for a daily list or an arXiv announcement that failed (after the client's retries).", "source"),
		fetchTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "paperboy_source_fetch_duration_seconds",
			Help: "How long a request for a daily list or an arXiv announcement took, retries and pacing included.", Buckets: fetchBuckets}, []string{"source"}),
		lastFetch: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "paperboy_source_last_success_timestamp_seconds",
			Help: "Unix time of the last answered request to a source."}, []string{"source"}),
		stored: counter("papers_stored_total", "Papers saved from fetches: new to the store, or updated (counters, summaries).", "source", "kind"),
		skipped: counter("elements_skipped_total", "Elements of fetched lists and feeds that were not stored (no usable arXiv id, a repeat); "+
			"a list fetched again counts its skipped elements again.", "source"),
		search: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "paperboy_search_duration_seconds",
			Help: "How long a chat search took to read the store (its wait for a turn not included).", Buckets: searchBuckets}),
		commands: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "paperboy_command_duration_seconds",
			Help: "How long a slash command took to answer, by command.", Buckets: commandBuckets}, []string{"command"}),
		matching: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "paperboy_alert_matching_duration_seconds",
			Help: "How long matching a poll's new papers against every topic subscription took.", Buckets: matchBuckets}),
		sources: map[string]*fetchState{},
	}
	m.started = m.now()
	m.reg.MustRegister(m.digests, m.items, m.dms, m.retries, m.rateLimited, m.waited, m.fetches, m.fetchErrors, m.fetchTime,
		m.lastFetch, m.stored, m.skipped, m.search, m.commands, m.matching,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if opts.Store != nil {
		m.reg.MustRegister(&storeCollector{store: opts.Store, platforms: opts.Platforms, chats: opts.Chats})
	}
	for _, p := range opts.Platforms {
		for _, o := range bot.DigestOutcomes {
			m.digests.WithLabelValues(p, o)
		}
		m.items.WithLabelValues(p)
	}
	for _, p := range opts.Chats {
		for _, c := range []*prometheus.CounterVec{m.dms, m.retries, m.rateLimited, m.waited} {
			c.WithLabelValues(p)
		}
	}
	for _, s := range opts.Sources {
		m.fetches.WithLabelValues(s)
		m.fetchErrors.WithLabelValues(s)
		m.fetchTime.WithLabelValues(s)
		m.stored.WithLabelValues(s, "new")
		m.stored.WithLabelValues(s, "updated")
		m.skipped.WithLabelValues(s)
	}
	return m
}

// Handler serves the metrics in Prometheus's text format (or OpenMetrics,
// when asked for). A gauge the store could not give is left out of that
// scrape and its error logged; the others are served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:            errorLog{m.log},
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: 4,
		Timeout:             10 * time.Second,
		EnableOpenMetrics:   true,
	})
}

// errorLog writes promhttp's errors to the log.
type errorLog struct{ log *slog.Logger }

func (l errorLog) Println(v ...any) {
	msg := ""
	for i, x := range v {
		if i > 0 {
			msg += " "
		}
		if err, ok := x.(error); ok {
			msg += err.Error()
		} else if s, ok := x.(string); ok {
			msg += s
		}
	}
	l.log.Warn("metrics: scrape incomplete", "error", msg)
}

// DigestDone counts a digest run.
func (m *Metrics) DigestDone(platform, outcome string) {
	m.digests.WithLabelValues(platform, outcome).Inc()
}

// ItemSent counts a paper sent in a thread.
func (m *Metrics) ItemSent(platform string) { m.items.WithLabelValues(platform).Inc() }

// DMSent counts a direct message.
func (m *Metrics) DMSent(platform string) { m.dms.WithLabelValues(platform).Inc() }

// Retried counts a retry and the wait before it.
func (m *Metrics) Retried(platform string, wait time.Duration) {
	m.retries.WithLabelValues(platform).Inc()
	m.waited.WithLabelValues(platform).Add(max(wait.Seconds(), 0))
}

// RateLimited counts a 429.
func (m *Metrics) RateLimited(platform string) { m.rateLimited.WithLabelValues(platform).Inc() }

// Fetched counts a fetch and keeps when it happened for the readiness
// check.
func (m *Metrics) Fetched(source string, took time.Duration, err error) {
	m.fetches.WithLabelValues(source).Inc()
	m.fetchTime.WithLabelValues(source).Observe(took.Seconds())
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.sources[source]
	if st == nil {
		st = &fetchState{}
		m.sources[source] = st
	}
	st.attempt, st.err = now, err
	if err != nil {
		m.fetchErrors.WithLabelValues(source).Inc()
		return
	}
	st.success = now
	m.lastFetch.WithLabelValues(source).Set(float64(now.UnixNano()) / 1e9)
}

// Stored counts the papers a fetch saved.
func (m *Metrics) Stored(source string, added, updated int) {
	m.stored.WithLabelValues(source, "new").Add(float64(max(added, 0)))
	m.stored.WithLabelValues(source, "updated").Add(float64(max(updated, 0)))
}

// Skipped counts the elements a fetch did not store.
func (m *Metrics) Skipped(source string, n int) {
	m.skipped.WithLabelValues(source).Add(float64(max(n, 0)))
}

// SearchDone times a chat search.
func (m *Metrics) SearchDone(took time.Duration) { m.search.Observe(took.Seconds()) }

// CommandDone times a slash command.
func (m *Metrics) CommandDone(command string, took time.Duration) {
	m.commands.WithLabelValues(command).Observe(took.Seconds())
}

// AlertsMatched times a round of alert matching.
func (m *Metrics) AlertsMatched(took time.Duration) { m.matching.Observe(took.Seconds()) }

// storeCollector reads the gauges of the store at each scrape.
type storeCollector struct {
	store            bot.OpsStore
	platforms, chats []string
}

var (
	backlogDesc = prometheus.NewDesc("paperboy_delivery_backlog",
		"Delivery-log rows planned or claimed and not yet confirmed as sent: digest messages (kind channel) and alert batches (kind dm).",
		[]string{"platform", "kind"}, nil)
	sizeDesc = prometheus.NewDesc("paperboy_database_size_bytes",
		"Bytes the database takes on disk: its file and its write-ahead log.", nil, nil)
	lastDigestDesc = prometheus.NewDesc("paperboy_last_digest_timestamp_seconds",
		"Unix time of each channel's last posted digest (channels that never posted have none).", []string{"platform", "channel"}, nil)
)

// scrapeTimeout bounds the store's reads of one scrape.
const scrapeTimeout = 5 * time.Second

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- backlogDesc
	ch <- sizeDesc
	ch <- lastDigestDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if bl, err := c.store.DeliveryBacklog(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(backlogDesc, err)
	} else {
		// Every configured platform's, so that a backlog gone is a zero
		// rather than a series that stops.
		rows := map[[2]string]int{}
		for _, p := range c.platforms {
			rows[[2]string{p, "channel"}] = 0
		}
		for _, p := range c.chats {
			rows[[2]string{p, "dm"}] = 0
		}
		for _, b := range bl {
			rows[[2]string{b.Platform, b.Kind}] += b.Rows
		}
		for k, n := range rows {
			ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(n), k[0], k[1])
		}
	}
	if n, err := c.store.Size(); err != nil {
		ch <- prometheus.NewInvalidMetric(sizeDesc, err)
	} else {
		ch <- prometheus.MustNewConstMetric(sizeDesc, prometheus.GaugeValue, float64(n))
	}
	if last, err := c.store.LastPosts(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(lastDigestDesc, err)
	} else {
		for ref, at := range last {
			ch <- prometheus.MustNewConstMetric(lastDigestDesc, prometheus.GaugeValue, float64(at.UnixNano())/1e9, ref.Platform, ref.ID)
		}
	}
}
