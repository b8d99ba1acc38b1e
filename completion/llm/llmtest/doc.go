// Package llmtest holds test doubles for code models: a fake model server
// speaking every wire format lode uses, an in-memory fake llm.Model, and
// the conformance suite every provider passes. It is for tests only and
// depends on completion/llm, internal/wire and the standard library.
//
// # Fake server
//
// NewServer starts a Server closed when the test ends. Its URL serves the
// OpenAI-compatible API (.../completions, .../chat/completions, .../models,
// streamed as SSE ending in [DONE] when the body says "stream": true),
// Mistral's .../fim/completions, Ollama (/api/generate, /api/chat streamed
// as NDJSON unless "stream": false, /api/tags) and llama.cpp (/infill,
// /completion, /health). Endpoints are matched by path suffix, so any base
// URL prefix works (/v1, /beta, /api/paas/v4).
//
// Answers are scripted with Reply values:
//
//	srv.Reply(llmtest.Reply{Text: "x := 1"})              // every request
//	srv.Enqueue(llmtest.Reply{Status: 503})               // the next one only
//	srv.ReplyFunc(func(r llmtest.Request) llmtest.Reply { // per request
//		return llmtest.Reply{Text: r.Field("prompt").(string)}
//	})
//
// A Reply can set the text or its streamed Chunks, an error Status with a
// message and Retry-After, a raw Body (malformed JSON), a Delay before the
// headers, a ChunkDelay, CutAfter n chunks (the connection is closed in
// the middle of the stream) or Hang (never answer). Requests returns every
// request received (method, path, headers, body; Request.JSON and Field
// decode it), and WaitClosed reports a client that closed its connection
// while a request was pending: the proof that a cancellation aborted the
// HTTP call. RefusedURL, UnresolvableURL and BlackholeURL give base URLs
// where connecting is refused, the name does not resolve, and connecting
// hangs (for connect timeouts).
//
// # Fake model
//
// Model is an llm.Model (also Streamer, FIMer, Namer) answering Text or
// Answer(req) after Delay, recording Calls and counting Canceled waits.
//
// # Conformance
//
// RunConformance(t, Suite{New, Request}) runs the tests every provider
// passes: answers, streaming agreeing with non-streaming, stopping a stream
// early, cancellation aborting the request, 401 reported once, 429 with
// Retry-After honoured without further requests, one retry of a 5xx (and
// none once the caller cancelled during the back-off),
// malformed JSON, a cut stream, unknown model, context too long,
// connection refused, name resolution, connect, first-byte and request
// timeouts,
// and concurrent calls. Errors must wrap the llm sentinels and never show
// the API key.
//
// # Provider tests
//
// Open(t, New, Options{...}) builds a provider's client for one test and
// closes its idle connections at the end; RunConformanceEach runs the
// suite once per kind of request, and BenchmarkClient measures one call
// through a provider against the fake server.
package llmtest
