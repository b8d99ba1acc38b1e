use std::collections::{HashMap, HashSet};
use std::fmt;

/// A point.
#[derive(Debug)]
pub struct Point {
    pub x: i32,
    y: i32,
}

pub enum Dir { Up, Down }

pub trait Shape {
    fn area(&self) -> f64;
}

impl Shape for Point {
    /// Area of nothing.
    fn area(&self) -> f64 { 0.0 }
}

const LIMIT: usize = 4;

mod inner {
    pub fn helper() -> u8 { 1 }
}

macro_rules! square { ($x:expr) => { $x * $x }; }

fn main() {
    let m: HashMap<i32, i32> = HashMap::new();
}
