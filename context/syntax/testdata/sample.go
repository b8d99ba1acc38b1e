// Package shapes draws.
package shapes

import (
	"fmt"
	m "math"
)

// Pi is pi.
const Pi = m.Pi

var (
	count int
	// names of things
	names []string
)

// Shape is a shape.
type Shape interface {
	// Area returns the area.
	Area() float64
}

// Circle is round.
type Circle struct {
	R float64 // radius
	fmt.Stringer
}

// Area of a circle.
func (c *Circle) Area() float64 {
	return Pi * c.R * c.R
}

func helper[T any](x T) T { return x }
