// Package config is lode's one settings schema, shared by the server and
// the command line. Every setting is a struct field whose tags carry its
// name (toml), its documentation (doc) and its default (default); the loader,
// the validation and docs/settings.md are all derived from those tags.
//
// Each section lives in its own file, owned by the feature it configures.
// Package config depends on the standard library and the TOML decoder only.
package config

// Config is the whole resolved configuration.
type Config struct {
	// Provider, BaseURL, Model and APIKey describe the default model, used
	// by every feature that does not name one of Models.
	Provider string `toml:"provider" default:"embedded" enum:"embedded,openai,ollama,llamacpp,deepseek,mistral,zhipu,ernie" doc:"Which model provider answers by default: the embedded offline model, or a server."`
	BaseURL  string `toml:"base_url" doc:"Base URL of the provider's server (for example http://localhost:11434 for Ollama)."`
	ModelID  string `toml:"model" doc:"Model name as the provider's server knows it."`
	APIKey   string `toml:"api_key" secret:"true" doc:"API key sent to the provider's server. Prefer the LODE_API_KEY environment variable."`

	Models     map[string]Model `toml:"models" doc:"Named models that features refer to by name, for example [models.fast]."`
	Completion Completion       `toml:"completion" doc:"Inline completion and completion items."`
	Context    Context          `toml:"context" doc:"What lode reads from the workspace and sends as context."`
	Explain    Explain          `toml:"explain" doc:"Explanations and patch suggestions."`
	NextEdit   NextEdit         `toml:"nextedit" doc:"Next-edit predictions (lode/nextEdits)."`
	Log        Log              `toml:"log" doc:"Logging."`
	Workspace  Workspace        `toml:"workspace" doc:"Which folders an editor may open."`
	Memory     Memory           `toml:"memory" doc:"Memory ceilings of the index and the embedded model."`

	// sources maps the dotted key of every setting a layer set to that
	// layer (see Source).
	sources map[string]string
}
