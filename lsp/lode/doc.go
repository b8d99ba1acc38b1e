// Package lode holds lode's additions to go.lsp.dev/protocol: a
// message stream that survives garbage (Stream), the payload codec (Codec,
// DecodeParams), the ordered handler chain (Chain) that applies
// notifications in arrival order while requests run concurrently and can be
// cancelled, and the custom lode/... methods with their parameter types.
//
// Package lode depends on go.lsp.dev/* and the standard library only; it
// knows nothing of lode's engine.
package lode
