package config

// Context configures the workspace reading and the context sent to models.
type Context struct {
	MaxFileSize int  `toml:"max_file_size" default:"1048576" doc:"Files larger than this many bytes are not indexed."`
	Vendored    bool `toml:"vendored" default:"false" doc:"Read vendored code (vendor/, third_party/) into context too."`
	Budget      int  `toml:"budget" default:"1024" doc:"Token budget of the context bundle (other files' snippets) for one cursor, as lode/context and lode context report it."`
}
