package config

// Workspace configures which folders an editor may open as workspace
// folders.
type Workspace struct {
	AllowedRoots []string `toml:"allowed_roots" user:"true" doc:"Directories under which an editor may open workspace folders (absolute paths; ~ is your home). Empty allows any folder but /, system directories (/etc, /usr, /proc, ...) and directories that hold home directories (/home). A folder elsewhere is refused with a message and never read."`
}
