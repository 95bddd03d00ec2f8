package main

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// decodeNode and its helpers read the YAML tree strictly: every key known,
// every value of the right type, errors naming the key.

var durationType = reflect.TypeOf(Duration{})

// decodeNode decodes a YAML node into v, checking that every key is known
// and every value has the right type, with errors that name the key.
func decodeNode(n *yaml.Node, v reflect.Value, path string, getenv func(string) string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	where := func() string {
		if path == "" {
			return "(top level)"
		}
		return path
	}
	if v.Kind() == reflect.Pointer {
		nv := reflect.New(v.Type().Elem())
		if err := decodeNode(n, nv.Elem(), path, getenv); err != nil {
			return err
		}
		v.Set(nv)
		return nil
	}
	if v.Type() == durationType {
		s, err := scalar(n, path, getenv)
		if err != nil {
			return err
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return cfgErr(path, "%q is not a duration (use e.g. 30s, 10m, 1h) (line %d)", s, n.Line)
		}
		if d < 0 {
			return cfgErr(path, "%s is negative (line %d)", s, n.Line)
		}
		v.Set(reflect.ValueOf(Duration{Duration: d, Set: true}))
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return cfgErr(where(), "expected a mapping of keys (line %d)", n.Line)
		}
		fields := map[string]int{}
		var names []string
		for i := 0; i < v.NumField(); i++ {
			tag := v.Type().Field(i).Tag.Get("yaml")
			if tag != "" && tag != "-" {
				fields[tag] = i
				names = append(names, tag)
			}
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if line, dup := seen[key]; dup {
				return cfgErr(joinKey(path, key), "appears twice (lines %d and %d); keep one", line, n.Content[i].Line)
			}
			seen[key] = n.Content[i].Line
			idx, ok := fields[key]
			if !ok {
				msg := fmt.Sprintf("unknown key (line %d)", n.Content[i].Line)
				if s := suggest(key, names); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				} else {
					sort.Strings(names)
					msg += "; known keys: " + strings.Join(names, ", ")
				}
				return cfgErr(joinKey(path, key), "%s", msg)
			}
			if err := decodeNode(n.Content[i+1], v.Field(idx), joinKey(path, key), getenv); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String && n.Kind == yaml.ScalarNode {
			// weekdays: "mon-fri" as well as [mon, tue]
			s, err := scalar(n, path, getenv)
			if err != nil {
				return err
			}
			v.Set(reflect.ValueOf([]string{s}))
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			return cfgErr(where(), "expected a list (line %d)", n.Line)
		}
		out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := decodeNode(item, out.Index(i), fmt.Sprintf("%s[%d]", path, i), getenv); err != nil {
				return err
			}
		}
		v.Set(out)
		return nil
	case reflect.String:
		s, err := scalar(n, path, getenv)
		if err != nil {
			return err
		}
		v.SetString(s)
		return nil
	case reflect.Int:
		s, err := scalar(n, path, getenv)
		if err != nil {
			return err
		}
		i, err := strconv.Atoi(s)
		if err != nil {
			return cfgErr(path, "%q is not a whole number (line %d)", s, n.Line)
		}
		v.SetInt(int64(i))
		return nil
	case reflect.Bool:
		s, err := scalar(n, path, getenv)
		if err != nil {
			return err
		}
		switch strings.ToLower(s) {
		case "true", "yes", "on":
			v.SetBool(true)
		case "false", "no", "off":
			v.SetBool(false)
		default:
			return cfgErr(path, "%q is not true or false (line %d)", s, n.Line)
		}
		return nil
	}
	return cfgErr(where(), "unsupported value (line %d)", n.Line)
}

func scalar(n *yaml.Node, path string, getenv func(string) string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", cfgErr(path, "expected a single value (line %d)", n.Line)
	}
	// A token's variable may be unset: the platform is then off (with a
	// warning at start, see platformStates). Any other key would silently
	// take its default, so an unset variable there is an error.
	if _, token := secretKeys[path]; !token {
		for _, m := range envRef.FindAllStringSubmatch(n.Value, -1) {
			if getenv(m[1]) == "" {
				return "", cfgErr(path, "${%s} is not set in the environment (line %d)", m[1], n.Line)
			}
		}
	}
	return strings.TrimSpace(expandEnv(n.Value, getenv)), nil
}

// suggest returns the known key closest to key, if it is close.
func suggest(key string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
