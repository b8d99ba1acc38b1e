import React, { useState } from "react";
import * as path from 'path';

/** Adds. */
function add(a, b) { return a + b; }

const mul = (a, b) => a * b;
let counter = 0;

export class Widget extends Base {
  size = 3;
  /** Render it. */
  render() { return add(1, 2); }
}
