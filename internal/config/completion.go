package config

// Completion configures inline completion and completion items.
type Completion struct {
	Enabled bool   `toml:"enabled" default:"true" doc:"Answer inline completion and completion requests."`
	Model   string `toml:"model" doc:"Name of a [models.NAME] entry for completions; empty uses the default model."`
	// DisabledLanguages turns completion off per language, as the editors'
	// toggles do.
	DisabledLanguages []string `toml:"disabled_languages" doc:"Language IDs (as the editor names them: go, python, typescript...) for which completion is off."`

	// Trigger policy for automatic requests; an explicit invocation always
	// completes.
	SkipDeletions bool `toml:"skip_deletions" default:"true" doc:"Do not complete automatically right after text was deleted."`
	SkipMidWord   bool `toml:"skip_mid_word" default:"true" doc:"Do not complete automatically in the middle of an identifier."`
	SkipMidLine   bool `toml:"skip_mid_line" default:"true" doc:"Do not complete automatically when the rest of the line holds more than closing punctuation and whitespace."`
	InComments    bool `toml:"in_comments" default:"true" doc:"Complete automatically inside comments."`
	InStrings     bool `toml:"in_strings" default:"true" doc:"Complete automatically inside string literals."`
	Candidates    int  `toml:"candidates" default:"3" doc:"Most candidates returned for an explicit invocation (automatic requests return one)."`

	// Prompt budget, in tokens, and how it is shared.
	Budget      int `toml:"budget" default:"2048" doc:"Token budget of the whole prompt: prefix, suffix and workspace context."`
	PrefixShare int `toml:"prefix_share" default:"45" doc:"Percent of the budget for the text before the cursor."`
	SuffixShare int `toml:"suffix_share" default:"15" doc:"Percent of the budget for the text after the cursor; the rest goes to workspace context."`

	// Generation.
	MaxTokens     int     `toml:"max_tokens" default:"160" doc:"Most tokens generated for a block completion."`
	MaxLineTokens int     `toml:"max_line_tokens" default:"48" doc:"Most tokens generated for a rest-of-line completion."`
	Temperature   float64 `toml:"temperature" default:"0.1" doc:"Sampling temperature; explicit invocations with several candidates use at least 0.6."`
	Stream        bool    `toml:"stream" default:"true" doc:"Stream the answer and stop the model as soon as the line or block is complete."`
	SyntaxCheck   bool    `toml:"syntax_check" default:"true" doc:"Keep only the longest part of a completion that adds no syntax error to the file; when the embedded model's best line adds one, offer its next best line that adds none (server models are asked for no more candidates)."`
	Grounding     string  `toml:"grounding" default:"cut" enum:"off,show,cut,drop" doc:"Look up every name a completion calls, selects, or builds a value of, in the document, the workspace and the dependencies' declarations; a completion with a name declared nowhere is shown as is (show), cut before that name (cut) or dropped (drop). Among several candidates, those whose names were all found come first."`
	TimeoutMS     int     `toml:"timeout_ms" default:"4000" doc:"Give up on a model call after this many milliseconds; the model is then marked down (requests stop waiting for it) until a background probe sees it answer. lode complete --timeout overrides it."`

	// Latency.
	DebounceMS    int  `toml:"debounce_ms" default:"0" doc:"Wait this many milliseconds before calling the model for an automatic request, for editors that do not debounce; a newer request in the meantime wins."`
	MaxConcurrent int  `toml:"max_concurrent" default:"2" doc:"Most model calls in flight at once per provider."`
	CacheSize     int  `toml:"cache_size" default:"256" doc:"Number of recent prompts whose answers are kept for reuse."`
	Fallback      bool `toml:"fallback_embedded" default:"true" doc:"While the model server is down (unreachable, timed out, refused the key, rate limited, answering garbage), complete with the embedded offline model at once."`

	// Time budgets of a request's stages: past its budget a stage gives
	// what it has, never nothing.
	RetrieveShare int `toml:"retrieve_share" default:"20" doc:"Percent of the model's typical answer time (a moving average of its recent answers) that the search for workspace context may take: a model that answers in 300 ms leaves 60 ms. The sources run by priority (enclosing scope, definitions and imports, similar code, recent edits); at the budget the prompt takes the ones that finished, and lode/context lists the ones cut."`
	RetrieveMinMS int `toml:"retrieve_min_ms" default:"30" doc:"Least time budget, in milliseconds, of the search for workspace context, however fast the model."`
	RetrieveMaxMS int `toml:"retrieve_max_ms" default:"150" doc:"Largest time budget, in milliseconds, of the search for workspace context, however slow the model; also the budget before the model has answered once. -1 waits for every source."`
	PredictMS     int `toml:"predict_ms" default:"50" doc:"Time budget, in milliseconds, of the ranked next tokens offered as completion items; the embedded model answers with what it has by then. -1 waits for them."`

	// The embedded model beside a server model.
	Companion       bool `toml:"companion" default:"false" doc:"When the model is a server, answer automatic inline completions with the embedded offline model's line if the server has not answered within companion_wait_ms (at once when the server's recent answers took longer than that); the server's answer is kept for the next request (typing on, or asking again)."`
	CompanionWaitMS int  `toml:"companion_wait_ms" default:"150" doc:"How long, in milliseconds, to wait for the server before answering with the embedded model when companion is on."`

	// Completion items (textDocument/completion).
	NextTokens  int `toml:"next_tokens" default:"8" doc:"Most ranked next tokens (members after a dot, arguments, keywords, identifiers) offered as completion items, after the model's line, when the model or the embedded companion ranks tokens (the embedded model does); 0 offers none."`
	ItemsWaitMS int `toml:"items_wait_ms" default:"150" doc:"How long, in milliseconds, completion items wait for the model's line when ranked next tokens can be offered without it (not at all when the model's recent answers took longer than that); the model's answer is kept for the next request."`

	FeedbackLog string `toml:"feedback_log" doc:"Path of a local JSONL log of shown, accepted and rejected completions, to measure your own acceptance rate; empty turns it off. Nothing leaves the machine."`
}
