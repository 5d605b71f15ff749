package calendar

import (
	"reflect"
	"testing"
)

// TestEventIsPacked: an Event is copied for every occurrence of a
// calendar, a million of them in a long busy one, so its fields leave no
// padding but the rest of the flags' word (a flag goes with the others).
func TestEventIsPacked(t *testing.T) {
	typ := reflect.TypeFor[Event]()
	var sum uintptr
	for i := range typ.NumField() {
		sum += typ.Field(i).Type.Size()
	}
	if pad := typ.Size() - sum; pad >= 8 {
		t.Errorf("calendar.Event is %d bytes, %d of them padding: put a new flag with the others", typ.Size(), pad)
	}
}
