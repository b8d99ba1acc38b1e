package config

// Log configures logging.
type Log struct {
	Level string `toml:"level" default:"info" enum:"error,warn,info,debug" doc:"Least severe level logged and sent to the editor as window/logMessage."`
}
