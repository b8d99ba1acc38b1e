package index

import (
	"hash/crc32"
	"math"

	"github.com/lode-ls/lode/context/syntax"
	"github.com/lode-ls/lode/context/text"
)

// edit is the change between the indexed content of a file and its new
// content, for an incremental re-index.
type edit struct {
	change  text.Change
	oldHash uint32 // of the content the change applies to
}

// analyzeEdit is analyze for a small edit of an indexed file: only the
// declarations around the edit are outlined again and only the chunks of
// the edited lines tokenized again; the rest is taken from the file's entry,
// shifted. It returns nil when the entry does not hold the content the edit
// applies to, and the caller analyzes the whole file.
func (x *Index) analyzeEdit(ck *chunker, path string, lang *syntax.Language, src []byte, tree *syntax.Tree, ed *edit) (*fileEntry, []chunk) {
	if ed == nil || tree == nil {
		return nil, nil
	}
	x.mu.RLock()
	prev := x.files[path]
	if prev == nil || prev.hash != ed.oldHash || prev.lang != lang.Name {
		x.mu.RUnlock()
		return nil, nil
	}
	prevSyms, prevImports := prev.syms, prev.imports
	prevChunks := make([]chunk, len(prev.chunks))
	for i, id := range prev.chunks {
		prevChunks[i] = x.chunks[id]
	}
	x.mu.RUnlock()

	c := ed.change
	delta, ldelta := c.NewEndByte-c.OldEndByte, c.NewEndPoint.Row-c.OldEndPoint.Row
	start, end, ok := tree.Changed()
	if !ok {
		return nil, nil
	}
	o, rs, re := tree.OutlineRange(min(start, c.StartByte), max(end, c.NewEndByte))
	e := &fileEntry{path: path, lang: lang.Name, pkg: o.Package, size: int64(len(src)), hash: crc32.Checksum(src, castagnoli), lines: countLines(src)}
	for _, s := range prevSyms {
		if s.Start < rs {
			e.syms = append(e.syms, &Symbol{Path: path, Language: lang.Name, Definition: s.Definition})
		}
	}
	for _, d := range o.Definitions {
		e.syms = append(e.syms, &Symbol{Path: path, Language: lang.Name, Definition: clean(d)})
	}
	for _, s := range prevSyms {
		if s.Start >= re-delta {
			d := s.Definition
			d.Start, d.End, d.NameStart = d.Start+delta, d.End+delta, d.NameStart+delta
			d.StartLine, d.EndLine = d.StartLine+ldelta, d.EndLine+ldelta
			e.syms = append(e.syms, &Symbol{Path: path, Language: lang.Name, Definition: d})
		}
	}
	for _, im := range prevImports {
		if im.Start < rs {
			e.imports = append(e.imports, im)
		}
	}
	e.imports = append(e.imports, o.Imports...)
	for _, im := range prevImports {
		if im.Start >= re-delta {
			im.Start, im.End = im.Start+delta, im.End+delta
			e.imports = append(e.imports, im)
		}
	}
	x.callOnParsed(path, lang, src, tree)
	return e, x.editChunks(ck, src, prevChunks, c, e.lines)
}

// editChunks returns the chunks of src after change. The chunks before the
// edited lines are those of before. When no line was added or removed, so
// are those after, and only the chunks of the edited lines are tokenized;
// otherwise the lines after the edit moved across chunk boundaries and
// everything from the edit on is tokenized.
func (x *Index) editChunks(ck *chunker, src []byte, prev []chunk, c text.Change, lines int) []chunk {
	first := c.StartPoint.Row / ChunkLines * ChunkLines
	end := (c.NewEndPoint.Row/ChunkLines + 1) * ChunkLines // exclusive
	if c.NewEndPoint.Row != c.OldEndPoint.Row {
		end = math.MaxInt
	}
	from, to := lineOffset(src, first), lineOffset(src, end)
	var out []chunk
	for _, ch := range prev {
		if int(ch.startLine) < first {
			out = append(out, ch)
		}
	}
	out = append(out, ck.chunksFrom(src[from:to], first)...)
	for _, ch := range prev {
		if int(ch.startLine) >= end {
			out = append(out, ch)
		}
	}
	for i := range out {
		out[i].pos = uint32(i)
		out[i].endLine = min(out[i].startLine+ChunkLines, uint32(lines)) - 1
	}
	return out
}

// lineOffset returns the byte offset where line starts in src, or len(src).
func lineOffset(src []byte, line int) int {
	if line == 0 {
		return 0
	}
	n := 0
	for i, b := range src {
		if b == '\n' {
			if n++; n == line {
				return i + 1
			}
		}
	}
	return len(src)
}
