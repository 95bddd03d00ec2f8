package bot

// Check is one finding of `paperboy doctor`: what was looked at, whether it
// is as paperboy needs it, what was found and, when it is not, what to do.
// Adapters return their platform's checks as a list of them; none holds a
// token.
type Check struct {
	// Name says what was checked: "Discord channel 100 (#papers)".
	Name string
	// OK is true when nothing needs doing.
	OK bool
	// Detail is what was found: "lacks Embed Links".
	Detail string
	// Fix says what to do when OK is false: "allow Embed Links for
	// paperboy in the channel's permissions".
	Fix string
}

// Passed returns a check that passed.
func Passed(name, detail string) Check { return Check{Name: name, OK: true, Detail: detail} }

// Failed returns a check that failed, with what to do about it.
func Failed(name, detail, fix string) Check {
	return Check{Name: name, Detail: detail, Fix: fix}
}
