package main

import (
	"bytes"
	"strings"
	"testing"
)

// A vendor's text cannot move the table's columns or drive the terminal;
// JSON and CSV keep it exactly.
func TestHostileTextInOutputs(t *testing.T) {
	hostile := "evil\x1b[31m\r\nname\u202e\u2066,\"quoted\""
	r := record{{name: "id", value: "1"}, {name: "name", value: hostile}}
	for _, format := range []string{"table", "json", "csv"} {
		var buf bytes.Buffer
		p, err := newPrinter(format, &buf, columnsOf(r))
		if err != nil {
			t.Fatal(err)
		}
		if err := p.print(r); err != nil {
			t.Fatal(err)
		}
		if err := p.flush(); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		switch format {
		case "table":
			if strings.ContainsAny(out, "\x1b\r\u202e\u2066") || strings.Count(out, "\n") != 2 {
				t.Errorf("table: %q", out)
			}
		case "json":
			if !strings.Contains(out, `"evil\u001b[31m\r\nname`) || strings.Count(out, "\n") != 1 {
				t.Errorf("json: %q", out)
			}
		case "csv":
			if !strings.Contains(out, `"evil`+"\x1b[31m\r\nname\u202e\u2066,\"\"quoted\"\"\"") {
				t.Errorf("csv: %q", out)
			}
		}
	}
}
