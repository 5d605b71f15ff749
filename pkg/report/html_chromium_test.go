package report

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromium finds a headless-capable Chromium. Without one the test skips
// on a developer's machine, and fails on CI (CI set), where .ci/run
// installs Debian's chromium package.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; on CI it must be (apt-get install chromium)")
	}
	t.Skip("chromium is not installed: apt-get install chromium to render the report")
	return ""
}

// screenshot renders the page in headless Chromium and decodes the PNG.
func screenshot(t *testing.T, page []byte, width, height int) image.Image {
	t.Helper()
	bin := chromium(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "report.html"), filepath.Join(dir, "report.png")
	if err := os.WriteFile(in, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--hide-scrollbars", "--force-device-scale-factor=1",
		"--screenshot="+out, "--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height),
		"file://"+in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v\n%s", err, stderr.String())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	return img
}

// closeTo reports whether c is within a few steps of the colour hex
// ("#D55E00").
func closeTo(c color.Color, hex string) bool {
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		panic(err)
	}
	want := [3]int{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
	r, g, b, _ := c.RGBA()
	got := [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
	for i := range 3 {
		if d := got[i] - want[i]; d < -8 || d > 8 {
			return false
		}
	}
	return true
}

// TestHTMLRendersInChromium renders the page and looks at the pixels: the
// page is not blank, it has the colours of real charts, and a row of the
// screenshot crosses one meeting bar per week.
func TestHTMLRendersInChromium(t *testing.T) {
	r := sampleReport(t)
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	img := screenshot(t, page.Bytes(), 1200, 1600)
	b := img.Bounds()
	if b.Dx() != 1200 || b.Dy() != 1600 {
		t.Fatalf("screenshot is %v, want 1200×1600", b)
	}

	colors := map[color.RGBA]bool{}
	background := img.At(2, 2)
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			r, g, bl, a := c.RGBA()
			colors[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}] = true
			if c != background {
				differ++
			}
		}
	}
	if len(colors) < 100 {
		t.Errorf("the screenshot has %d distinct colours; a page of charts and text has hundreds", len(colors))
	}
	if share := float64(differ) / float64(b.Dx()*b.Dy()); share < 0.2 {
		t.Errorf("only %.0f%% of the screenshot differs from the background: is it blank?", share*100)
	}

	// The weekly bars: some row of pixels in the top of the page crosses
	// exactly one run of the meeting colour per week, each a bar's width.
	weeks := 0
	for _, wk := range r.Weeks {
		if wk.MeetingShare != nil && *wk.MeetingShare > 0.02 {
			weeks++
		}
	}
	best, bestY := 0, -1
	for y := b.Min.Y; y < b.Min.Y+1100; y++ {
		runs, width := 0, 0
		for x := b.Min.X; x <= b.Max.X; x++ {
			if x < b.Max.X && closeTo(img.At(x, y), colorMeeting) {
				width++
				continue
			}
			if width >= 20 {
				runs++
			}
			width = 0
		}
		if runs > best {
			best, bestY = runs, y
		}
	}
	if best != weeks {
		t.Errorf("the most meeting-coloured bars crossed by one row is %d (at y=%d), want one per week: %d", best, bestY, weeks)
	}

	// The heat map's busiest shade (Monday 10:00, a meeting every Monday).
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if closeTo(img.At(x, y), meetingShades[4]) {
				dark++
			}
		}
	}
	if dark < 500 {
		t.Errorf("%d pixels of the heat map's darkest meeting shade; want whole cells of it", dark)
	}
}

// measured is what a script, added to a copy of the page for the test
// alone (the page itself runs none), measures of its layout in Chromium.
type measured struct {
	// Overflow is how far the page is wider than the window, in pixels.
	Overflow float64 `json:"overflow"`
	// Chips are the widths of the weekly chart's verdict chips, and
	// ChipLabels their labels, left to right.
	Chips      []float64 `json:"chips"`
	ChipLabels []string  `json:"chip_labels"`
	// AfterHours are the widths of the after-hours bars, and Plot the
	// width a full bar would have, in screen pixels.
	AfterHours []float64 `json:"after_hours"`
	Plot       float64   `json:"plot"`
	// ICTick is the label of the IC line on the right-hand scale.
	ICTick string `json:"ic_tick"`
	// Weeks is the weekly chart's width on the screen.
	Weeks float64 `json:"weeks"`
}

const measureScript = `<script>
const r = e => e.getBoundingClientRect();
const chart = document.getElementById("weeks-chart");
const scale = r(chart).width / chart.viewBox.baseVal.width;
const m = {
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  chips: [...chart.querySelectorAll("rect.chip")].map(e => r(e).width),
  chip_labels: [...chart.querySelectorAll("text.verdict")].map(e => e.textContent),
  after_hours: [...document.querySelectorAll("#after-hours-chart g.hbar rect")].map(e => r(e).width),
  plot: 240 * r(document.getElementById("after-hours-chart")).width / document.getElementById("after-hours-chart").viewBox.baseVal.width,
  ic_tick: (document.getElementById("ic-line-tick") || {}).textContent || "",
  weeks: r(chart).width,
};
const pre = document.createElement("pre");
pre.id = "measured";
pre.textContent = JSON.stringify(m);
document.body.appendChild(pre);
</script>`

// measure loads the page, with [measureScript], in headless Chromium at
// a window width wide, and returns what the script measured.
func measure(t *testing.T, page []byte, width int) measured {
	t.Helper()
	bin := chromium(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "report.html")
	withScript := bytes.Replace(page, []byte("</body>"), []byte(measureScript+"</body>"), 1)
	if err := os.WriteFile(in, withScript, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--hide-scrollbars", "--force-device-scale-factor=1",
		"--window-size="+strconv.Itoa(width)+",1200", "--dump-dom", "file://"+in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	dom := stdout.String()
	start := strings.Index(dom, `<pre id="measured">`)
	if start < 0 {
		t.Fatalf("the measuring script did not run:\n%s", stderr.String())
	}
	rest := dom[start+len(`<pre id="measured">`):]
	var m measured
	if err := json.Unmarshal([]byte(html.UnescapeString(rest[:strings.Index(rest, "</pre>")])), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestHTMLLayoutInChromium lays the page out on a desktop (1280 px) and a
// phone (390 px) and checks what a reader sees: nothing wider than the
// window, one verdict chip per run of weeks on a track (the run's width),
// the IC line named on the focus scale, and the after-hours bars drawn to
// the scale of a working day; and a screenshot at each width is not blank
// and shows the weekly bars.
func TestHTMLLayoutInChromium(t *testing.T) {
	r := sampleReport(t)
	var page bytes.Buffer
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	runs := 0
	for i, wk := range r.Weeks {
		if i == 0 || r.Weeks[i-1].Track != wk.Track {
			runs++
		}
	}
	if runs == len(r.Weeks) {
		t.Fatalf("the sample should hold a run of two weeks on one track: %d runs in %d weeks", runs, len(r.Weeks))
	}
	for _, width := range []int{1280, 390} {
		t.Run(strconv.Itoa(width)+"px", func(t *testing.T) {
			m := measure(t, page.Bytes(), width)
			t.Logf("measured %+v", m)
			if m.Overflow > 0 {
				t.Errorf("the page is %v px wider than the window", m.Overflow)
			}
			if len(m.Chips) != runs || len(m.ChipLabels) != runs {
				t.Errorf("%d chips labelled %q under %d weeks, want one per run of weeks on a track (%d)", len(m.Chips), m.ChipLabels, len(r.Weeks), runs)
			} else if m.Chips[len(m.Chips)-1] < 1.5*m.Chips[0] {
				t.Errorf("chips %v: the last run (two weeks) should be about twice as wide as the first (one)", m.Chips)
			}
			// On a phone the weekly chart keeps a size its labels can be
			// read at, and scrolls sideways, rather than shrink to a third.
			if m.Weeks < 590 {
				t.Errorf("the weekly chart is %v px wide at %d px, want at least 600 (scrolling sideways on a phone)", m.Weeks, width)
			}
			if m.ICTick != pct(r.Settings.Bands.ICFocusMin) {
				t.Errorf("the IC line's tick on the focus scale says %q, want %s", m.ICTick, pct(r.Settings.Bands.ICFocusMin))
			}
			if len(m.AfterHours) != len(r.Weeks) {
				t.Fatalf("%d after-hours bars, want %d", len(m.AfterHours), len(r.Weeks))
			}
			for i, w := range m.AfterHours {
				want := m.Plot * float64(r.Weeks[i].AfterHoursMeetingMinutes) / (8 * 60)
				if d := w - want; d < -1.5 || d > 1.5 {
					t.Errorf("after-hours bar %d is %.1f px, want %.1f (%s of an 8h day on %.0f px)", i, w, want, hm(r.Weeks[i].AfterHoursMeetingMinutes), m.Plot)
				}
			}
			img := screenshot(t, page.Bytes(), width, 1800)
			notBlank(t, img, strconv.Itoa(width)+" px")
			if n := countNear(img, colorMeeting); n < 200 {
				t.Errorf("%d pixels of the meeting colour at %d px: the weekly bars are missing", n, width)
			}
		})
	}
}
