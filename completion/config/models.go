package config

// Model is one named model configuration ([models.NAME]).
type Model struct {
	Provider string `toml:"provider" enum:"embedded,openai,ollama,llamacpp" doc:"Provider of this model."`
	BaseURL  string `toml:"base_url" doc:"Base URL of the provider's server."`
	ModelID  string `toml:"model" doc:"Model name as the server knows it."`
	APIKey   string `toml:"api_key" secret:"true" doc:"API key for this server."`
}
