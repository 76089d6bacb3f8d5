package prom

import (
	"bytes"
	"context"
	"net/http"
)

// bodies recycles answer buffers. A fleet's answer is megabytes of JSON; reading each into
// a fresh, doubling buffer cost more (allocating, faulting in and collecting the memory)
// than decompressing it. Decoding copies out everything it keeps (label strings are
// interned copies), so a buffer is free again once the answer is decoded.
//
// A small free list rather than a sync.Pool: a fleet-sized query allocates enough to run the
// garbage collector, which empties a sync.Pool, so the buffers were rarely there when the
// next query came. It holds at most maxPooledBodies buffers of up to maxPooledBody bytes.
var bodies = make(chan *bytes.Buffer, maxPooledBodies)

const (
	maxPooledBodies = 4        // about the requests a dashboard refresh has in flight
	maxPooledBody   = 16 << 20 // a rare huge answer is not held on to
)

func getBody() *bytes.Buffer {
	select {
	case b := <-bodies:
		b.Reset()
		return b
	default:
		return new(bytes.Buffer)
	}
}

func putBody(b *bytes.Buffer) {
	if b.Cap() > maxPooledBody {
		return
	}
	select {
	case bodies <- b:
	default:
	}
}

// do sends req and reads the whole answer into a pooled buffer; release returns the buffer
// once the body is no longer needed. Like client_golang's api client, a request whose
// context ends while the body is read fails with the context's error.
func do(ctx context.Context, hc *http.Client, req *http.Request) (resp *http.Response, body []byte, release func(), err error) {
	resp, err = hc.Do(req)
	if err != nil {
		return nil, nil, nil, err
	}
	defer resp.Body.Close()
	buf := getBody()
	if resp.ContentLength > 0 {
		buf.Grow(int(min(resp.ContentLength, maxPooledBody)))
	}
	release = func() { putBody(buf) }
	if _, err = buf.ReadFrom(resp.Body); err != nil {
		release()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, nil, nil, err
	}
	return resp, buf.Bytes(), release, nil
}
