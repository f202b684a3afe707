package multiaccount_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// userModule writes files into a new module outside this repository that
// requires the SDK through a replace directive to this checkout, as a user
// trying a local clone would. It runs offline: GOPROXY=off with
// GOFLAGS=-mod=mod resolves the SDK's own requirements from the module
// cache, so they must be there (go mod download, which .ci/run does; any
// earlier build or test of this repository also fills it).
func userModule(t *testing.T, files map[string]string) (dir string, goCmd func(args ...string) string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a separate module; skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	files["go.mod"] = "module example.com/agencytool\n\ngo 1.26\n\n" +
		"require github.com/multiaccount/multiaccount v0.0.0\n\n" +
		"replace github.com/multiaccount/multiaccount => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files["go.sum"] = string(sum)
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, func(args ...string) string {
		t.Helper()
		cmd := exec.Command(gobin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in the user's module: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
}

var (
	goBlock    = regexp.MustCompile("(?s)```go\n(.*?)```")
	importLine = regexp.MustCompile(`(?m)^import (\([^)]*\)|"[^"]*")\n`)
	topLevel   = regexp.MustCompile(`(?m)^(func|type) `) // var and const may be statements
)

// snippetImports are the packages README snippets may use without
// importing them; each gets a blank use so that none is left unused.
var snippetImports = map[string]string{
	"context": "context.Background", "errors": "errors.New", "fmt": "fmt.Sprint",
	"log": "log.Printf", "net/http": "http.NewRequest", "os": "os.Getenv",
	"sync": "sync.OnceFunc", "time": "time.Now",
	"github.com/multiaccount/multiaccount":                  "multiaccount.NewClient",
	"github.com/multiaccount/multiaccount/multiaccounttest": "multiaccounttest.NewServer",
}

// readmeSnippetFile turns one README block into a Go file: its imports
// hoisted, a block of statements wrapped in a function that has ctx and
// returns an error, declarations kept at file level.
func readmeSnippetFile(block string) string {
	var imports []string
	body := importLine.ReplaceAllStringFunc(block, func(m string) string {
		imports = append(imports, strings.TrimSpace(strings.TrimPrefix(m, "import ")))
		return ""
	})
	var b strings.Builder
	b.WriteString("package main\n\n")
	for _, imp := range imports {
		fmt.Fprintf(&b, "import %s\n", imp)
	}
	have := strings.Join(imports, "\n")
	for path := range snippetImports {
		if !strings.Contains(have, `"`+path+`"`) {
			fmt.Fprintf(&b, "import %q\n", path)
		}
	}
	for _, use := range snippetImports {
		fmt.Fprintf(&b, "var _ = %s\n", use)
	}
	if topLevel.MatchString(body) {
		b.WriteString(body)
		b.WriteString("\nfunc main() {}\n")
	} else {
		fmt.Fprintf(&b, "\nfunc snippet(ctx context.Context) error {\n%s\nreturn nil\n}\n\nfunc main() { _ = snippet }\n", body)
	}
	return b.String()
}

// Every Go snippet in README.md compiles as a user would paste it, so the
// README cannot drift from the API.
func TestREADMESnippetsCompile(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 3 {
		t.Fatalf("found %d Go snippets in README.md; the extraction is broken", len(blocks))
	}
	files := map[string]string{}
	for i, m := range blocks {
		files[fmt.Sprintf("snippet%d/main.go", i+1)] = readmeSnippetFile(m[1])
	}
	_, goCmd := userModule(t, files)
	goCmd("build", "-o", os.DevNull, "./...")
}

// The wrapper itself: a snippet with an unused variable must fail to
// build, or the test above would prove nothing.
func TestREADMESnippetWrapperCatchesBadSnippets(t *testing.T) {
	bad := readmeSnippetFile("x := 1\n")
	if !strings.Contains(bad, "func snippet(ctx context.Context) error {\nx := 1\n") {
		t.Fatalf("statements not wrapped:\n%s", bad)
	}
	decl := readmeSnippetFile("import \"strings\"\n\nfunc f() string { return strings.ToUpper(\"a\") }\n")
	if !strings.Contains(decl, "import \"strings\"\n") || strings.Contains(decl, "func snippet") {
		t.Fatalf("declarations or imports mishandled:\n%s", decl)
	}
}
