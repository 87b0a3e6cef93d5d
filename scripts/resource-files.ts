/**
 * The templates of a resource (scripts/resource-template/), filled for a name: what npm run new:resource writes,
 * and the typed client the contract tests compile for the tests' own resource.
 */
import fs from 'node:fs';
import path from 'node:path';

const templates = path.join(__dirname, 'resource-template');

/** The words of a name's one item: `line-items` is `line item`, `categories` is `category`, `boxes` is `box`. */
export function singularOf(name: string): string {
  const words = name.split('-');
  const last = words.pop()!;
  const one = last.endsWith('ies') ? `${last.slice(0, -3)}y` : /(?:s|x|z|ch|sh)es$/.test(last) ? last.slice(0, -2) : last.slice(0, -1);
  return [...words, one].join(' ');
}

const camelCase = (words: string[]) => words.map((word, index) => (index ? word[0]!.toUpperCase() + word.slice(1) : word)).join('');
const pascalCase = (words: string[]) => words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');

/** The template's tokens for `name`. */
export function tokensOf(name: string): Record<string, string> {
  const plural = name.split('-');
  const singular = singularOf(name).split(' ');
  const article = /^[aeiou]/.test(singular[0]!) ? 'an' : 'a';
  return {
    __name__: name,
    __resource__: camelCase(plural),
    __Resource__: pascalCase(plural),
    __item__: camelCase(singular),
    __Item__: pascalCase(singular),
    __singular__: singular.join(' '),
    __plural__: plural.join(' '),
    __Plural__: plural.join(' ')[0]!.toUpperCase() + plural.join(' ').slice(1),
    __table__: plural.join('_'),
    __a__: article,
    __A__: article[0]!.toUpperCase() + article.slice(1),
  };
}

/** A template of scripts/resource-template/ (`model.ts.tmpl`), filled for `name`. */
export function filled(template: string, name: string): string {
  const tokens = tokensOf(name);
  return fs.readFileSync(path.join(templates, template), 'utf8').replace(/__[A-Za-z]+__/g, (token) => tokens[token] ?? token);
}

/** A frontend's client of the resource `name`'s routes (client/<name>.ts), typed by the contract. */
export const clientFor = (name: string) => filled('client.ts.tmpl', name);
