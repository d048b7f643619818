package content

import (
	"bytes"
	"testing"
)

func TestApplyEdits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		edits   []Edit
		want    string
		wantErr string
	}{
		{"none", "abc", nil, "abc", ""},
		{"replace", "draft: true\n", []Edit{{Start: 7, End: 11, NewText: "false"}}, "draft: false\n", ""},
		{"delete line keeps CRLF elsewhere", "a\r\ndraft: true\r\nb\r\n", []Edit{{Start: 3, End: 16}}, "a\r\nb\r\n", ""},
		{"insert at start and end", "x", []Edit{{Start: 1, End: 1, NewText: "]"}, {Start: 0, End: 0, NewText: "["}}, "[x]", ""},
		{"two inserts at one offset keep their order", "ab", []Edit{{Start: 1, End: 1, NewText: "1"}, {Start: 1, End: 1, NewText: "2"}}, "a12b", ""},
		{"unordered", "the the cat", []Edit{{Start: 8, End: 11, NewText: "dog"}, {Start: 0, End: 4}}, "the dog", ""},
		{"multibyte kept", "héllo wörld", []Edit{{Start: 0, End: 6, NewText: "hi"}}, "hi wörld", ""},
		{"overlap", "abcdef", []Edit{{Start: 0, End: 3}, {Start: 2, End: 4}}, "", "edit 1 [2,4): overlaps an earlier edit ending at 3"},
		{"past end", "abc", []Edit{{Start: 1, End: 4}}, "", "edit 0 [1,4): past the end of the file (3 bytes)"},
		{"reversed", "abc", []Edit{{Start: 2, End: 1}}, "", "edit 0 [2,1): bad range"},
		{"negative", "abc", []Edit{{Start: -1, End: 1}}, "", "edit 0 [-1,1): bad range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplyEdits([]byte(tt.src), tt.edits)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzApplyEdits checks that one edit changes exactly its range: the bytes
// before and after it are kept as they were.
func FuzzApplyEdits(f *testing.F) {
	f.Add([]byte("---\ndraft: true\n---\nbody\r\n"), 4, 16, "")
	f.Add([]byte("\xff\xfe binary \x00"), 0, 0, "x")
	f.Fuzz(func(t *testing.T, src []byte, start, end int, text string) {
		got, err := ApplyEdits(src, []Edit{{Start: start, End: end, NewText: text}})
		valid := start >= 0 && start <= end && end <= len(src)
		if !valid {
			if err == nil {
				t.Fatalf("edit [%d,%d) on %d bytes accepted", start, end, len(src))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(got, src[:start]) || !bytes.HasSuffix(got, src[end:]) ||
			string(got[start:len(got)-(len(src)-end)]) != text {
			t.Fatalf("edit [%d,%d) %q on %q gave %q", start, end, text, src, got)
		}
	})
}
