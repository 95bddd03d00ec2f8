package hffake

// The single-paper endpoints, as shared/docs/data-sources.md §1.5 has
// them: GET /api/papers/{id} answers the flat Paper document (the keys of
// a daily element's "paper", plus linkedModels/numTotalModels,
// linkedDatasets/numTotalDatasets and linkedSpaces/numTotalSpaces), 404
// for a paper Hugging Face does not have; GET /api/arxiv/{id}/repos
// answers {models, datasets, spaces}.
//
// A paper's document is the one SetPaper set, else the "paper" object of
// the newest list holding it (with the element's numComments), as Hugging
// Face has one document per paper whichever list shows it.

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
)

// PapersPath is the prefix of the single-paper endpoint.
const PapersPath = "/api/papers/"

// arxivPath and reposSuffix frame /api/arxiv/{id}/repos.
const (
	arxivPath   = "/api/arxiv/"
	reposSuffix = "/repos"
)

// Linked are the Hugging Face repos linked to a paper, by repo id
// ("org/name").
type Linked struct {
	Models, Datasets, Spaces []string
}

// SetPaper sets the document of paper id (a JSON object, flat as
// /api/papers/{id} answers it); nil removes it, so the paper's newest list
// element answers again.
func (s *Server) SetPaper(id string, doc []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(doc) == 0 {
		delete(s.papers, id)
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(doc, &obj); err != nil {
		return errors.New("hffake: paper " + id + " is not a JSON object: " + err.Error())
	}
	s.papers[id] = append(json.RawMessage(nil), doc...)
	return nil
}

// SetLinked sets the repos linked to paper id.
func (s *Server) SetLinked(id string, l Linked) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.linked[id] = l
}

// PaperRequests returns the requests for paper id's document, in order.
func (s *Server) PaperRequests(id string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == PapersPath+id {
			out = append(out, r)
		}
	}
	return out
}

func isPaperPath(p string) bool {
	if id, ok := strings.CutPrefix(p, PapersPath); ok {
		return id != "" && !strings.Contains(id, "/")
	}
	if rest, ok := strings.CutPrefix(p, arxivPath); ok {
		id, ok := strings.CutSuffix(rest, reposSuffix)
		return ok && id != "" && !strings.Contains(id, "/")
	}
	return false
}

var notFound = []byte(`{"error":"Sorry, we can't find the page you are looking for."}`)

// paperAnswer answers a single-paper path (isPaperPath): the status and
// the body.
func (s *Server) paperAnswer(path string) (int, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rest, ok := strings.CutPrefix(path, arxivPath); ok {
		id := strings.TrimSuffix(rest, reposSuffix)
		l := s.linked[id]
		body, _ := json.Marshal(map[string]any{"models": repoList(l.Models), "datasets": repoList(l.Datasets), "spaces": repoList(l.Spaces)})
		return http.StatusOK, body
	}
	id := strings.TrimPrefix(path, PapersPath)
	doc, ok := s.paperDocLocked(id)
	if !ok {
		return http.StatusNotFound, notFound
	}
	l := s.linked[id]
	doc["linkedModels"], doc["numTotalModels"] = raw(repoList(l.Models)), raw(len(l.Models))
	doc["linkedDatasets"], doc["numTotalDatasets"] = raw(repoList(l.Datasets)), raw(len(l.Datasets))
	doc["linkedSpaces"], doc["numTotalSpaces"] = raw(repoList(l.Spaces)), raw(len(l.Spaces))
	body, _ := json.Marshal(doc)
	return http.StatusOK, body
}

// paperDocLocked is paper id's document as a JSON object.
func (s *Server) paperDocLocked(id string) (map[string]json.RawMessage, bool) {
	var doc map[string]json.RawMessage
	if b, ok := s.papers[id]; ok {
		return doc, json.Unmarshal(b, &doc) == nil
	}
	dates := make([]string, 0, len(s.lists))
	for d := range s.lists {
		dates = append(dates, d)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dates)))
	for _, d := range dates {
		for _, e := range s.lists[d] {
			var el struct {
				Paper       map[string]json.RawMessage `json:"paper"`
				NumComments json.RawMessage            `json:"numComments"`
			}
			if json.Unmarshal(e, &el) != nil || el.Paper == nil {
				continue
			}
			var pid string
			if json.Unmarshal(el.Paper["id"], &pid) != nil || pid != id {
				continue
			}
			if el.NumComments != nil {
				el.Paper["numComments"] = el.NumComments
			}
			return el.Paper, true
		}
	}
	return nil, false
}

func repoList(ids []string) []map[string]string {
	out := make([]map[string]string, len(ids))
	for i, id := range ids {
		out[i] = map[string]string{"id": id}
	}
	return out
}

func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
