package lsptest

import (
	"net"
	"slices"
	"sync"
)

// pipe returns the two ends of a net.Pipe whose client end never blocks on
// Write: writes are queued and written by a goroutine. A net.Pipe has no
// buffer, so without the queue a server writing a response from its
// reading goroutine and an editor doing the same deadlock each other; real
// editors read and write on separate threads, as the queue does.
func pipe() (client *queuedConn, server net.Conn) {
	c, s := net.Pipe()
	q := &queuedConn{Conn: c}
	q.cond = sync.NewCond(&q.mu)
	go q.flush()
	return q, s
}

// queuedConn is a net.Conn whose writes are queued.
type queuedConn struct {
	net.Conn

	mu     sync.Mutex
	cond   *sync.Cond
	queue  [][]byte
	closed bool
	err    error
}

func (q *queuedConn) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, net.ErrClosed
	}
	if q.err != nil {
		return 0, q.err
	}
	q.queue = append(q.queue, slices.Clone(p))
	q.cond.Signal()
	return len(p), nil
}

func (q *queuedConn) flush() {
	for {
		q.mu.Lock()
		for len(q.queue) == 0 && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		b := q.queue[0]
		q.queue[0] = nil // the queue's array must not keep a written message
		q.queue = q.queue[1:]
		q.mu.Unlock()
		if _, err := q.Conn.Write(b); err != nil {
			q.mu.Lock()
			q.err = err
			q.queue = nil
			q.mu.Unlock()
		}
	}
}

func (q *queuedConn) Close() error {
	q.mu.Lock()
	q.closed = true
	q.cond.Signal()
	q.mu.Unlock()
	return q.Conn.Close()
}
