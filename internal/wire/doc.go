// Package wire holds what lode's HTTP model providers (completion/llm/openai,
// ollama, llamacpp) share, so that each provider package keeps only its
// own wire format: paths and JSON fields.
//
// Client is one server seen from a provider: the base URL, the API key
// sent as a bearer token, Timeouts, a long-lived http.Client built by
// NewHTTPClient (extra headers, no redirect to another host), and the
// back-off Gate. Client.Call runs one request with one retry of a server
// fault and maps every failure to the llm sentinels (HTTPError,
// TransportError, StreamError); Client.Do sends one request and checks
// its status.
//
// Answers are read by ReadEvents (server-sent events or JSON lines),
// ReadStream (a streamed answer gathered into a Stream, whatever the
// events' JSON) and ReadChunks (the OpenAI style: choices[].text or
// message/delta content, finish_reason, usage, "data: [DONE]"), used
// where lode reads that style itself: llama.cpp's /v1/chat/completions
// and Mistral's /fim/completions; go-openai reads the rest.
//
// The package depends on completion/llm and the standard library only.
package wire
