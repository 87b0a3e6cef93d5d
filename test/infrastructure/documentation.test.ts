import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).map((file) => `docs/${file}`)].filter((file) =>
  file.endsWith('.md'),
);

/** A page's text outside its fenced code blocks, where a link is a link. */
const prose = (page: string) => fs.readFileSync(path.join(root, page), 'utf8').replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');

const anchors = (page: string) =>
  new Set(
    [
      ...fs
        .readFileSync(path.join(root, page), 'utf8')
        .replace(/^```[\s\S]*?^```/gm, '')
        .matchAll(/^#{1,6} (.+)$/gm),
    ].map((match) => anchorOf(match[1]!)),
  );

describe('the documentation', () => {
  it('keeps the README short: at most 250 lines', () => {
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });

  it('indexes every page of docs/ from the README', () => {
    const readme = prose('README.md');
    for (const page of pages.filter((file) => file !== 'README.md')) expect([page, readme.includes(`](${page})`)]).toEqual([page, true]);
  });

  it.each(pages)('%s: every relative link names a file of the repository, and a heading of it where it names one', (page) => {
    const broken: string[] = [];
    for (const [, target] of prose(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = file ? path.normalize(path.join(path.dirname(page), file)) : page;
      if (!fs.existsSync(path.join(root, resolved))) broken.push(`${target}: no file ${resolved}`);
      else if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor))
        broken.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
    expect(broken).toEqual([]);
  });

  it.each(pages)('%s: every npm script, npx command and project path it names exists', (page) => {
    const text = fs.readFileSync(path.join(root, page), 'utf8');
    const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: object }).scripts);
    const commands = new Set(fs.readdirSync(path.join(root, 'node_modules/.bin')));
    const missing: string[] = [];
    for (const [, name] of text.matchAll(/npm run (?:-s )?([a-z][\w:-]*[\w-])/g))
      if (!scripts.includes(name!)) missing.push(`npm run ${name}`);
    for (const [, name] of text.matchAll(/npx ([@\w][\w@/.-]*)/g)) if (!commands.has(name!)) missing.push(`npx ${name}`);
    // A path in backticks, but a pattern (`src/api/<name>/`, `*.ts`, `{a,b}`, `...`).
    for (const [, named] of text.matchAll(/`((?:src|test|scripts|resources|docs|migrations|client|patches|\.ci|\.husky)\/[^`\s]*)`/g)) {
      const file = named!.replace(/[:,.]$/, '');
      if (!/[<*{]|\.\.\./.test(file) && !fs.existsSync(path.join(root, file))) missing.push(file);
    }
    expect(missing).toEqual([]);
  });
});
