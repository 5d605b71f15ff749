package cli_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// jsonAt is what path names in the JSON document of file: a path of
// keys joined by dots, where "key[]" takes every element of a list and
// "key[2]" one.
func jsonAt(ts *testscript.TestScript, file, path string) []any {
	var doc any
	if err := json.Unmarshal([]byte(ts.ReadFile(file)), &doc); err != nil {
		ts.Fatalf("%s: %v", file, err)
	}
	values := []any{doc}
	for _, seg := range strings.Split(path, ".") {
		key, index, list := seg, "", false
		if i := strings.IndexByte(seg, '['); i >= 0 && strings.HasSuffix(seg, "]") {
			key, index, list = seg[:i], seg[i+1:len(seg)-1], true
		}
		var next []any
		for _, v := range values {
			obj, ok := v.(map[string]any)
			if !ok {
				ts.Fatalf("%s: %s: not an object at %q", file, path, seg)
			}
			v, ok = obj[key]
			if !ok {
				ts.Fatalf("%s: %s: no key %q", file, path, key)
			}
			if !list {
				next = append(next, v)
				continue
			}
			arr, ok := v.([]any)
			if !ok {
				ts.Fatalf("%s: %s: %q is not a list", file, path, key)
			}
			if index == "" {
				next = append(next, arr...)
				continue
			}
			n, err := strconv.Atoi(index)
			if err != nil || n < 0 || n >= len(arr) {
				ts.Fatalf("%s: %s: no element %s of %d", file, path, index, len(arr))
			}
			next = append(next, arr[n])
		}
		values = next
	}
	return values
}

// jsonSum adds up the numbers path names.
func jsonSum(ts *testscript.TestScript, file, path string) float64 {
	var sum float64
	for _, v := range jsonAt(ts, file, path) {
		f, ok := v.(float64)
		if !ok {
			ts.Fatalf("%s: %s holds %v, not a number", file, path, v)
		}
		sum += f
	}
	return sum
}

// json-get [-sum] file path: prints the values path names in the JSON
// document of file, one a line as JSON (a string quoted); -sum prints
// their sum.
func cmdJSONGet(ts *testscript.TestScript, neg bool, args []string) {
	noNeg(ts, neg, "json-get")
	sum := len(args) > 0 && args[0] == "-sum"
	if sum {
		args = args[1:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: json-get [-sum] file path")
	}
	out := ts.Stdout()
	if sum {
		fmt.Fprintln(out, strconv.FormatFloat(jsonSum(ts, args[0], args[1]), 'f', -1, 64))
		return
	}
	for _, v := range jsonAt(ts, args[0], args[1]) {
		b, err := json.Marshal(v)
		ts.Check(err)
		fmt.Fprintf(out, "%s\n", b)
	}
}

// json-eq fileA pathA fileB pathB: the numbers pathA names in fileA add
// up to those pathB names in fileB (two documents agree); it prints both
// sums.
func cmdJSONEq(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 4 {
		ts.Fatalf("usage: json-eq fileA pathA fileB pathB")
	}
	a, b := jsonSum(ts, args[0], args[1]), jsonSum(ts, args[2], args[3])
	fmt.Fprintf(ts.Stdout(), "%v %v\n", a, b)
	if (a == b) == neg {
		ts.Fatalf("%s %s is %v, %s %s is %v", args[0], args[1], a, args[2], args[3], b)
	}
}
