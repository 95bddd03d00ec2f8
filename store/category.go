package store

import "strings"

// categoryCond is the SQL condition on p of a cat: filter
// (bot.CategoryMatches): p.categories holds one category per line, so
// with a newline on each side, a category is "\ncs.cl\n" in it and an
// archive "\ncs." (or "\nhep-th\n", an archive that is a category).
func categoryCond(alts []string) (string, []any) {
	var ors []string
	var args []any
	for _, a := range alts {
		a = strings.ToLower(a)
		ors = append(ors, `instr(char(10) || lower(p.categories) || char(10), ?) > 0`)
		args = append(args, "\n"+a+"\n")
		if !strings.Contains(a, ".") {
			ors = append(ors, `instr(char(10) || lower(p.categories), ?) > 0`)
			args = append(args, "\n"+a+".")
		}
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}
