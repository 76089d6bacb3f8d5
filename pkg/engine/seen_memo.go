package engine

import (
	"sync"

	"github.com/seed/rscerts/pkg/certs"
	"github.com/seed/rscerts/pkg/prom"
)

// seenMemo keeps the merged form of recent lookback answers. The shared lookback answer is
// the same value for every query until it is refreshed (about a minute), so it is merged once
// rather than by each of a dashboard's panels. Answers are told apart by the address of their first sample,
// which no other answer shares; the few kept answers stay reachable through it, which bounds
// what the memo holds.
type seenMemo struct {
	mu      sync.Mutex
	entries map[*prom.Sample]seenEntry
}

type seenEntry struct {
	n    int
	seen *certs.Seen
}

// maxSeenAnswers is how many lookback answers (one per version choice and evaluation time) are kept.
const maxSeenAnswers = 8

func (m *seenMemo) get(lookback prom.Value) (*certs.Seen, error) {
	vec, ok := lookback.(prom.Vector)
	if !ok || len(vec) == 0 {
		return DecodeSeen(lookback)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[&vec[0]]; ok && e.n == len(vec) {
		return e.seen, nil
	}
	seen, err := DecodeSeen(lookback)
	if err != nil {
		return nil, err
	}
	if m.entries == nil || len(m.entries) >= maxSeenAnswers {
		m.entries = make(map[*prom.Sample]seenEntry, maxSeenAnswers)
	}
	m.entries[&vec[0]] = seenEntry{n: len(vec), seen: seen}
	return seen, nil
}
