package report

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
