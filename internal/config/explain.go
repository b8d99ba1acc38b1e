package config

import "time"

// Explain configures explanations and patch suggestions.
type Explain struct {
	Model string `toml:"model" doc:"Name of a [models.NAME] entry for explanations and patches; empty uses the default model."`

	Hover    bool `toml:"hover" default:"false" doc:"Answer hover requests with an explanation of the enclosing function (calls the model on hover)."`
	CodeLens bool `toml:"code_lens" default:"false" doc:"Show an \"Explain\" code lens above functions and types."`

	ContextBudget int           `toml:"context_budget" default:"2048" doc:"Token budget for the definitions, callers and doc comments sent with an explanation or a patch request."`
	MaxTokens     int           `toml:"max_tokens" default:"1024" doc:"Most tokens the model may answer for an explanation or a patch."`
	Timeout       time.Duration `toml:"timeout" default:"2m" doc:"How long an explanation or a patch may take before it is abandoned, for example \"90s\"."`
	CacheSize     int           `toml:"cache_size" default:"128" doc:"Explanations kept in memory, keyed by the content they explain."`
}
