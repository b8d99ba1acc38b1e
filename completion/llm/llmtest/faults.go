package llmtest

// Fault is one way a model server fails, as the fault-matrix tests play
// it: a refused connection (use RefusedURL instead of a Server), or a
// Server answering with Reply.
type Fault struct {
	Name    string
	Refused bool  // nothing listens: the test dials RefusedURL
	Reply   Reply // the fake server's answer otherwise
}

// Faults returns the ways a model server fails, the same for every fault
// matrix: a refused connection, a hang, a refused key (401), a rate limit
// (429, Retry-After 1 s), a server error (500), a malformed answer, and a
// stream cut after its first chunk.
func Faults() []Fault {
	return []Fault{
		{Name: "refused", Refused: true},
		{Name: "hang", Reply: Reply{Hang: true}},
		{Name: "401", Reply: Reply{Status: 401, Error: "invalid api key"}},
		{Name: "429", Reply: Reply{Status: 429, RetryAfter: "1"}},
		{Name: "500", Reply: Reply{Status: 500}},
		{Name: "malformed", Reply: Reply{Body: "{not json"}},
		{Name: "cut stream", Reply: Reply{Text: "a b c d", CutAfter: 1}},
	}
}
