package bot

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// queryNow is the fixed "now" of the query tests: Thursday 26 November 2026.
var queryNow = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

// w is a one-word term, ph a phrase.
func qw(s string) Term              { return Term{Words: []string{s}} }
func qph(words ...string) Term      { return Term{Words: words, Phrase: true} }
func qand(items ...Expr) And        { return And{Items: items} }
func qor(items ...Expr) Or          { return Or{Items: items} }
func qnot(item Expr) Not            { return Not{Item: item} }
func qdate(y, m, day int) Date      { return Date{y, time.Month(m), day} }
func qge(n int) Compare             { return Compare{">=", n} }
func qcmp(op string, n int) Compare { return Compare{op, n} }

// ignoreRaw compares queries without what was typed.
var ignoreRaw = cmpopts.IgnoreFields(Query{}, "Raw")

type validQueryCase struct {
	in   string
	want Query // Raw is not compared
}

var validQueries = []validQueryCase{
	// Words, case, implicit AND.
	{"diffusion", Query{Expr: qw("diffusion")}},
	{"  diffusion  ", Query{Expr: qw("diffusion")}},
	{"diffusion video", Query{Expr: qand(qw("diffusion"), qw("video"))}},
	{"Diffusion VIDEO Models", Query{Expr: qand(qw("diffusion"), qw("video"), qw("models"))}},
	{"diffusion\tvideo\nmodels", Query{Expr: qand(qw("diffusion"), qw("video"), qw("models"))}},
	// Phrases and hyphenated/dotted words.
	{`"exact phrase"`, Query{Expr: qph("exact", "phrase")}},
	{`"Mixture  of Experts" routing`, Query{Expr: qand(qph("mixture", "of", "experts"), qw("routing"))}},
	{`"single"`, Query{Expr: qw("single")}},
	{"“smart quotes” „German“ ”odd”", Query{Expr: qand(qph("smart", "quotes"), qw("german"), qw("odd"))}},
	{"author:“Yann LeCun”", Query{Authors: []string{"Yann LeCun"}}},
	{`"gpt-4"`, Query{Expr: qph("gpt", "4")}},
	{"gpt-4", Query{Expr: qph("gpt", "4")}},
	{"GPT-4o mini", Query{Expr: qand(qph("gpt", "4o"), qw("mini"))}},
	{"u.s.", Query{Expr: qph("u", "s")}},
	{"state-of-the-art models", Query{Expr: qand(qph("state", "of", "the", "art"), qw("models"))}},
	{"x/y", Query{Expr: qph("x", "y")}},
	{"10:30", Query{Expr: qph("10", "30")}},
	{"llama-3.1-8b", Query{Expr: qph("llama", "3", "1", "8b")}},
	{"foo- bar", Query{Expr: qand(qw("foo"), qw("bar"))}},
	{`foo"bar baz"`, Query{Expr: qand(qw("foo"), qph("bar", "baz"))}},
	{`a "" b`, Query{Expr: qand(qw("a"), qw("b"))}},
	// Exclusions.
	{"diffusion -survey", Query{Expr: qand(qw("diffusion"), qnot(qw("survey")))}},
	{`diffusion -"literature review"`, Query{Expr: qand(qw("diffusion"), qnot(qph("literature", "review")))}},
	{"diffusion -(survey OR review)", Query{Expr: qand(qw("diffusion"), qnot(qor(qw("survey"), qw("review"))))}},
	{"-survey diffusion", Query{Expr: qand(qnot(qw("survey")), qw("diffusion"))}},
	{"diffusion -gpt-4", Query{Expr: qand(qw("diffusion"), qnot(qph("gpt", "4")))}},
	{"diffusion --survey", Query{Expr: qand(qw("diffusion"), qnot(qw("survey")))}},
	{"diffusion --", Query{Expr: qw("diffusion")}},
	{"diffusion -***", Query{Expr: qw("diffusion")}},
	{"diffusion -OR", Query{Expr: qand(qw("diffusion"), qnot(qw("or")))}},
	{"-(a -b) c", Query{Expr: qand(qnot(qand(qw("a"), qnot(qw("b")))), qw("c"))}},
	{"(a -b) c", Query{Expr: qand(qw("a"), qnot(qw("b")), qw("c"))}},
	// NOT and AND.
	{"x NOT y", Query{Expr: qand(qw("x"), qnot(qw("y")))}},
	{"NOT survey diffusion", Query{Expr: qand(qnot(qw("survey")), qw("diffusion"))}},
	{"a NOT(b c)", Query{Expr: qand(qw("a"), qnot(qand(qw("b"), qw("c"))))}},
	{"x AND y", Query{Expr: qand(qw("x"), qw("y"))}},
	{"x AND -y", Query{Expr: qand(qw("x"), qnot(qw("y")))}},
	{"x AND (y OR z)", Query{Expr: qand(qw("x"), qor(qw("y"), qw("z")))}},
	{"a and b not c", Query{Expr: qand(qw("a"), qw("and"), qw("b"), qw("not"), qw("c"))}},
	// OR and precedence: OR binds tighter than the implicit AND.
	{"a OR b", Query{Expr: qor(qw("a"), qw("b"))}},
	{"a or b", Query{Expr: qand(qw("a"), qw("or"), qw("b"))}},
	{"a b OR c", Query{Expr: qand(qw("a"), qor(qw("b"), qw("c")))}},
	{"a OR b c", Query{Expr: qand(qor(qw("a"), qw("b")), qw("c"))}},
	{"a OR b OR c", Query{Expr: qor(qw("a"), qw("b"), qw("c"))}},
	{"a AND b OR c", Query{Expr: qand(qw("a"), qor(qw("b"), qw("c")))}},
	{"(a b) OR c", Query{Expr: qor(qand(qw("a"), qw("b")), qw("c"))}},
	{"(a OR b) OR c", Query{Expr: qor(qw("a"), qw("b"), qw("c"))}},
	{"(a OR b) (c OR d)", Query{Expr: qand(qor(qw("a"), qw("b")), qor(qw("c"), qw("d")))}},
	{`"video generation" OR "image generation"`, Query{Expr: qor(qph("video", "generation"), qph("image", "generation"))}},
	{"a OR (b -c)", Query{Expr: qor(qw("a"), qand(qw("b"), qnot(qw("c"))))}},
	{"a OR *** OR b", Query{Expr: qor(qw("a"), qw("b"))}},
	{"a *** OR ^", Query{Expr: qw("a")}},
	// Nesting.
	{"((a))", Query{Expr: qw("a")}},
	{"a (b (c OR (d e)))", Query{Expr: qand(qw("a"), qw("b"), qor(qw("c"), qand(qw("d"), qw("e"))))}},
	{strings.Repeat("(", 20) + "deep" + strings.Repeat(")", 20), Query{Expr: qw("deep")}},
	{"(***) a", Query{Expr: qw("a")}},
	{"f(x)", Query{Expr: qand(qw("f"), qw("x"))}},
	// Unicode.
	{"扩散模型 视频", Query{Expr: qand(qw("扩散模型"), qw("视频"))}},
	{"拡散モデル、動画", Query{Expr: qph("拡散モデル", "動画")}},
	{"Müller Café", Query{Expr: qand(qw("müller"), qw("café"))}},
	{"naïve-Bayes", Query{Expr: qph("naïve", "bayes")}},
	{"ÉCOLE", Query{Expr: qw("école")}},
	{"İstanbul", Query{Expr: qw("istanbul")}},
	{"ΣΊΣΥΦΟΣ", Query{Expr: qw("σίσυφοσ")}},
	{"🚀 rocket", Query{Expr: qw("rocket")}},
	{"diffusion🔥model", Query{Expr: qph("diffusion", "model")}},
	{"ＡＩ safety", Query{Expr: qand(qw("ａｉ"), qw("safety"))}},
	{"h₂o", Query{Expr: qw("h₂o")}},
	{"Re\u0301sume\u0301 e\u0301cole", Query{Expr: qand(qw("re\u0301sume\u0301"), qw("e\u0301cole"))}}, // combining accents stay in the word
	{"\u0301a \u0301", Query{Expr: qw("a")}},                                                           // a mark does not start a word
	{"हिन्दी भाषा", Query{Expr: qand(qw("हिन्दी"), qw("भाषा"))}},
	{"한국어 모델", Query{Expr: qand(qw("한국어"), qw("모델"))}},
	{"Ελληνικά", Query{Expr: qw("ελληνικά")}},
	{"caf\xe9 bar", Query{Expr: qand(qw("caf"), qw("bar"))}}, // invalid UTF-8
	// FTS5 and SQL metacharacters are text.
	{"NEAR(a b)", Query{Expr: qand(qw("near"), qw("a"), qw("b"))}},
	{`"NEAR(a b)"`, Query{Expr: qph("near", "a", "b")}},
	{"NEAR/3 a", Query{Expr: qand(qph("near", "3"), qw("a"))}},
	{"a* ^b +c", Query{Expr: qand(qw("a"), qw("b"), qw("c"))}},
	{"don't", Query{Expr: qph("don", "t")}},
	{"'quoted'", Query{Expr: qw("quoted")}},
	{"a; DROP TABLE papers;--", Query{Expr: qand(qw("a"), qw("drop"), qw("table"), qw("papers"))}},
	{`a " b " c`, Query{Expr: qand(qw("a"), qw("b"), qw("c"))}},
	{`"OR"`, Query{Expr: qw("or")}},
	{`"a OR b"`, Query{Expr: qph("a", "or", "b")}},
	{`"author:lecun"`, Query{Expr: qph("author", "lecun")}},
	{":col", Query{Expr: qw("col")}},
	{"a1:b", Query{Expr: qph("a1", "b")}},
	{"ü:x", Query{Expr: qph("ü", "x")}},
	{"{a} [b] <c> |d| \\e ~f @g #h $i %j &k =l ?m !n", Query{Expr: qand(qw("a"), qw("b"), qw("c"), qw("d"), qw("e"), qw("f"), qw("g"), qw("h"), qw("i"), qw("j"), qw("k"), qw("l"), qw("m"), qw("n"))}},
	{"2405.15738 diffusion", Query{Expr: qand(qph("2405", "15738"), qw("diffusion"))}},
	{"arxiv.org", Query{Expr: qph("arxiv", "org")}},
	// A word with a colon is a filter only when it starts with a filter's
	// name and a value follows the colon; else it is text.
	{"FruitNeRF: A Unified Neural Radiance Field", Query{Expr: qand(qw("fruitnerf"), qw("a"), qw("unified"), qw("neural"), qw("radiance"), qw("field"))}},
	{"autor:lecun", Query{Expr: qph("autor", "lecun")}},
	{"re:invent", Query{Expr: qph("re", "invent")}},
	{"http:", Query{Expr: qw("http")}},
	{"a:b", Query{Expr: qph("a", "b")}},
	{"col:val", Query{Expr: qph("col", "val")}},
	{"diffusion Title:video", Query{Expr: qand(qw("diffusion"), qph("title", "video"))}},
	{"-re:invent diffusion", Query{Expr: qand(qnot(qph("re", "invent")), qw("diffusion"))}},
	{"arxiv:foo", Query{Expr: qph("arxiv", "foo")}},
	{"author:", Query{Expr: qw("author")}},
	{"author: lecun", Query{Expr: qand(qw("author"), qw("lecun"))}},
	{"Author: A Study", Query{Expr: qand(qw("author"), qw("a"), qw("study"))}},
	{"Sort: fast sorting", Query{Expr: qand(qw("sort"), qw("fast"), qw("sorting"))}},
	{"org: a", Query{Expr: qand(qw("org"), qw("a"))}},
	{"upvotes: has: since: before: id:", Query{Expr: qand(qw("upvotes"), qw("has"), qw("since"), qw("before"), qw("id"))}},
	{"(a author:)", Query{Expr: qand(qw("a"), qw("author"))}},
	{"author:(x)", Query{Expr: qand(qw("author"), qw("x"))}},
	{"authors:x", Query{Expr: qph("authors", "x")}},
	// Filters.
	{`author:"Yann LeCun"`, Query{Authors: []string{"Yann LeCun"}}},
	{`AUTHOR:"  Yann   LeCun "`, Query{Authors: []string{"Yann LeCun"}}},
	{"author:lecun diffusion", Query{Expr: qw("diffusion"), Authors: []string{"lecun"}}},
	{`author:Müller author:"de la Cruz" author:O'Brien`, Query{Authors: []string{"Müller", "de la Cruz", "O'Brien"}}},
	{`author:"(x)"`, Query{Authors: []string{"(x)"}}},
	{`author:-x`, Query{Authors: []string{"-x"}}},
	{"org:meta", Query{Orgs: []string{"meta"}}},
	{"cat:cs.CL", Query{Categories: [][]string{{"cs.CL"}}}},
	{"robots cat:cs.*", Query{Expr: qw("robots"), Categories: [][]string{{"cs"}}}},
	{"cat:cs.CL,cs.LG,cs.cl cat:hep-th", Query{Categories: [][]string{{"cs.CL", "cs.LG"}, {"hep-th"}}}},
	{"CAT:q-bio.BM", Query{Categories: [][]string{{"q-bio.BM"}}}},
	{`org:"Ant Research" org:google`, Query{Orgs: []string{"Ant Research", "google"}}},
	{"upvotes:>=20", Query{Upvotes: []Compare{qge(20)}}},
	{"upvotes:20", Query{Upvotes: []Compare{qge(20)}}},
	{"upvotes:>20", Query{Upvotes: []Compare{qcmp(">", 20)}}},
	{"upvotes:<5", Query{Upvotes: []Compare{qcmp("<", 5)}}},
	{"upvotes:<=5", Query{Upvotes: []Compare{qcmp("<=", 5)}}},
	{"upvotes:=0", Query{Upvotes: []Compare{qcmp("=", 0)}}},
	{"upvotes:007", Query{Upvotes: []Compare{qge(7)}}},
	{"upvotes:>=10 upvotes:<100", Query{Upvotes: []Compare{qge(10), qcmp("<", 100)}}},
	{"has:code", Query{HasCode: true}},
	{"has:project", Query{HasProject: true}},
	{"has:CODE Has:Project has:code", Query{HasCode: true, HasProject: true}},
	{"since:7d", Query{Since: qdate(2026, 11, 19)}},
	{"since:4w", Query{Since: qdate(2026, 10, 29)}},
	{"since:6m", Query{Since: qdate(2026, 5, 26)}},
	{"since:1D", Query{Since: qdate(2026, 11, 25)}},
	{"since:2025-01-01", Query{Since: qdate(2025, 1, 1)}},
	{"before:2025-01-01", Query{Before: qdate(2025, 1, 1)}},
	{"since:2024-01-01 before:2025-01-01", Query{Since: qdate(2024, 1, 1), Before: qdate(2025, 1, 1)}},
	{"sort:date diffusion", Query{Expr: qw("diffusion"), Sort: SortDate}},
	{"SORT:Upvotes diffusion", Query{Expr: qw("diffusion"), Sort: SortUpvotes}},
	{"sort:relevance diffusion", Query{Expr: qw("diffusion"), Sort: SortRelevance}},
	{"has:code sort:upvotes", Query{HasCode: true, Sort: SortUpvotes}},
	{"a AND author:x", Query{Expr: qw("a"), Authors: []string{"x"}}},
	{"author:x(y)", Query{Expr: qw("y"), Authors: []string{"x"}}},
	{`diffusion "video generation" -survey author:"Yann LeCun" org:meta upvotes:>=20 has:code has:project since:7d before:2027-01-01 sort:upvotes`,
		Query{
			Expr:    qand(qw("diffusion"), qph("video", "generation"), qnot(qw("survey"))),
			Authors: []string{"Yann LeCun"}, Orgs: []string{"meta"}, Upvotes: []Compare{qge(20)},
			HasCode: true, HasProject: true, Since: qdate(2026, 11, 19), Before: qdate(2027, 1, 1), Sort: SortUpvotes,
		}},
	{"author:x -survey diffusion", Query{Expr: qand(qnot(qw("survey")), qw("diffusion")), Authors: []string{"x"}}},
	// Paper ids and links.
	{"id:2405.15738", Query{ID: "2405.15738"}},
	{"ID:2405.15738v2", Query{ID: "2405.15738"}},
	{"id:https://arxiv.org/abs/2405.15738", Query{ID: "2405.15738"}},
	{`id:"2405.15738"`, Query{ID: "2405.15738"}},
	{"https://huggingface.co/papers/2405.15738", Query{ID: "2405.15738"}},
	{"  https://huggingface.co/papers/2405.15738  ", Query{ID: "2405.15738"}},
	{"huggingface.co/papers/2405.15738", Query{ID: "2405.15738"}},
	{"https://arxiv.org/pdf/2405.15738v1.pdf", Query{ID: "2405.15738"}},
	{"http://www.arxiv.org/abs/2405.15738v3", Query{ID: "2405.15738"}},
	{"<https://arxiv.org/abs/2405.15738>", Query{ID: "2405.15738"}},
	{"2405.15738", Query{ID: "2405.15738"}},
	{" 2405.15738v2 ", Query{ID: "2405.15738"}},
	{"arXiv:2405.15738", Query{ID: "2405.15738"}},
	{"hep-th/9901001", Query{ID: "hep-th/9901001"}},
}

type invalidQueryCase struct {
	in   string
	want string // a substring of the message
}

var invalidQueries = []invalidQueryCase{
	// Empty and too long.
	{"", "type something to search for, e.g."},
	{"   \t\n", "type something to search for"},
	{strings.Repeat("a", 501), "the query is 501 characters long; the limit is 500"},
	// cat: values.
	{"robots cat:cs.CL,", "cat: takes arXiv categories or archives"},
	{"cat:1cs", "cat: takes arXiv categories or archives"},
	{"cat:cs..CL", "cat: takes arXiv categories or archives"},
	{"cat:cs.C*", "cat: takes arXiv categories or archives"},
	{"cat:a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u", "cat: takes arXiv categories or archives"},
	{strings.Repeat("é", 250) + " " + strings.Repeat("b", 250), "501 characters long"},
	{"since:1d " + distinctWords(163) + " zz", "once its dates are written out; the limit is 500"},
	// Nothing to search for.
	{"***", "nothing to search for"},
	{"^", "nothing to search for"},
	{"--", "nothing to search for"},
	{`""`, "nothing to search for"},
	{"🚀🔥", "nothing to search for"},
	{"(***)", "nothing to search for"},
	{"sort:date", "nothing to search for: sort: orders results"},
	// Quotes and parentheses.
	{`"unclosed phrase`, `unbalanced quote: the " before "unclosed phrase" is never closed`},
	{`a "b" "c`, "unbalanced quote"},
	{`a "`, `the " at the end is never closed`},
	{"“unclosed", "unbalanced quote"},
	{`author:"Yann`, "unbalanced quote"},
	{"(a b", "unbalanced parentheses: a ( is never closed"},
	{"((a) b", "unbalanced parentheses"},
	{"a b)", "unbalanced parentheses: a ) has no ( before it"},
	{")", "unbalanced parentheses"},
	{"a) (b", "unbalanced parentheses"},
	{"()", "empty parentheses"},
	{"a ( ) b", "empty parentheses"},
	{"a -()", "empty parentheses"},
	{strings.Repeat("(", 21) + "deep" + strings.Repeat(")", 21), "too many nested parentheses"},
	// Exclusions.
	{"-", "a lone - excludes nothing"},
	{"a - b", "a lone - excludes nothing"},
	{"a -", "a lone - excludes nothing"},
	{"(a -)", "a lone - excludes nothing"},
	{"-survey", "add at least one word to look for, e.g. diffusion -survey"},
	{"-a -b", "add at least one word to look for"},
	{`-"x y"`, "add at least one word to look for"},
	{"NOT a", "add at least one word to look for"},
	{"-(a b)", "add at least one word to look for"},
	{"a (-b)", "the group in parentheses only excludes: add at least one word"},
	{"a -(-b)", "only excludes"},
	{"author:x -survey", "add at least one word to look for"},
	{"-survey ***", "add at least one word to look for"},
	// Operators.
	{"OR", "OR needs a search term on each side"},
	{"a OR", "OR needs a search term on each side"},
	{"OR a", "OR needs a search term on each side"},
	{"a OR OR b", "OR needs a search term on each side"},
	{"(a OR) b", "OR needs a search term on each side"},
	{"a (OR b)", "OR needs a search term on each side"},
	{"AND", "AND needs a search term on each side"},
	{"a AND", "AND needs a search term on each side"},
	{"AND a", "AND needs a search term on each side"},
	{"a AND OR b", "AND needs a search term on each side"},
	{"a AND AND b", "AND needs a search term on each side"},
	{"NOT", "NOT needs a word after it"},
	{"a NOT", "NOT needs a word after it"},
	{"a NOT )", "NOT needs a word after it"},
	{"a NOT OR b", "NOT needs a word after it"},
	{"a NOT -b", "use NOT or -, not both"},
	{"a NOT NOT b", "use NOT or -, not both"},
	{"a OR -b", "an excluded term can't be one side of OR"},
	{"-a OR b", "an excluded term can't be one side of OR"},
	{"a OR NOT b", "an excluded term can't be one side of OR"},
	{"c a OR -***", "an excluded term can't be one side of OR"},
	// Filters in the wrong place.
	{"-author:lecun diffusion", "filters can't be excluded: remove the - before author:lecun"},
	{"NOT has:code diffusion", "filters can't be excluded: remove the NOT before"},
	{"a OR author:x", "filters apply to the whole query and can't be combined with OR: put author:x outside"},
	{`a OR author:"Yann  LeCun"`, `put author:"Yann LeCun" outside`},
	{"author:x OR a", "can't be combined with OR"},
	{"(a author:x)", "filters apply to the whole query: move author:x out of the parentheses"},
	{"(a AND since:7d)", "out of the parentheses"},
	{"a (b OR c has:code)", "out of the parentheses"},
	// Bad values.
	{`author:"" a`, "author: needs a value right after the colon, e.g. author:\"Yann LeCun\""},
	{`author:"  " a`, "author: needs a value"},
	{"upvotes:abc", `"upvotes:abc" is not a number of upvotes: write upvotes:>=20`},
	{"upvotes:>=", "not a number of upvotes"},
	{"upvotes:-5", "not a number of upvotes"},
	{"upvotes:=>5", "not a number of upvotes"},
	{"upvotes:>>5", "not a number of upvotes"},
	{"upvotes:1e3", "not a number of upvotes"},
	{"upvotes:2.5", "not a number of upvotes"},
	{"upvotes:99999999999999999999", "not a number of upvotes"},
	{"has:data", "has: takes code or project, e.g. has:code"},
	{"since:0d", "is not a start date: write days, weeks or months back (since:7d, since:4w, since:6m) or a date (since:2025-01-01)"},
	{"since:7y", "is not a start date"},
	{"since:yesterday", "is not a start date"},
	{"since:-7d", "is not a start date"},
	{"since:d", "is not a start date"},
	{"since:2025-13-01", "is not a start date"},
	{"since:2025-02-30", "is not a start date"},
	{"since:2025-1-1", "is not a start date"},
	{"since:99999d", "is not a start date"},
	{"since:7d since:1d a", "use since: only once"},
	{"before:7d", `"before:7d" is not a date: write before:YYYY-MM-DD, e.g. before:2025-01-01`},
	{"before:2025/01/01", "is not a date"},
	{"before:2025-01-01 before:2024-01-01", "use before: only once"},
	{"since:2026-01-01 before:2025-01-01", "since:2026-01-01 is not before before:2025-01-01, so nothing can match"},
	{"since:2025-01-01 before:2025-01-01", "nothing can match"},
	{"sort:newest a", "sort: takes relevance, date or upvotes, e.g. sort:date"},
	{"sort:date sort:upvotes a", "use sort: only once"},
	{"sort:date sort:date a", "use sort: only once"},
	// Paper ids and links.
	{"id:foo", "id: takes an arXiv id or a paper link, e.g. id:2405.15738"},
	{"id:https://github.com/x/y", "id: takes an arXiv id or a paper link"},
	{"id:2405.15738 diffusion", "a paper link goes alone; search words go without it"},
	{"id:2405.15738 id:2405.15739", "a paper link goes alone"},
	{"id:2405.15738 sort:date", "a paper link goes alone"},
	{"diffusion https://arxiv.org/abs/2405.15738", "a paper link goes alone"},
	{"https://huggingface.co/papers/2405.15738 has:code", "a paper link goes alone"},
	{"(https://arxiv.org/abs/2405.15738)", "a paper link goes alone"},
	{"-https://arxiv.org/abs/2405.15738", "a paper link goes alone"},
	{"arXiv:2405.15738 diffusion", "a paper link goes alone"},
	{"https://github.com/foo/bar", `"https://github.com/foo/bar" is not a paper link: paste a Hugging Face or arXiv paper link`},
	{"huggingface.co/models/x", "is not a paper link"},
	{"diffusion ftp://x", "is not a paper link"},
}

func TestParseQueryValid(t *testing.T) {
	for _, tc := range validQueries {
		t.Run(tc.in, func(t *testing.T) {
			q, err := ParseQuery(tc.in, queryNow)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(&tc.want, q, ignoreRaw); diff != "" {
				t.Errorf("ParseQuery(%q) (-want +got):\n%s", tc.in, diff)
			}
			if want := strings.ToValidUTF8(tc.in, "\uFFFD"); q.Raw != want {
				t.Errorf("Raw = %q, want %q", q.Raw, want)
			}
			if err := checkQuery(q); err != nil {
				t.Errorf("ParseQuery(%q): %v", tc.in, err)
			}
			checkRoundTrip(t, q, queryNow)
		})
	}
}

func TestParseQueryInvalid(t *testing.T) {
	for _, tc := range invalidQueries {
		t.Run(tc.in, func(t *testing.T) {
			q, err := ParseQuery(tc.in, queryNow)
			if err == nil {
				t.Fatalf("ParseQuery(%q) = %v (%#v), want an error", tc.in, q.String(), q)
			}
			checkQueryError(t, err)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseQuery(%q) error %q, want it to contain %q", tc.in, err, tc.want)
			}
		})
	}
}

// TestParseQueryMetacharacters: SQL and FTS5 syntax typed by a user is text
// (plain terms of letters and digits) or gets a message; never anything
// else.
func TestParseQueryMetacharacters(t *testing.T) {
	for _, in := range []string{
		"'", "a'b", `"a b"`, `"`, ";", "a;b", "--", "a -- b", "*", "a*", "NEAR(a b)", "NEAR(a b, 3)",
		"^x", "a:b", ")", "(", "x AND y", "x NOT y", "x OR y", "col:val", "title:x", "{title}:x", "-x",
		"a + b", "a:b:c", "'; DROP TABLE papers; --", `" OR 1=1 --`, `a" OR "1"="1`, "\x00", "a\x00b",
		"%", "a%b", "_", `\`, "a AND", "a OR", "NOT", "x NEAR y", "x NEAR/2 y", "^", "a^2", "\"\"\"",
	} {
		q, err := ParseQuery(in, queryNow)
		if err != nil {
			checkQueryError(t, err)
			continue
		}
		if err := checkQuery(q); err != nil {
			t.Errorf("ParseQuery(%q): %v", in, err)
		}
		checkRoundTrip(t, q, queryNow)
	}
}

func TestQueryString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"diffusion", "diffusion"},
		{"Diffusion  VIDEO", "diffusion video"},
		{`"exact phrase" -survey`, "exact-phrase -survey"},
		{`-"lit review" a`, "-lit-review a"},
		{"gpt-4 u.s.", "gpt-4 u-s"},
		{"a b OR c", "a b OR c"},
		{"a AND b OR c", "a b OR c"},
		{"(a b) OR c", "(a b) OR c"},
		{"(a OR b) OR (c d)", "a OR b OR (c d)"},
		{"a -(b OR c) -(d e)", "a -(b OR c) -(d e)"},
		{"x NOT y", "x -y"},
		{"((a))", "a"},
		{"a (b c)", "a b c"},
		{`author:"Yann  LeCun" author:lecun org:"Ant Research"`, `author:"Yann LeCun" author:lecun org:"Ant Research"`},
		{`author:"lecun"`, "author:lecun"},
		{`author:"(x)"`, `author:"(x)"`},
		{"upvotes:>=20 upvotes:<100 upvotes:=5 upvotes:>1 upvotes:<=9", "upvotes:20 upvotes:<100 upvotes:=5 upvotes:>1 upvotes:<=9"},
		{"sort:date since:7d has:project has:code before:2027-01-01 a", "a has:code has:project since:2026-11-19 before:2027-01-01 sort:date"},
		{"sort:relevance a", "a"},
		{"sort:UPVOTES a", "a sort:upvotes"},
		{"https://huggingface.co/papers/2405.15738", "id:2405.15738"},
		{"2405.15738v2", "id:2405.15738"},
		{"扩散 Müller", "扩散 müller"},
	} {
		q, err := ParseQuery(tc.in, queryNow)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tc.in, err)
			continue
		}
		if got := q.String(); got != tc.want {
			t.Errorf("ParseQuery(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestQueryPositiveTerms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Term
	}{
		{"a", []Term{qw("a")}},
		{`a -b (c OR d) -(e f) "g h"`, []Term{qw("a"), qw("c"), qw("d"), qph("g", "h")}},
		{"a OR (b -c)", []Term{qw("a"), qw("b")}},
		{"has:code", nil},
		{"id:2405.15738", nil},
	} {
		q, err := ParseQuery(tc.in, queryNow)
		if err != nil {
			t.Fatalf("ParseQuery(%q): %v", tc.in, err)
		}
		if diff := cmp.Diff(tc.want, q.PositiveTerms()); diff != "" {
			t.Errorf("PositiveTerms of %q (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestParseQuerySince(t *testing.T) {
	for _, tc := range []struct {
		now  time.Time
		in   string
		want Date
	}{
		{queryNow, "since:7d", qdate(2026, 11, 19)},
		{queryNow, "since:4w", qdate(2026, 10, 29)},
		{queryNow, "since:6m", qdate(2026, 5, 26)},
		{queryNow, "since:12m", qdate(2025, 11, 26)},
		{queryNow, "since:11m", qdate(2025, 12, 26)},
		{queryNow, "since:1d", qdate(2026, 11, 25)},
		{queryNow, "since:30d", qdate(2026, 10, 27)},
		{time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC), "since:1m", qdate(2026, 2, 28)},
		{time.Date(2024, 3, 31, 10, 0, 0, 0, time.UTC), "since:1m", qdate(2024, 2, 29)},
		{time.Date(2024, 2, 29, 10, 0, 0, 0, time.UTC), "since:12m", qdate(2023, 2, 28)},
		{time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC), "since:1m", qdate(2025, 12, 15)},
		{time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC), "since:25m", qdate(2023, 12, 15)},
		{time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), "since:1d", qdate(2026, 2, 28)},
		// Relative forms count from now's UTC date, not its local date.
		{time.Date(2026, 11, 27, 1, 0, 0, 0, time.FixedZone("UTC+5", 5*3600)), "since:1d", qdate(2026, 11, 25)},
		{time.Date(2026, 11, 26, 22, 0, 0, 0, time.FixedZone("UTC-5", -5*3600)), "since:1d", qdate(2026, 11, 26)},
		{queryNow, "since:10000m", qdate(1193, 7, 26)},
	} {
		q, err := ParseQuery(tc.in, tc.now)
		if err != nil {
			t.Errorf("ParseQuery(%q, %v): %v", tc.in, tc.now, err)
			continue
		}
		if q.Since != tc.want {
			t.Errorf("ParseQuery(%q, %v).Since = %v, want %v", tc.in, tc.now, q.Since, tc.want)
		}
		checkRoundTrip(t, q, tc.now)
	}
}

func TestParseQueryMaxLen(t *testing.T) {
	s := strings.Repeat("é", MaxQueryLen)
	q, err := ParseQuery(s, queryNow)
	if err != nil {
		t.Fatalf("a query of %d characters: %v", MaxQueryLen, err)
	}
	checkRoundTrip(t, q, queryNow)
	// Spaces around the query do not count.
	if _, err := ParseQuery("  "+s+"  ", queryNow); err != nil {
		t.Errorf("a query of %d characters with spaces around: %v", MaxQueryLen, err)
	}
}

// checkQueryError checks that err is a one-line *Error with code EInvalid.
func checkQueryError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *bot.Error", err, err)
	}
	if e.Code != EInvalid {
		t.Errorf("error %q has code %q, want %q", e.Message, e.Code, EInvalid)
	}
	if e.Message == "" || strings.ContainsAny(e.Message, "\n\r\u2028\u2029\u0085") || !utf8.ValidString(e.Message) {
		t.Errorf("error message %q is not one line of text", e.Message)
	}
}

// checkRoundTrip checks that q's canonical form parses back to q.
func checkRoundTrip(t *testing.T, q *Query, now time.Time) {
	t.Helper()
	s := q.String()
	q2, err := ParseQuery(s, now)
	if err != nil {
		t.Fatalf("ParseQuery(%q) (the String of %q): %v", s, q.Raw, err)
	}
	if diff := cmp.Diff(q, q2, ignoreRaw); diff != "" {
		t.Errorf("ParseQuery(%q) (the String of %q) differs (-want +got):\n%s", s, q.Raw, diff)
	}
	if s2 := q2.String(); s2 != s {
		t.Errorf("String is not stable: %q, then %q", s, s2)
	}
}

// checkQuery checks the invariants of a parsed query.
func checkQuery(q *Query) error {
	if q.ID != "" {
		if q.Expr != nil || q.Authors != nil || q.Orgs != nil || q.Categories != nil || q.Upvotes != nil || q.HasCode || q.HasProject ||
			!q.Since.IsZero() || !q.Before.IsZero() || q.Sort != SortRelevance {
			return fmt.Errorf("ID %q with other parts: %#v", q.ID, q)
		}
		if id, ok := NormalizeID(q.ID); !ok || id != q.ID {
			return fmt.Errorf("ID %q is not a bare arXiv id", q.ID)
		}
		return nil
	}
	if q.Expr == nil && !q.hasFilter() && q.Title == "" {
		return fmt.Errorf("nothing to search for: %#v", q)
	}
	if q.Title != "" && (q.Title != CleanText(q.Title) || q.Expr == nil && q.hasFilter()) {
		return fmt.Errorf("Title %q", q.Title)
	}
	if _, ok := q.Expr.(Not); ok {
		return fmt.Errorf("a lone Not: %#v", q.Expr)
	}
	if q.Expr != nil {
		if err := checkExpr(q.Expr); err != nil {
			return err
		}
	}
	for _, v := range append(append([]string(nil), q.Authors...), q.Orgs...) {
		if v == "" || v != strings.Join(strings.Fields(v), " ") || strings.Contains(v, `"`) {
			return fmt.Errorf("filter value %q", v)
		}
	}
	for _, alts := range q.Categories {
		if _, ok := parseCategories(strings.Join(alts, ",")); !ok || len(alts) == 0 {
			return fmt.Errorf("cat: alternatives %q", alts)
		}
	}
	for _, c := range q.Upvotes {
		switch c.Op {
		case ">=", ">", "<", "<=", "=":
		default:
			return fmt.Errorf("upvotes op %q", c.Op)
		}
		if c.N < 0 {
			return fmt.Errorf("upvotes %d", c.N)
		}
	}
	return nil
}

func checkExpr(e Expr) error {
	switch x := e.(type) {
	case Term:
		if len(x.Words) == 0 || x.Phrase != (len(x.Words) > 1) {
			return fmt.Errorf("term %#v", x)
		}
		for _, word := range x.Words {
			if got := queryTokens(word); len(got) != 1 || got[0] != word {
				return fmt.Errorf("word %q is not one lower-case token", word)
			}
		}
	case And:
		if len(x.Items) < 2 {
			return fmt.Errorf("And of %d items", len(x.Items))
		}
		positive := false
		for _, it := range x.Items {
			switch y := it.(type) {
			case And:
				return fmt.Errorf("And in And")
			case Not:
				if _, ok := y.Item.(Not); ok {
					return fmt.Errorf("Not of Not")
				}
				if err := checkExpr(y.Item); err != nil {
					return err
				}
				continue
			}
			positive = true
			if err := checkExpr(it); err != nil {
				return err
			}
		}
		if !positive {
			return fmt.Errorf("And of only Nots")
		}
	case Or:
		if len(x.Items) < 2 {
			return fmt.Errorf("Or of %d items", len(x.Items))
		}
		for _, it := range x.Items {
			switch it.(type) {
			case Or:
				return fmt.Errorf("Or in Or")
			case Not:
				return fmt.Errorf("Not in Or")
			}
			if err := checkExpr(it); err != nil {
				return err
			}
		}
	case Not:
		return fmt.Errorf("Not outside an And")
	default:
		return fmt.Errorf("unexpected %T", e)
	}
	return nil
}

// TestRepeatedTermsCountOnce: a repeated word, phrase, group or exclusion
// is searched once, in ParseQuery and ParseSearch alike, so 250 copies
// of "a" cost what one does; distinct terms stay.
func TestRepeatedTermsCountOnce(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"model model model":            "model",
		"x OR x":                       "x",
		"(x OR y) OR x":                "x OR y",
		"diffusion (x OR x) diffusion": "diffusion x",
		`"gpt 4" gpt-4 gpt4`:           "gpt-4 gpt4",
		"a -b -b":                      "a -b",
		"b -b":                         "b -b",
		"(a b) (a b) c":                "a b c",
		"(a OR b) (b OR a)":            "a OR b b OR a", // order differs: kept, still correct
		strings.Repeat("the ", 125):    "the",
	} {
		q, err := ParseQuery(in, now)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", in, err)
			continue
		}
		if got := q.String(); got != want {
			t.Errorf("ParseQuery(%q) = %q, want %q", in, got, want)
		}
		s, _, err := ParseSearch(in, now)
		if err != nil {
			t.Errorf("ParseSearch(%q): %v", in, err)
			continue
		}
		if got := s.String(); got != want {
			t.Errorf("ParseSearch(%q) = %q, want %q", in, got, want)
		}
	}
}

// distinctWords returns n different two-letter words (aa ab ... az ba
// ...), separated by spaces: a long query that repeats nothing.
func distinctWords(n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = string([]byte{'a' + byte(i/26), 'a' + byte(i%26)})
	}
	return strings.Join(words, " ")
}
