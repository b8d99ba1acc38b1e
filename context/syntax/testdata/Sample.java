package com.example.shapes;

import java.util.List;
import java.util.Map;

/** A shape. */
public interface Shape {
    double area();
}

public class Circle implements Shape {
    private static final double PI = 3.14;
    private double r, d;

    /** Makes a circle. */
    public Circle(double r) { this.r = r; }

    @Override
    public double area() { return PI * r * r; }

    enum Kind { SMALL, LARGE }
}
