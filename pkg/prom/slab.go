package prom

// slab hands out contiguous runs of T (a row's labels, a series' points) carved from a few
// large blocks, so an answer of many rows costs a few allocations rather than one per row.
// Runs never overlap: each is capped at its length, so appending to one copies it.
type slab[T any] struct {
	block []T
	start int // where the run being built begins
}

// maxSlabBlock bounds a block (in elements) once runs are small: blocks double from 16 up to
// it, so a one-row answer stays small and a large one takes few allocations.
const maxSlabBlock = 4096

// begin starts a run.
func (s *slab[T]) begin() { s.start = len(s.block) }

// add appends v to the run, moving the run to a new block when this one is full.
func (s *slab[T]) add(v T) {
	if len(s.block) == cap(s.block) {
		n := len(s.block) - s.start
		size := max(16, min(2*cap(s.block), maxSlabBlock), 2*n)
		block := make([]T, n, size)
		copy(block, s.block[s.start:])
		s.block, s.start = block, 0
	}
	s.block = append(s.block, v)
}

// end returns the run.
func (s *slab[T]) end() []T {
	return s.block[s.start:len(s.block):len(s.block)]
}
