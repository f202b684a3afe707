package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/multiaccount/multiaccount"
)

// field is one named value of an output record. jsonOnly fields (the
// vendor's raw object) are left out of tables and CSV.
type field struct {
	name     string
	value    any
	jsonOnly bool
}

// record is one output row, its fields in column order.
type record []field

// printer writes records in one format. Columns are fixed per command, so
// a table or CSV has its header even when there are no rows.
type printer interface {
	print(record) error
	flush() error
}

func newPrinter(format string, w io.Writer, columns []string) (printer, error) {
	switch format {
	case "json":
		return &jsonPrinter{w: w}, nil
	case "csv":
		return &csvPrinter{w: csv.NewWriter(w), columns: columns}, nil
	case "table":
		return &tablePrinter{w: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0), columns: columns}, nil
	}
	return nil, &usageError{fmt.Sprintf("--output %q: want table, json or csv", format)}
}

// jsonPrinter writes JSON lines: one object per record, keys in column order.
type jsonPrinter struct{ w io.Writer }

func (p *jsonPrinter) print(r record) error {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range r {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(f.name)
		v, err := json.Marshal(jsonValue(f.value))
		if err != nil {
			return fmt.Errorf("encode %s: %w", f.name, err)
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteString("}\n")
	_, err := p.w.Write(buf.Bytes())
	return err
}

func (p *jsonPrinter) flush() error { return nil }

// csvPrinter writes RFC 4180 CSV with a header line.
type csvPrinter struct {
	w       *csv.Writer
	columns []string
	started bool
}

func (p *csvPrinter) header() error {
	if p.started {
		return nil
	}
	p.started = true
	return p.w.Write(p.columns)
}

func (p *csvPrinter) print(r record) error {
	if err := p.header(); err != nil {
		return err
	}
	if err := p.w.Write(cells(r)); err != nil {
		return err
	}
	// Flush per row: --all streams pages as they arrive.
	p.w.Flush()
	return p.w.Error()
}

func (p *csvPrinter) flush() error {
	if err := p.header(); err != nil {
		return err
	}
	p.w.Flush()
	return p.w.Error()
}

// tablePrinter aligns columns for a terminal; it prints when flushed.
type tablePrinter struct {
	w       *tabwriter.Writer
	columns []string
	started bool
}

func (p *tablePrinter) print(r record) error {
	if !p.started {
		p.started = true
		if err := p.row(upper(p.columns)); err != nil {
			return err
		}
	}
	return p.row(cells(r))
}

func (p *tablePrinter) row(cells []string) error {
	for i, c := range cells {
		if i > 0 {
			if _, err := io.WriteString(p.w, "\t"); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(p.w, tableSafe(c)); err != nil {
			return err
		}
	}
	_, err := io.WriteString(p.w, "\n")
	return err
}

func (p *tablePrinter) flush() error {
	if !p.started {
		p.started = true
		if err := p.row(upper(p.columns)); err != nil {
			return err
		}
	}
	return p.w.Flush()
}

// cells formats a record's non-JSON-only fields as text.
func cells(r record) []string {
	out := make([]string, 0, len(r))
	for _, f := range r {
		if !f.jsonOnly {
			out = append(out, text(f.value))
		}
	}
	return out
}

// text formats one value for a table or CSV cell.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case multiaccount.Secret:
		return v.String()
	case *float64:
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Format(time.RFC3339)
	case time.Duration:
		return strconv.FormatFloat(v.Seconds(), 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// jsonValue gives a value its JSON form: times as RFC 3339 (null when
// zero), durations in seconds.
func jsonValue(v any) any {
	switch v := v.(type) {
	case time.Time:
		if v.IsZero() {
			return nil
		}
		return v.Format(time.RFC3339)
	case time.Duration:
		return v.Seconds()
	case json.RawMessage:
		if len(v) == 0 {
			return nil
		}
	}
	return v
}

// tableSafe keeps a vendor's text from breaking the table's layout or
// driving the terminal: control characters and invisible format
// characters (bidirectional overrides among them) become spaces. JSON and
// CSV carry the text unchanged, escaped as their formats require: they
// are data for programs.
func tableSafe(s string) string {
	b := []rune(s)
	for i, r := range b {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			b[i] = ' '
		}
	}
	return string(b)
}

func upper(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = string(bytes.ToUpper([]byte(c)))
	}
	return out
}

// columnsOf lists a record's table and CSV columns.
func columnsOf(r record) []string {
	var out []string
	for _, f := range r {
		if !f.jsonOnly {
			out = append(out, f.name)
		}
	}
	return out
}
