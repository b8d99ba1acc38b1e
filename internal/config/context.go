package config

// Context configures the workspace reading and the context sent to models.
type Context struct {
	MaxFileSize int  `toml:"max_file_size" default:"1048576" doc:"Files larger than this many bytes, like binary and minified ones, are not indexed, not learned by the embedded model, and never parsed whole; an open document or a file given to lode complete or lode explain over it is completed and explained from a window of about 64 KB around the cursor, and nothing else of it is sent to a model."`
	Vendored    bool `toml:"vendored" default:"false" doc:"Read vendored code (vendor/, third_party/) into context too."`
	Budget      int  `toml:"budget" default:"1024" doc:"Token budget of the context bundle (other files' snippets) for one cursor, as lode/context and lode context report it."`
}
