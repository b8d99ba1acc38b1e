package ngram

import (
	"math"
	"os"
	"strconv"
)

var knobMix, knobA = func() (int, float64) {
	m, _ := strconv.Atoi(os.Getenv("NG_MIX"))
	a, err := strconv.ParseFloat(os.Getenv("NG_A"), 64)
	if err != nil {
		a = 2
	}
	return m, a
}()

func mixWeightKnob(lambda float64, depth, order int) float64 {
	if depth == 0 {
		return 0
	}
	switch knobMix {
	case 1:
		return lambda * math.Pow(knobA, float64(depth))
	case 2:
		return math.Pow(lambda, knobA) * float64(depth*depth)
	case 3:
		return lambda * math.Pow(float64(depth), knobA)
	}
	return lambda * float64(depth*depth)
}

// SetKnobs is a tuning hook (scratch).
func SetKnobs(mix int, a float64, per int) { knobMix, knobA, knobPer = mix, a, per }

var knobPer = 24

var knobSmooth = func() float64 { f, _ := strconv.ParseFloat(os.Getenv("NG_D"), 64); return f }()
