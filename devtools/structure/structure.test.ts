/**
 * The floors hold (ARCHITECTURE.md): no import cycle between the folders of src/, no import
 * that points up a floor, no product file importing devtools/ or test/. The lint rule
 * (eslint.config.js) refuses upward imports file by file; cycles between features of one
 * floor only show in the whole graph, measured here.
 */
import { describe, expect, it } from 'vitest';
import { measure } from './report.js';

describe('the structure of src/', () => {
  const m = measure();
  it('has no import cycle between folders and no two folders importing each other', () => {
    expect(m.folderCycles).toEqual([]);
    expect(m.mutualImports).toEqual([]);
  });
  it('has no import that points up a floor, and nothing imported from outside src/', () => {
    expect(m.upwardImports).toEqual([]);
    expect(m.importsOutsideSrc).toEqual([]);
  });
});
