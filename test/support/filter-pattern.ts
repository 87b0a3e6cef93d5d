/**
 * Evaluates a CloudWatch Logs JSON filter pattern against one log line, for the subset the
 * service's patterns use: `$.a.b` selectors, `=` and `!=` on strings (with `*` wildcards) and
 * numbers, `<`, `<=`, `>` and `>=` on numbers, `IS TRUE|FALSE|NULL`, `&&`, `||` and parentheses. As in CloudWatch, a line that is
 * not JSON, or lacks the selected property, matches no comparison.
 */
export function matchesFilterPattern(pattern: string, line: string): boolean {
  const body = /^\s*\{(.*)\}\s*$/s.exec(pattern)?.[1];
  if (body === undefined) throw new Error(`Not a JSON filter pattern: ${pattern}`);
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return false;
  }
  const tokens =
    body.match(/\$(?:\.[A-Za-z0-9_@-]+)+|"(?:[^"\\]|\\.)*"|&&|\|\||!=|>=|<=|=|>|<|\(|\)|IS|TRUE|FALSE|NULL|-?\d+(?:\.\d+)?/g) ?? [];
  let position = 0;
  const next = () => tokens[position++];
  const peek = () => tokens[position];

  const select = (selector: string) =>
    selector
      .slice(2)
      .split('.')
      .reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), event);

  const comparison = (): boolean => {
    const selector = next();
    const operator = next();
    const operand = next();
    if (!selector?.startsWith('$.') || !operator || operand === undefined) throw new Error(`Cannot read ${pattern}`);
    const value = select(selector);
    if (operator === 'IS') return operand === 'NULL' ? value === null : value === (operand === 'TRUE');
    if (value === undefined || value === null || typeof value === 'object') return false;
    const order = { '<': -1, '>': 1 }[operator[0]!];
    if (order !== undefined) {
      if (typeof value !== 'number') return false;
      const difference = Math.sign(value - Number(operand));
      return difference === order || (operator.endsWith('=') && difference === 0);
    }
    let equal: boolean;
    if (operand.startsWith('"')) {
      const expected = JSON.parse(operand) as string;
      const wildcard = new RegExp(
        `^${expected
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
      equal = typeof value === 'string' && wildcard.test(value);
    } else equal = Number(value) === Number(operand);
    return operator === '=' ? equal : !equal;
  };
  const primary = (): boolean => {
    if (peek() !== '(') return comparison();
    next();
    const result = or();
    if (next() !== ')') throw new Error(`Unbalanced parentheses in ${pattern}`);
    return result;
  };
  const and = (): boolean => {
    let result = primary();
    while (peek() === '&&') {
      next();
      result = primary() && result;
    }
    return result;
  };
  const or = (): boolean => {
    let result = and();
    while (peek() === '||') {
      next();
      result = and() || result;
    }
    return result;
  };
  const result = or();
  if (position !== tokens.length) throw new Error(`Cannot read ${pattern}`);
  return result;
}
