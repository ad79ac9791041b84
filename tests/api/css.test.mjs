// web/style.css is edited by many branches at once; a merge once left eight
// rules open, and with CSS nesting every rule after them became a nested
// rule that matched nothing (topics, care, residents, surveys lost their
// styles without any error). This checks that the braces balance and that
// every rule starting at the left margin is at the top level or directly
// inside an at-rule.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './lib.mjs';

describe('web/style.css', () => {
  it('has balanced braces and no rule left open', () => {
    const text = readFileSync(path.join(REPO, 'web', 'style.css'), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
    const stack = []; /* 'at' or 'rule' */
    text.split('\n').forEach((line, i) => {
      if (/^[^\s}@]/.test(line) && line.includes('{')) {
        assert.ok(stack.every((k) => k === 'at'),
          `line ${i + 1} starts a rule inside an open rule: ${line.trim()}`);
      }
      for (const ch of line) {
        if (ch === '{') stack.push(/^\s*@/.test(line) ? 'at' : 'rule');
        else if (ch === '}') {
          assert.ok(stack.length > 0, `line ${i + 1} closes a block that is not open`);
          stack.pop();
        }
      }
    });
    assert.equal(stack.length, 0, 'every block is closed at the end of the file');
  });
});
