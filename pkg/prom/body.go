package prom

import (
	"bytes"
	"context"
	"net/http"
	"sync"
)

// bodies recycles answer buffers. A fleet's answer is megabytes of JSON; reading each into
// a fresh, doubling buffer cost more (allocating, faulting in and collecting the memory)
// than decompressing it. Decoding copies out everything it keeps (label strings are
// interned copies), so a buffer is free again once the answer is decoded.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer kept for reuse: a rare huge answer is not held on to.
const maxPooledBody = 32 << 20

// do sends req and reads the whole answer into a pooled buffer; release returns the buffer
// once the body is no longer needed. Like client_golang's api client, a request whose
// context ends while the body is read fails with the context's error.
func do(ctx context.Context, hc *http.Client, req *http.Request) (resp *http.Response, body []byte, release func(), err error) {
	resp, err = hc.Do(req)
	if err != nil {
		return nil, nil, nil, err
	}
	defer resp.Body.Close()
	buf := bodies.Get().(*bytes.Buffer)
	buf.Reset()
	if resp.ContentLength > 0 {
		buf.Grow(int(min(resp.ContentLength, maxPooledBody)))
	}
	release = func() {
		if buf.Cap() <= maxPooledBody {
			bodies.Put(buf)
		}
	}
	if _, err = buf.ReadFrom(resp.Body); err != nil {
		release()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, nil, nil, err
	}
	return resp, buf.Bytes(), release, nil
}
