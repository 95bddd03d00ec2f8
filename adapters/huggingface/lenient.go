package huggingface

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// lenientElement decodes an element whose fields do not all have the types
// wireElement expects: each field is read on its own and coerced where its
// meaning is plain (a number written as a string, a title written as a
// number, one keyword instead of a list of them) or left out (null, an
// object where a string belongs, a list of the wrong things). Only an
// element that is not a JSON object is refused.
func lenientElement(data []byte) (wireElement, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return wireElement{}, jsonError(err)
	}
	outer, ok := v.(map[string]any)
	if !ok {
		return wireElement{}, &skipError{reason: "a " + jsonKind(v) + ", not a JSON object"}
	}
	e := wireElement{
		wirePaper:   lenientPaper(outer),
		Thumbnail:   str(outer["thumbnail"]),
		NumComments: count(outer["numComments"]),
	}
	if inner, ok := outer["paper"].(map[string]any); ok {
		p := lenientPaper(inner)
		e.Paper = &p
	}
	return e, nil
}

func lenientPaper(o map[string]any) wirePaper {
	p := wirePaper{
		ID:                 str(o["id"]),
		Title:              str(o["title"]),
		Summary:            str(o["summary"]),
		PublishedAt:        str(o["publishedAt"]),
		SubmittedOnDailyAt: str(o["submittedOnDailyAt"]),
		Upvotes:            count(o["upvotes"]),
		GitHubRepo:         str(o["githubRepo"]),
		GitHubStars:        count(o["githubStars"]),
		ProjectPage:        str(o["projectPage"]),
		AISummary:          str(o["ai_summary"]),
		AIKeywords:         strs(o["ai_keywords"]),
	}
	switch authors := o["authors"].(type) {
	case []any:
		for _, a := range authors {
			switch a := a.(type) {
			case map[string]any:
				hidden, _ := a["hidden"].(bool)
				p.Authors = append(p.Authors, wireAuthor{Name: str(a["name"]), Hidden: hidden})
			default: // a bare name
				if name := str(a); name != "" {
					p.Authors = append(p.Authors, wireAuthor{Name: name})
				}
			}
		}
	case string: // all authors in one string
		if authors != "" {
			p.Authors = []wireAuthor{{Name: authors}}
		}
	}
	if org, ok := o["organization"].(map[string]any); ok {
		p.Organization = &wireOrg{Name: str(org["name"]), FullName: str(org["fullname"])}
	}
	return p
}

// str reads a string field: a string as it is, a number as it was written
// ("2405.15738"), anything else (null, true, a list, an object) as absent.
func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

// strs reads a list of strings: a list keeps its strings and numbers, a
// single string is a list of one; anything else is absent.
func strs(v any) []string {
	switch v := v.(type) {
	case []any:
		var out []string
		for _, x := range v {
			if s := str(x); s != "" {
				out = append(out, s)
			}
		}
		return out
	case string:
		if v != "" {
			return []string{v}
		}
	}
	return nil
}

// count reads a counter: a number or a numeric string, its fraction
// dropped, clamped to 0..MaxInt32; anything else is 0.
func count(v any) int {
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
	default:
		return 0
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return int(min(max(n, 0), math.MaxInt32))
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(f) {
		return 0
	}
	return int(min(max(f, 0), math.MaxInt32))
}

// jsonKind names the kind of a decoded JSON value for a message.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "JSON null"
	case bool:
		return "JSON boolean"
	case json.Number:
		return "JSON number"
	case string:
		return "JSON string"
	case []any:
		return "JSON array"
	}
	return fmt.Sprintf("JSON %T", v)
}
