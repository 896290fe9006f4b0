// Where a text stops being JSON. JSON.parse names a position for some errors and not for
// others ("Unexpected token 'x', ... is not valid JSON"), so a user's broken package.json
// is scanned once more to point at the first character no JSON value can hold there.

class Stop {
  constructor(readonly offset: number) {}
}

/** Offset of the first character that makes `text` invalid JSON; undefined when it is valid. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') return void i++;
      if (c === '\\') {
        const escape = text[i + 1] ?? '';
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if ('"\\/bfnrt'.includes(escape) && escape !== '') {
          i += 2;
        } else {
          i++;
          fail();
        }
        continue;
      }
      if (c < ' ') fail();
      i++;
    }
    fail();
  };
  const sequence = (close: string, item: () => void): void => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail();
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      return sequence('}', () => {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
      });
    }
    if (c === '[') return sequence(']', value);
    if (c === '"') return string();
    const literal = ['true', 'false', 'null'].find((l) => text.startsWith(l, i));
    if (literal) return void (i += literal.length);
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) return void (i += number[0].length);
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (err) {
    if (err instanceof Stop) return err.offset;
    throw err;
  }
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}
