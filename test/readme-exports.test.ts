import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as core from 'redux-auth-kit';
import * as query from 'redux-auth-kit/query';
import * as react from 'redux-auth-kit/react';
import * as store from 'redux-auth-kit/store';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// Every span of inline code and every code block: where the README names an API.
const code = [...readme.matchAll(/```[\s\S]*?```|`[^`\n]+`/g)].map((match) => match[0]).join('\n');

// Type-only exports have no runtime name to list: `npm run docs:check` holds them to the API reference.
describe.each([
  ['redux-auth-kit', core],
  ['redux-auth-kit/store', store],
  ['redux-auth-kit/react', react],
  ['redux-auth-kit/query', query],
])('every value exported by %s is named in the README', (_entry, exports) => {
  test.each(Object.keys(exports))('%s', (name) => {
    expect(code).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
