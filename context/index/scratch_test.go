package index

import (
	"os"
	"testing"
)

func BenchmarkScratchLoad(b *testing.B) {
	p := os.Getenv("B1_CACHE")
	if p == "" {
		b.Skip()
	}
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Load(p); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
