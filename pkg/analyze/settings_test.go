package analyze

import (
	"testing"
	"time"
)

func TestParseSpan(t *testing.T) {
	h, m := time.Hour, time.Minute
	tests := []struct {
		in      string
		want    Span
		wantErr bool
	}{
		{in: "09:00-17:00", want: Span{9 * h, 17 * h}},
		{in: " 9:00 - 17:30 ", want: Span{9 * h, 17*h + 30*m}},
		{in: "00:00-24:00", want: Span{0, 24 * h}},
		{in: "08:15-08:16", want: Span{8*h + 15*m, 8*h + 16*m}},
		{in: "17:00-09:00", wantErr: true},
		{in: "09:00-09:00", wantErr: true},
		{in: "09:00", wantErr: true},
		{in: "", wantErr: true},
		{in: "09:00-", wantErr: true},
		{in: "9-17", wantErr: true},
		{in: "09:60-17:00", wantErr: true},
		{in: "09:00-24:01", wantErr: true},
		{in: "09:00-25:00", wantErr: true},
		{in: "09:5x-17:00", wantErr: true},
		{in: "1:2:3-17:00", wantErr: true},
		{in: "+9:00-17:00", wantErr: true},
		{in: "09:0-17:00", wantErr: true},
		{in: "009:00-17:00", wantErr: true},
		{in: "09:00–17:00", wantErr: true}, // an en dash
		{in: "09:00-17:00-18:00", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseSpan(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSpan(t *testing.T) {
	tests := []struct {
		span Span
		str  string
		zero bool
	}{
		{Span{9 * time.Hour, 17 * time.Hour}, "09:00-17:00", false},
		{Span{0, 24 * time.Hour}, "00:00-24:00", false},
		{Span{9*time.Hour + 5*time.Minute, 13*time.Hour + 59*time.Minute}, "09:05-13:59", false},
		{Span{}, "00:00-00:00", true},
		{Span{17 * time.Hour, 9 * time.Hour}, "17:00-09:00", true},
	}
	for _, tt := range tests {
		if got := tt.span.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
		if got := tt.span.IsZero(); got != tt.zero {
			t.Errorf("%v IsZero() = %v", tt.span, got)
		}
		if !tt.zero {
			if back, err := ParseSpan(tt.str); err != nil || back != tt.span {
				t.Errorf("ParseSpan(%q) = %v, %v", tt.str, back, err)
			}
		}
	}
}

func TestParseWeekday(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Weekday
		wantErr bool
	}{
		{in: "mon", want: time.Monday},
		{in: "Monday", want: time.Monday},
		{in: " TUE ", want: time.Tuesday},
		{in: "th", want: time.Thursday},
		{in: "sa", want: time.Saturday},
		{in: "su", want: time.Sunday},
		{in: "s", wantErr: true},
		{in: "t", wantErr: true},
		{in: "", wantErr: true},
		{in: "mondays", wantErr: true},
		{in: "lundi", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseWeekday(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("ParseWeekday(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseWeekdays(t *testing.T) {
	const (
		su = 1 << time.Sunday
		mo = 1 << time.Monday
		tu = 1 << time.Tuesday
		we = 1 << time.Wednesday
		th = 1 << time.Thursday
		fr = 1 << time.Friday
		sa = 1 << time.Saturday
	)
	tests := []struct {
		in      string
		want    int // a bit per weekday
		wantErr bool
	}{
		{in: "mon-fri", want: mo | tu | we | th | fr},
		{in: "mon,wed,fri", want: mo | we | fr},
		{in: "sun-thu", want: su | mo | tu | we | th},
		{in: "fri-mon", want: fr | sa | su | mo},
		{in: "sat", want: sa},
		{in: "Mon - Tue, Thursday", want: mo | tu | th},
		{in: "mon-mon", want: mo},
		{in: "mon,mon", want: mo},
		{in: "", wantErr: true},
		{in: "mon,", wantErr: true},
		{in: "mon-", wantErr: true},
		{in: "mon-tue-wed", wantErr: true},
		{in: "weekdays", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseWeekdays(tt.in)
		bits := 0
		for d, on := range got {
			if on {
				bits |= 1 << d
			}
		}
		if (err != nil) != tt.wantErr || (!tt.wantErr && bits != tt.want) {
			t.Errorf("ParseWeekdays(%q) = %07b, %v; want %07b, error %v", tt.in, bits, err, tt.want, tt.wantErr)
		}
	}
}

func TestDefaultSettings(t *testing.T) {
	s := DefaultSettings(time.UTC)
	for d := time.Sunday; d <= time.Saturday; d++ {
		want := Span{9 * time.Hour, 17 * time.Hour}
		if d == time.Saturday || d == time.Sunday {
			want = Span{}
		}
		if s.Hours[d] != want {
			t.Errorf("%v: %v, want %v", d, s.Hours[d], want)
		}
	}
	if s.WeekStart != time.Monday || s.FocusMin != 2*time.Hour || s.BackToBackGap != 5*time.Minute || s.TopPeople != 5 || s.Zone != time.UTC || s.Domain != "" {
		t.Errorf("defaults %+v", s)
	}
}
