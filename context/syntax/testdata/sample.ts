import { Foo } from "./foo";

export interface Shape {
  area(): number;
  name: string;
}

export type ID = string | number;

enum Color { Red, Green = 2 }

namespace NS {
  export function inner(): void {}
}

export class Square implements Shape {
  public name: string = "sq";
  constructor(private side: number) {}
  area(): number { return this.side * this.side; }
}

export const twice = (x: number): number => x * 2;
