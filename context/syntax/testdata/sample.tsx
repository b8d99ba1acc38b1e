import React from "react";

interface Props { title: string }

export function Title(props: Props) {
  return <h1 className="t">{props.title}</h1>;
}

const App = () => <Title title="x" />;
