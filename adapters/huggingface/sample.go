package huggingface

import (
	"bytes"
	_ "embed"
	"io"

	"github.com/paperboy-bot/paperboy/bot"
)

// sampleJSON is a real /api/daily_papers?date=2026-08-21 response (17
// papers), so paperboy can show a digest before it has fetched anything.
//
//go:embed sample/daily_papers_2026-08-21.json
var sampleJSON []byte

// SampleDate is the date of the embedded sample list.
var SampleDate = bot.Date{Year: 2026, Month: 8, Day: 21}

// NewSample returns an Archive named "sample" holding one list, the
// embedded Daily Papers of SampleDate.
func NewSample() *Archive {
	return &Archive{
		name: "sample",
		open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(sampleJSON)), nil },
		day:  SampleDate,
	}
}
