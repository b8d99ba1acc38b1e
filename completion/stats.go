package completion

import "sync/atomic"

// Stats counts what the engine did since it was created.
type Stats struct {
	ModelCalls  int64 // calls made to a model (the embedded one included)
	Aborted     int64 // calls aborted because no request waited for them any more
	TypeThrough int64 // requests answered from the completion on screen
	Reused      int64 // requests answered by the call of an earlier request they typed ahead of
	Deduped     int64 // requests that joined an identical call in flight
	Cached      int64 // requests answered from the recent answers
	Fallbacks   int64 // calls that went to the embedded model instead
	Companion   int64 // requests answered by the embedded companion while the model was still working
	Predicted   int64 // requests answered with ranked next tokens
	Accepted    int64 // items accepted (Accept)
}

type counters struct {
	calls, aborted, typeThrough, reused, deduped, cached, fallbacks, companion, predicted, accepted atomic.Int64
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	c := &e.stats
	return Stats{
		ModelCalls: c.calls.Load(), Aborted: c.aborted.Load(), TypeThrough: c.typeThrough.Load(),
		Reused: c.reused.Load(), Deduped: c.deduped.Load(), Cached: c.cached.Load(),
		Fallbacks: c.fallbacks.Load(), Companion: c.companion.Load(), Predicted: c.predicted.Load(),
		Accepted: c.accepted.Load(),
	}
}
