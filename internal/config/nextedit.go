package config

// NextEdit configures next-edit predictions (lode/nextEdits).
type NextEdit struct {
	Model         string `toml:"model" doc:"Whether a server model predicts next edits beside the offline predictor: empty uses the completion model when it is a server (the embedded model predicts none); \"off\" leaves next edits offline; else the name of a [models.NAME] entry, for a dedicated next-edit model such as Zeta."`
	Format        string `toml:"format" default:"auto" enum:"auto,zeta,chat" doc:"Prompt of the model predictor: zeta (the published format of Zed's open next-edit model: the recent edits as diffs and the editable region between markers, answered as the region rewritten), chat (the same information as a chat conversation, answered in a fenced block, for any other model), auto (zeta when the model's name contains \"zeta\", else chat)."`
	RegionLines   int    `toml:"region_lines" default:"12" doc:"Lines of the editable region around the cursor that the model may rewrite (a third above the cursor's line)."`
	ExcerptLines  int    `toml:"excerpt_lines" default:"24" doc:"Lines of the document shown, read-only, on each side of the editable region."`
	ContextBudget int    `toml:"context_budget" default:"512" doc:"Token budget of the workspace context (definitions, similar code) sent with a next-edit prompt; -1 sends none."`
	RetrieveMS    int    `toml:"retrieve_ms" default:"10" doc:"Time budget, in milliseconds, of the search for workspace context before the model is asked: at the budget the prompt takes the sources that finished (enclosing scope and definitions first); -1 waits for every source."`
	MaxTokens     int    `toml:"max_tokens" default:"1024" doc:"Most tokens of the model's answer (never more than twice the region's tokens, plus 64)."`
}
