package report

import (
	"bytes"
	"image"
	"testing"
	"time"
)

// countNear counts the pixels of img within a few steps of any of the
// colours.
func countNear(img image.Image, hexes ...string) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			for _, h := range hexes {
				if closeTo(c, h) {
					n++
					break
				}
			}
		}
	}
	return n
}

// notBlank fails when a screenshot is mostly background.
func notBlank(t *testing.T, img image.Image, what string) {
	t.Helper()
	b := img.Bounds()
	bg, differ := img.At(2, 2), 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.At(x, y) != bg {
				differ++
			}
		}
	}
	if share := float64(differ) / float64(b.Dx()*b.Dy()); share < 0.1 {
		t.Errorf("%s: only %.0f%% of the screenshot differs from the background: is it blank?", what, share*100)
	}
}

// The EM band's hatching, light and dark.
var bandColors = []string{"#FBEEE3", "#E9B48B"}

// TestWhatifHTMLRendersInChromium renders the pages of the trend and of
// the meetings on a desktop (1280 px) and a phone (390 px), and the page
// of an analysis with the what-ifs' sections, and looks at the pixels:
// the band, the lines and the bars are drawn, and on the phone the charts
// keep a size that can be read (they scroll sideways rather than shrink
// to a third).
func TestWhatifHTMLRendersInChromium(t *testing.T) {
	tr := promotionTrend(t, 4, 0)
	var page bytes.Buffer
	if err := WriteTrendHTML(&page, tr); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		width, band, meeting int
	}{
		// The band is 720 × 65 px on a desktop (about 34,000 of its pixels
		// are seen). On a phone the chart keeps 600 of its 926 px and
		// scrolls sideways: about 8,500; shrunk to the screen's width it
		// would show 3,000, too small to read.
		{1280, 30000, 1500},
		{390, 6000, 400},
	} {
		img := screenshot(t, page.Bytes(), tt.width, 1400)
		notBlank(t, img, "trend")
		if n := countNear(img, bandColors...); n < tt.band {
			t.Errorf("trend at %d px: %d pixels of the EM band, want %d or more", tt.width, n, tt.band)
		}
		if n := countNear(img, colorMeeting); n < tt.meeting {
			t.Errorf("trend at %d px: %d pixels of the meeting lines, want %d or more", tt.width, n, tt.meeting)
		}
		if n := countNear(img, styleOf("em").Color); n < 300 {
			t.Errorf("trend at %d px: %d pixels of the EM chips", tt.width, n)
		}
	}

	mr := promotionMeetings(t)
	page.Reset()
	if err := WriteMeetingsHTML(&page, mr); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ width, bars int }{
		// Five bars 22 px high, the longest 240 px: 3600, 2400, 480 × 3
		// minutes of focus.
		{1280, 9000},
		{390, 5000},
	} {
		img := screenshot(t, page.Bytes(), tt.width, 1400)
		notBlank(t, img, "meetings")
		if n := countNear(img, colorFocus); n < tt.bars {
			t.Errorf("meetings at %d px: %d pixels of the focus-cost bars, want %d or more", tt.width, n, tt.bars)
		}
	}

	// The analysis' page, with and without the what-ifs: the trend adds
	// a second EM band, what costs focus bars of the focus colour.
	r := sampleReport(t)
	page.Reset()
	if err := WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	plain := screenshot(t, page.Bytes(), 1280, 4000)
	c, _, _, _ := promotion(t, time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC), 12)
	page.Reset()
	if err := WriteHTML(&page, WhatifsOf(r, c.Series(), &tr)); err != nil {
		t.Fatal(err)
	}
	with := screenshot(t, page.Bytes(), 1280, 4000)
	if a, b := countNear(plain, bandColors...), countNear(with, bandColors...); b < a+25000 {
		t.Errorf("the EM band: %d pixels without the trend, %d with it", a, b)
	}
	if a, b := countNear(plain, colorFocus), countNear(with, colorFocus); b < a+5000 {
		t.Errorf("the focus colour: %d pixels without what costs focus, %d with it", a, b)
	}
}
