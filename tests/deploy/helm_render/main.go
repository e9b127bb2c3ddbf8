// helm_render renders a Helm chart the way `helm template` does, for tests on machines without
// Helm (Debian 12 does not package it). It uses Go's text/template, the engine Helm uses, and
// implements only the functions saker's chart calls, with Helm's (sprig's) semantics:
// include, toYaml, fromYaml, indent, nindent, quote, default, trunc, trimSuffix, dict, list,
// set, hasKey, has, join, mergeOverwrite.
//
//	helm_render [-f values.yaml]... [--set key.path=value]... [--notes] CHART_DIR
//
// Output: every rendered template (not `_*` partials, not NOTES.txt) in file-name order as
// `---\n# Source: CHART/templates/FILE\n...`, skipping ones that render to whitespace; with
// --notes, NOTES.txt alone. Like Helm: values files merge over the chart's values.yaml, --set
// over both (true/false/null/integers typed, anything else a string); a missing key renders
// as nothing; a template error exits 1 naming the template. Like `helm install`, the merged
// values are validated against the chart's values.schema.json (JSON Schema, with the library
// Helm uses): a violation exits 1 listing every error, before anything renders.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/xeipuuv/gojsonschema"
	"gopkg.in/yaml.v3"
)

func main() {
	var valueFiles, sets []string
	notes := false
	var chartDir string
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-f" || a == "--values" || a == "--set":
			if i+1 >= len(args) {
				fail("%s needs a value", a)
			}
			i++
			if a == "--set" {
				sets = append(sets, args[i])
			} else {
				valueFiles = append(valueFiles, args[i])
			}
		case a == "--notes":
			notes = true
		case strings.HasPrefix(a, "-"):
			fail("unknown option %s", a)
		default:
			chartDir = a
		}
	}
	if chartDir == "" {
		fail("usage: helm_render [-f values.yaml]... [--set k=v]... [--notes] CHART_DIR")
	}

	chart := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	values := readYAML(filepath.Join(chartDir, "values.yaml"))
	for _, f := range valueFiles {
		values = mergeMaps(values, readYAML(f))
	}
	for _, s := range sets {
		if err := setValue(values, s); err != nil {
			fail("--set %s: %v", s, err)
		}
	}

	name := str(chart["name"])
	validate(name, filepath.Join(chartDir, "values.schema.json"), values)
	top := map[string]interface{}{
		"Values": values,
		"Chart": map[string]interface{}{
			"Name": name, "Version": str(chart["version"]), "AppVersion": str(chart["appVersion"]),
			"Description": str(chart["description"]),
		},
		"Release": map[string]interface{}{
			"Name": "saker", "Namespace": "saker", "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
	}

	files, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		fail("%v", err)
	}
	sort.Strings(files)
	root := template.New("chart").Option("missingkey=zero")
	funcs := helmFuncs(root)
	root.Funcs(funcs)
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			fail("%v", err)
		}
		source := name + "/templates/" + filepath.Base(f)
		if _, err := root.New(source).Funcs(funcs).Parse(string(text)); err != nil {
			fail("%v", err)
		}
	}

	var out bytes.Buffer
	for _, f := range files {
		base := filepath.Base(f)
		if strings.HasPrefix(base, "_") || (base == "NOTES.txt") != notes {
			continue
		}
		source := name + "/templates/" + base
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, source, top); err != nil {
			fail("%v", err)
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if notes {
			out.WriteString(text)
		} else {
			fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", source, strings.TrimRight(text, "\n"))
		}
	}
	os.Stdout.Write(out.Bytes())
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "helm_render: "+format+"\n", args...)
	os.Exit(1)
}

// validate exits 1 with Helm's message when values break the chart's schema (if it has one).
func validate(chart, schemaPath string, values map[string]interface{}) {
	schema, err := os.ReadFile(schemaPath)
	if os.IsNotExist(err) {
		return
	} else if err != nil {
		fail("%v", err)
	}
	result, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema),
		gojsonschema.NewGoLoader(values))
	if err != nil {
		fail("%s: %v", schemaPath, err)
	}
	if result.Valid() {
		return
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "values don't meet the specifications of the schema(s) in the following chart(s):\n%s:\n", chart)
	for _, e := range result.Errors() {
		fmt.Fprintf(&msg, "- %s\n", e)
	}
	fail("%s", strings.TrimRight(msg.String(), "\n"))
}

func readYAML(path string) map[string]interface{} {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		fail("%s: %v", path, err)
	}
	return m
}

// mergeMaps returns base with over merged in: maps merge key by key, anything else replaces.
func mergeMaps(base, over map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		bm, bok := out[k].(map[string]interface{})
		om, ook := v.(map[string]interface{})
		if bok && ook {
			out[k] = mergeMaps(bm, om)
		} else {
			out[k] = v
		}
	}
	return out
}

// setValue applies `a.b.c=value` the way `helm --set` does for scalars.
func setValue(values map[string]interface{}, assignment string) error {
	eq := strings.IndexByte(assignment, '=')
	if eq <= 0 {
		return fmt.Errorf("expected key=value")
	}
	// Keys split at dots; `\.` is a dot inside a key (`--set customRules.my\.yaml=...`).
	path := strings.Split(strings.ReplaceAll(assignment[:eq], `\.`, "\x00"), ".")
	for i := range path {
		path[i] = strings.ReplaceAll(path[i], "\x00", ".")
	}
	raw := assignment[eq+1:]
	var value interface{} = raw
	switch {
	case raw == "true" || raw == "false":
		value = raw == "true"
	case raw == "null":
		value = nil
	default:
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			value = n
		}
	}
	m := values
	for _, key := range path[:len(path)-1] {
		next, ok := m[key].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			m[key] = next
		}
		m = next
	}
	m[path[len(path)-1]] = value
	return nil
}

func str(v interface{}) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return s
	default:
		return fmt.Sprintf("%v", s)
	}
}

// empty is sprig's notion of "no value" that `default` replaces.
func empty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return r.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return r.Float() == 0
	case reflect.Ptr, reflect.Interface:
		return r.IsNil()
	}
	return false
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

func helmFuncs(root *template.Template) template.FuncMap {
	return template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			var buf bytes.Buffer
			err := root.ExecuteTemplate(&buf, name, data)
			return buf.String(), err
		},
		"toYaml": func(v interface{}) (string, error) {
			var buf bytes.Buffer
			enc := yaml.NewEncoder(&buf)
			enc.SetIndent(2)
			if err := enc.Encode(v); err != nil {
				return "", err
			}
			return strings.TrimSuffix(buf.String(), "\n"), nil
		},
		"indent":  indent,
		"nindent": func(n int, s string) string { return "\n" + indent(n, s) },
		"quote": func(args ...interface{}) string {
			var out []string
			for _, a := range args {
				if a != nil {
					out = append(out, fmt.Sprintf("%q", str(a)))
				}
			}
			return strings.Join(out, " ")
		},
		"default": func(d interface{}, given ...interface{}) interface{} {
			if len(given) == 0 || empty(given[0]) {
				return d
			}
			return given[0]
		},
		"trunc": func(n int, s string) string {
			if n >= 0 && len(s) > n {
				return s[:n]
			}
			return s
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"fromYaml": func(s string) map[string]interface{} {
			m := map[string]interface{}{}
			if err := yaml.Unmarshal([]byte(s), &m); err != nil {
				m["Error"] = err.Error() // as Helm: the error is a key, not a failure
			}
			return m
		},
		"list": func(items ...interface{}) []interface{} { return items },
		"append": func(l interface{}, v interface{}) []interface{} {
			var out []interface{}
			if r := reflect.ValueOf(l); r.Kind() == reflect.Slice {
				for i := 0; i < r.Len(); i++ {
					out = append(out, r.Index(i).Interface())
				}
			}
			return append(out, v)
		},
		"uniq": func(l interface{}) []interface{} {
			out := []interface{}{}
			if r := reflect.ValueOf(l); r.Kind() == reflect.Slice {
				for i := 0; i < r.Len(); i++ {
					v, seen := r.Index(i).Interface(), false
					for _, o := range out {
						seen = seen || reflect.DeepEqual(o, v)
					}
					if !seen {
						out = append(out, v)
					}
				}
			}
			return out
		},
		"join": func(sep string, v interface{}) string {
			var parts []string
			r := reflect.ValueOf(v)
			if r.Kind() == reflect.Slice {
				for i := 0; i < r.Len(); i++ {
					parts = append(parts, str(r.Index(i).Interface()))
				}
			}
			return strings.Join(parts, sep)
		},
		"set": func(m map[string]interface{}, key string, v interface{}) map[string]interface{} {
			m[key] = v
			return m
		},
		"hasKey": func(m map[string]interface{}, key string) bool {
			_, ok := m[key]
			return ok
		},
		"has": func(needle interface{}, list interface{}) bool {
			r := reflect.ValueOf(list)
			if r.Kind() != reflect.Slice {
				return false
			}
			for i := 0; i < r.Len(); i++ {
				if reflect.DeepEqual(r.Index(i).Interface(), needle) {
					return true
				}
			}
			return false
		},
		// Merges each source into dst, sources' values winning, maps merged key by key.
		"mergeOverwrite": func(dst map[string]interface{}, srcs ...map[string]interface{}) map[string]interface{} {
			for _, src := range srcs {
				merged := mergeMaps(dst, src)
				for k := range dst {
					delete(dst, k)
				}
				for k, v := range merged {
					dst[k] = v
				}
			}
			return dst
		},
		"dict": func(kv ...interface{}) (map[string]interface{}, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict needs key/value pairs")
			}
			m := map[string]interface{}{}
			for i := 0; i < len(kv); i += 2 {
				m[str(kv[i])] = kv[i+1]
			}
			return m, nil
		},
	}
}
