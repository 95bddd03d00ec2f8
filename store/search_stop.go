package store

import "slices"

// A search's deadline (bot.SearchRequest.Timeout): the statements of a
// search run under it, the transaction under the caller's context, so a
// search that reaches it keeps what it found and loads the page's papers
// after all.

// stop reports whether err ends a search that reached its deadline (the
// caller's context still live): it then marks the search stopped, and
// the statements that follow (loading the page's papers) run on the
// caller's context. The stages that read matches check stopped and are
// skipped; the ones that were reading keep what they found.
func (r *ranker) stop(err error) bool {
	if err == nil || r.stopped || r.ctx.Err() == nil || r.base.Err() != nil {
		return false
	}
	r.stopped = true
	r.ctx = r.base
	return true
}

// partial returns the best candidates found by the scan that stopped.
func (r *ranker) partial() []candidate {
	if r.top == nil {
		return nil
	}
	return slices.Clone(r.top.best)
}
