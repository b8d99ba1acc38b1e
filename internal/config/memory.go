package config

// Memory bounds what lode keeps in memory for a workspace.
type Memory struct {
	IndexMB    int `toml:"index_mb" default:"1024" doc:"Memory ceiling of the workspace index, in MB, by the index's own count of its files' symbols, chunks and postings (the process uses somewhat more). Over it a cold index leaves the remaining files out, and an edit makes room by dropping the least recently indexed files; one log line says what and why. 0 is no ceiling; a million lines of code count about 60 MB."`
	EmbeddedMB int `toml:"embedded_mb" default:"1024" doc:"Memory ceiling of the embedded model, in MB, by the model's own count of its files' tokens and its n-gram tables. Over it the tables drop their rarest n-grams (seen fewer than 2 times, then 4, 8, ... as needed) and no new file is learned; one log line says what and why. 0 is no ceiling."`
}
