package server

import (
	"context"

	"go.lsp.dev/jsonrpc2"
	protocol "go.lsp.dev/protocol"
)

// commandsFeature is the feature of workspace/executeCommand.
func commandsFeature() *feature {
	return &feature{
		name: "commands",
		requests: map[string]requestFunc{
			protocol.MethodWorkspaceExecuteCommand: request((*Server).executeCommand),
		},
	}
}

// executeCommand runs a command registered by a feature (its commands
// table). initialize advertises the commands of the available features.
func (s *Server) executeCommand(ctx context.Context, p *protocol.ExecuteCommandParams) (any, error) {
	c, f := s.lookupCommand(p.Command)
	if c == nil || !f.on(s) {
		return nil, jsonrpc2.Errorf(jsonrpc2.InvalidParams, "unknown command %q", p.Command)
	}
	return c(s, ctx, p.Arguments)
}
