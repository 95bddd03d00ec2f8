package fts5tok

// The Porter stemmer of FTS5's porter tokenizer: M. F. Porter's 1980
// algorithm on lower-case bytes, where anything but a, e, i, o, u (and y
// after a consonant) is a consonant.

// porterRule replaces suffix by repl when the word is longer than suffix
// and cond holds for the stem in front of the suffix.
type porterRule struct {
	suffix, repl string
	cond         porterCond
}

// porterCond is a condition on the stem of a porterRule.
type porterCond uint8

const (
	always    porterCond = iota
	mGt0                 // m > 0
	mGt1                 // m > 1
	hasVowel             // *v*
	mGt1AndST            // m > 1 and (*S or *T)
)

func (c porterCond) holds(stem []byte) bool {
	switch c {
	case mGt0:
		return measure(stem) > 0
	case mGt1:
		return measure(stem) > 1
	case hasVowel:
		return containsVowel(stem)
	case mGt1AndST:
		last := stem[len(stem)-1]
		return (last == 's' || last == 't') && measure(stem) > 1
	}
	return true
}

// porterStep is a list of rules of which only the first whose suffix ends
// the word (leaving a non-empty stem) is considered, whether or not its
// condition then holds. The rules are kept grouped by the last byte of their
// suffix, in their order within each group: rules[at[c]:at[c+1]] are those
// whose suffix ends in c.
type porterStep struct {
	at    [257]uint8
	rules []porterRule
}

func newPorterStep(rules ...porterRule) *porterStep {
	s := new(porterStep)
	for c := 0; c < 256; c++ {
		s.at[c] = uint8(len(s.rules))
		for _, r := range rules {
			if int(r.suffix[len(r.suffix)-1]) == c {
				s.rules = append(s.rules, r)
			}
		}
	}
	s.at[256] = uint8(len(s.rules))
	return s
}

// apply applies the step to w, returning the new word and the rule that
// fired (nil if none did).
func (s *porterStep) apply(w []byte) ([]byte, *porterRule) {
	last := w[len(w)-1]
	rules := s.rules[s.at[last]:s.at[int(last)+1]]
	for i := range rules {
		r := &rules[i]
		n := len(w) - len(r.suffix)
		if n <= 0 || len(r.suffix) > 1 && w[len(w)-2] != r.suffix[len(r.suffix)-2] || string(w[n:]) != r.suffix {
			continue
		}
		if !r.cond.holds(w[:n]) {
			return w, nil
		}
		return append(w[:n], r.repl...), r
	}
	return w, nil
}

var (
	porterStep1a = newPorterStep(
		porterRule{"sses", "ss", always},
		porterRule{"ies", "i", always},
		porterRule{"ss", "ss", always},
		porterRule{"s", "", always},
	)
	porterStep1b = newPorterStep(
		porterRule{"eed", "ee", mGt0},
		porterRule{"ed", "", hasVowel},
		porterRule{"ing", "", hasVowel},
	)
	porterStep1b2 = newPorterStep(
		porterRule{"at", "ate", always},
		porterRule{"bl", "ble", always},
		porterRule{"iz", "ize", always},
	)
	porterStep2 = newPorterStep(
		porterRule{"ational", "ate", mGt0},
		porterRule{"tional", "tion", mGt0},
		porterRule{"enci", "ence", mGt0},
		porterRule{"anci", "ance", mGt0},
		porterRule{"izer", "ize", mGt0},
		porterRule{"logi", "log", mGt0},
		porterRule{"bli", "ble", mGt0},
		porterRule{"alli", "al", mGt0},
		porterRule{"entli", "ent", mGt0},
		porterRule{"eli", "e", mGt0},
		porterRule{"ousli", "ous", mGt0},
		porterRule{"ization", "ize", mGt0},
		porterRule{"ation", "ate", mGt0},
		porterRule{"ator", "ate", mGt0},
		porterRule{"alism", "al", mGt0},
		porterRule{"iveness", "ive", mGt0},
		porterRule{"fulness", "ful", mGt0},
		porterRule{"ousness", "ous", mGt0},
		porterRule{"aliti", "al", mGt0},
		porterRule{"iviti", "ive", mGt0},
		porterRule{"biliti", "ble", mGt0},
	)
	porterStep3 = newPorterStep(
		porterRule{"ical", "ic", mGt0},
		porterRule{"ness", "", mGt0},
		porterRule{"icate", "ic", mGt0},
		porterRule{"iciti", "ic", mGt0},
		porterRule{"ful", "", mGt0},
		porterRule{"ative", "", mGt0},
		porterRule{"alize", "al", mGt0},
	)
	porterStep4 = newPorterStep(
		porterRule{"al", "", mGt1},
		porterRule{"ance", "", mGt1},
		porterRule{"ence", "", mGt1},
		porterRule{"er", "", mGt1},
		porterRule{"ic", "", mGt1},
		porterRule{"able", "", mGt1},
		porterRule{"ible", "", mGt1},
		porterRule{"ant", "", mGt1},
		porterRule{"ement", "", mGt1},
		porterRule{"ment", "", mGt1},
		porterRule{"ent", "", mGt1},
		porterRule{"ion", "", mGt1AndST},
		porterRule{"ou", "", mGt1},
		porterRule{"ism", "", mGt1},
		porterRule{"ate", "", mGt1},
		porterRule{"iti", "", mGt1},
		porterRule{"ous", "", mGt1},
		porterRule{"ive", "", mGt1},
		porterRule{"ize", "", mGt1},
	)
)

// porterStem stems w (3 to 64 bytes) in place, possibly growing it by a
// byte or two within its capacity, and returns the stem.
func porterStem(w []byte) []byte {
	w, _ = porterStep1a.apply(w)
	var r *porterRule
	if w, r = porterStep1b.apply(w); r != nil && r.suffix != "eed" {
		// "ed" or "ing" removed: tidy up the stem.
		if w, r = porterStep1b2.apply(w); r == nil {
			n := len(w)
			last := w[n-1]
			if n >= 2 && last == w[n-2] && !isVowelByte(last) && last != 'l' && last != 's' && last != 'z' {
				w = w[:n-1] // double consonant
			} else if measure(w) == 1 && endsCVC(w) {
				w = append(w, 'e')
			}
		}
	}
	// Step 1c.
	if n := len(w); w[n-1] == 'y' && containsVowel(w[:n-1]) {
		w[n-1] = 'i'
	}
	w, _ = porterStep2.apply(w)
	w, _ = porterStep3.apply(w)
	w, _ = porterStep4.apply(w)
	// Step 5a.
	if n := len(w); w[n-1] == 'e' {
		if m := measure(w[:n-1]); m > 1 || m == 1 && !endsCVC(w[:n-1]) {
			w = w[:n-1]
		}
	}
	// Step 5b.
	if n := len(w); n > 1 && w[n-1] == 'l' && w[n-2] == 'l' && measure(w[:n-1]) > 1 {
		w = w[:n-1]
	}
	return w
}

func isVowelByte(c byte) bool {
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'
}

// isConsonant reports whether c is a consonant: not a vowel, 'y' counting
// as a vowel only right after a consonant.
func isConsonant(c byte, prevConsonant bool) bool {
	return !isVowelByte(c) && (c != 'y' || !prevConsonant)
}

// measure returns Porter's m of w, the number of vowel-consonant
// transitions in [C](VC)^m[V].
func measure(w []byte) int {
	m := 0
	prev := false // before the first byte: "not a consonant", so a leading y is one
	for i, c := range w {
		cons := isConsonant(c, prev)
		if cons && !prev && i > 0 {
			m++
		}
		prev = cons
	}
	return m
}

// containsVowel is Porter's *v*: the stem contains a vowel (FTS5 counts any 'y'
// but the first as one).
func containsVowel(stem []byte) bool {
	for i, c := range stem {
		if isVowelByte(c) || c == 'y' && i > 0 {
			return true
		}
	}
	return false
}

// endsCVC is Porter's *o: the stem ends consonant-vowel-consonant, the last
// not being w, x or y.
func endsCVC(stem []byte) bool {
	n := len(stem)
	if n < 3 {
		return false
	}
	if c := stem[n-1]; c == 'w' || c == 'x' || c == 'y' {
		return false
	}
	var cons [3]bool
	prev := false
	for i, c := range stem {
		prev = isConsonant(c, prev)
		if i >= n-3 {
			cons[i-(n-3)] = prev
		}
	}
	return cons[0] && !cons[1] && cons[2]
}
