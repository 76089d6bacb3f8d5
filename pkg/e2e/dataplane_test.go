package e2e

import (
	"fmt"
	"math"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// The dataplane readers (github.com/grafana/dataplane/sdata) are not available from the
// module proxy here, so checkNumericMulti applies the numeric-multi contract the way
// alerting's reader does, strictly:
//
//   - every frame is typed numeric-multi, version 0.x with x >= 1;
//   - "no data" is exactly one typed frame without fields, never mixed with data frames;
//   - otherwise each frame has exactly one field, numeric and not a time, with exactly one
//     finite value (alerting turns each frame into one number);
//   - the value's labels (dimensions) are unique across frames, and an unlabelled value may
//     only stand alone.
//
// It returns the values keyed by their labels' string.
func checkNumericMulti(frs data.Frames) (map[string]float64, error) {
	out := map[string]float64{}
	if len(frs) == 0 {
		return nil, fmt.Errorf("no frames at all: numeric-multi needs at least the no-data frame")
	}
	for i, f := range frs {
		if f.Meta == nil || f.Meta.Type != data.FrameTypeNumericMulti {
			return nil, fmt.Errorf("frame %d: type %v, want %s", i, metaType(f), data.FrameTypeNumericMulti)
		}
		if v := f.Meta.TypeVersion; v[0] != 0 || v[1] < 1 {
			return nil, fmt.Errorf("frame %d: type version %v, want 0.1 or a later 0.x", i, v)
		}
	}
	if len(frs) == 1 && len(frs[0].Fields) == 0 {
		return out, nil // no data
	}
	for i, f := range frs {
		if len(f.Fields) != 1 {
			return nil, fmt.Errorf("frame %d: %d fields, want exactly one numeric field (no-data frames must stand alone)", i, len(f.Fields))
		}
		fl := f.Fields[0]
		if !fl.Type().Numeric() || fl.Type().Time() {
			return nil, fmt.Errorf("frame %d: field %q is %s, want a number", i, fl.Name, fl.Type())
		}
		if fl.Len() != 1 {
			return nil, fmt.Errorf("frame %d: %d values, want exactly one", i, fl.Len())
		}
		v, err := fl.FloatAt(0)
		if err != nil {
			return nil, fmt.Errorf("frame %d: %v", i, err)
		}
		if fl.Type().Nullable() && fl.NilAt(0) {
			return nil, fmt.Errorf("frame %d: null value", i)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("frame %d: value %v is not finite", i, v)
		}
		key := fl.Labels.String()
		if len(fl.Labels) == 0 && len(frs) > 1 {
			return nil, fmt.Errorf("frame %d: an unlabelled value among %d frames cannot be told apart", i, len(frs))
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("frame %d: labels %s repeat", i, key)
		}
		out[key] = v
	}
	return out, nil
}

func metaType(f *data.Frame) any {
	if f.Meta == nil {
		return "no meta"
	}
	return f.Meta.Type
}

// checkNumericLong applies the numeric-long contract the way alerting's reader does
// (github.com/grafana/dataplane sdata/numeric, long.go), strictly:
//
//   - exactly one frame, typed numeric-long, version 0.x with x >= 1;
//   - "no data" is that frame without fields;
//   - otherwise string fields and exactly one numeric field (not a time), all of one length:
//     each row is one number labelled by the row's strings (label name = field name), finite,
//     and the label sets are unique across rows.
//
// It returns the values keyed by their labels' string, as checkNumericMulti does.
func checkNumericLong(frs data.Frames) (map[string]float64, error) {
	if len(frs) != 1 {
		return nil, fmt.Errorf("%d frames, want exactly one numeric-long frame", len(frs))
	}
	f := frs[0]
	if f.Meta == nil || f.Meta.Type != data.FrameTypeNumericLong {
		return nil, fmt.Errorf("type %v, want %s", metaType(f), data.FrameTypeNumericLong)
	}
	if v := f.Meta.TypeVersion; v[0] != 0 || v[1] < 1 {
		return nil, fmt.Errorf("type version %v, want 0.1 or a later 0.x", v)
	}
	out := map[string]float64{}
	if len(f.Fields) == 0 {
		return out, nil // no data
	}
	var value *data.Field
	var strs []*data.Field
	for _, fl := range f.Fields {
		switch {
		case fl.Type() == data.FieldTypeString:
			strs = append(strs, fl)
		case fl.Type().Numeric() && !fl.Type().Time() && value == nil:
			value = fl
		default:
			return nil, fmt.Errorf("field %q (%s): want string fields and one number", fl.Name, fl.Type())
		}
	}
	if value == nil {
		return nil, fmt.Errorf("no numeric field")
	}
	for row := 0; row < value.Len(); row++ {
		labels := data.Labels{}
		for _, s := range strs {
			labels[s.Name] = s.At(row).(string)
		}
		v, err := value.FloatAt(row)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("row %d: value %v (%v) is not a finite number", row, v, err)
		}
		key := labels.String()
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("row %d: labels %s repeat", row, key)
		}
		out[key] = v
	}
	return out, nil
}
