package completion

import (
	"iter"

	"github.com/lode-ls/lode/completion/llm"
	"github.com/lode-ls/lode/completion/postprocess"
)

// checkAlternatives is how many candidates a model with cheap
// alternatives (llm.Alternator) is asked for where one is wanted and the
// syntax check is on: when the check drops the model's best line (it
// would add a syntax error), the next best one the check keeps is offered
// instead of nothing. Measured on the embedded model (docs/performance.md,
// "Syntax self-check"): four offered no more than two, eight one more;
// each alternative costs a greedy walk of the line, and a reparse when the
// ones before it are dropped.
const checkAlternatives = 2

// candidates returns how many candidates to ask pv's model for when n
// are wanted (see asked).
func (e *Engine) candidates(pv *provider, n int) int {
	if pv == nil {
		return n
	}
	return asked(pv.model, n, e.config().SyntaxCheck)
}

// asked returns how many candidates to ask m for when n are wanted: n, or
// checkAlternatives for a single candidate from a model whose
// alternatives cost no extra call, when check (the syntax check) is on. A
// server model is never asked for more than wanted: its alternatives
// cost tokens and time.
func asked(m llm.Model, n int, check bool) int {
	if n > 1 || !check {
		return n
	}
	if a, ok := m.(llm.Alternator); ok && a.CheapAlternatives() {
		return checkAlternatives
	}
	return n
}

// offered yields the model's texts as in post-processes them (the syntax
// check included, when in has one), in the model's order, leaving out
// those it drops and repeats. Each text is processed when the loop asks
// for it: a caller that has the candidates it wants stops, and the texts
// after are not checked.
func offered(in postprocess.Input, texts []string) iter.Seq[string] {
	return func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, s := range texts {
			in.Text = s
			ins := postprocess.Process(in)
			if ins == "" || seen[ins] {
				continue
			}
			seen[ins] = true
			if !yield(ins) {
				return
			}
		}
	}
}
